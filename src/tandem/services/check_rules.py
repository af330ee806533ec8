"""What a rule or macro names must exist in its tenant: statuses, people, teams, projects, item types, custom
fields and SLA policies, and condition fields the engine can read. Checked when a definition is written, so a
typo is a 422 for the admin instead of a rule that fails on every new item."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tandem.domain.errors import ValidationError
from tandem.domain.item_types import ItemType, validate_answers
from tandem.domain.people import EMAIL_RE
from tandem.domain.rule_actions import (
    AddAssignee,
    AddFollower,
    ApplySla,
    CallWebhook,
    ConvertToTask,
    SendEmail,
    SetAssignee,
    SetField,
    SetProject,
    SetStatus,
    SetType,
)
from tandem.domain.rule_conditions import condition_fields
from tandem.domain.rules import Action, Condition, Group, is_known_field
from tandem.domain.tenants import Tenant
from tandem.services.deps import Deps

Problem = tuple[str, str]  # (path, message)


class _Tenant:
    """The tenant's directory as the checks need it, each list read at most once."""

    def __init__(self, deps: Deps, tenant: Tenant) -> None:
        self.deps, self.tenant = deps, tenant
        self._types: list[ItemType] | None = None

    @property
    def types(self) -> list[ItemType]:
        if self._types is None:
            self._types = self.deps.repos.item_types.list(self.tenant.id, limit=200).items
        return self._types

    def custom_keys(self) -> set[str]:
        return {f.key for t in self.types for f in t.form}

    def principal_exists(self, ref: str) -> bool:
        return principal_exists(self.deps, self.tenant.id, ref)


def principal_exists(deps: Deps, tenant_id: str, ref: str) -> bool:
    """Whether `ref` ("user:<id>" or "team:<id>") names a team or a staff user of the tenant."""
    kind, _, ident = ref.partition(":")
    if kind == "team":
        return deps.repos.teams.get(tenant_id, ident) is not None
    user = deps.repos.users.get(tenant_id, ident)
    return user is not None and user.role.is_staff


def _status(t: _Tenant, a: SetStatus, _: Group) -> list[Problem]:
    # The rule may run on either kind; a status of any kind's lifecycle can be right for some item.
    known = any(t.tenant.status(kind, a.value) for kind in t.tenant.statuses)
    return [] if known else [("value", f"unknown status {a.value!r}")]


def _type(t: _Tenant, a: SetType, _: Group) -> list[Problem]:
    return [] if any(x.id == a.value for x in t.types) else [("value", "unknown item type")]


def _project(t: _Tenant, a: SetProject, _: Group) -> list[Problem]:
    if a.value is None or t.deps.repos.projects.get(t.tenant.id, a.value) is not None:
        return []
    return [("value", "unknown project")]


def _assignee(t: _Tenant, a: SetAssignee | AddAssignee, _: Group) -> list[Problem]:
    if a.value is None or t.principal_exists(a.value):
        return []
    return [("value", "unknown team" if a.value.startswith("team:") else "unknown agent")]


def _follower(t: _Tenant, a: AddFollower, _: Group) -> list[Problem]:
    return [] if t.deps.repos.users.get(t.tenant.id, a.value) is not None else [("value", "unknown user")]


def _types_named_by(group: Group) -> set[str]:
    """Type ids the rule is limited to by a top-level `type_id equals|in` of an `all` group, if any."""
    found: set[str] = set()
    for c in group.conditions if group.mode == "all" else []:
        if isinstance(c, Condition) and c.field == "type_id" and c.op in ("equals", "in"):
            found |= {str(v) for v in (c.value if isinstance(c.value, list) else [c.value])}
    return found


def _set_field(t: _Tenant, a: SetField, conditions: Group) -> list[Problem]:
    limited = _types_named_by(conditions)
    candidates = [x for x in t.types if (not limited or x.id in limited) and any(f.key == a.key for f in x.form)]
    if not candidates:
        where = "the item types the conditions name" if limited else "any item type"
        return [("key", f"{a.key!r} is not a field of {where}")]
    for item_type in candidates:
        try:
            validate_answers(item_type.form, {a.key: a.value}, partial=True)
            return []
        except ValidationError:
            continue
    return [("value", f"not a valid value for the field {a.key!r}")]


def _email(t: _Tenant, a: SendEmail, _: Group) -> list[Problem]:
    problems: list[Problem] = []
    if a.to not in ("requester", "followers"):
        if not EMAIL_RE.match(a.to) or t.deps.repos.users.by_email(t.tenant.id, a.to.lower()) is None:
            problems.append(("to", "to is requester, followers or the address of a user of this workspace"))
    from jinja2 import TemplateSyntaxError  # on first use: jinja2 costs the API ~50 ms at import
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(autoescape=False)
    for name, template in (("subject", a.subject), ("body", a.body)):
        try:
            env.parse(template)
        except TemplateSyntaxError as exc:
            problems.append((name, f"template does not parse: {exc.message}"))
    return problems


def _convert(t: _Tenant, a: ConvertToTask, _: Group) -> list[Problem]:
    if a.type_id is None or any(x.id == a.type_id and x.kind == "task" for x in t.types):
        return []
    return [("type_id", "unknown task type")]


def _sla(t: _Tenant, a: ApplySla, _: Group) -> list[Problem]:
    found = t.deps.repos.sla_policies.get(t.tenant.id, a.policy_id)
    return [] if found is not None else [("policy_id", "unknown SLA policy")]


def _webhook(t: _Tenant, a: CallWebhook, _: Group) -> list[Problem]:
    """The same guard as a hook's target (scheme, resolved addresses); delivery checks again against rebinding."""
    sender = t.deps.webhooks
    if sender is None:
        return []
    try:
        sender.check(a.url)
    except ValidationError as exc:
        return [("url", exc.message)]
    return []


CHECKS: dict[type, Callable[[_Tenant, Any, Group], list[Problem]]] = {
    SetStatus: _status,
    SetType: _type,
    SetProject: _project,
    SetAssignee: _assignee,
    AddAssignee: _assignee,
    AddFollower: _follower,
    SetField: _set_field,
    SendEmail: _email,
    ConvertToTask: _convert,
    ApplySla: _sla,
    CallWebhook: _webhook,
}


def problems(
    deps: Deps, tenant: Tenant, *, actions: list[Action] | None = None, conditions: Group | None = None,
    context: Group | None = None,
) -> list[Problem]:
    """Every part naming something the tenant lacks, as (`actions[2].value` | `conditions.all[0].field`, message).

    Only the parts given are checked (an update checks what it writes); `context` is the rule's conditions,
    which may narrow the item types a `set_field` can mean."""
    t = _Tenant(deps, tenant)
    found: list[Problem] = []
    if conditions is not None:
        keys = t.custom_keys()
        found += [
            (path, f"unknown field {name!r}")
            for path, name in condition_fields(conditions, "conditions")
            if not is_known_field(name, keys)
        ]
    for n, action in enumerate(actions or []):
        check = CHECKS.get(type(action))
        if check is not None:
            found += [(f"actions[{n}].{param}", msg) for param, msg in check(t, action, context or Group())]
    return found


def refuse(found: list[Problem]) -> None:
    """One problem names its field; several are listed (the error convention of the API)."""
    if len(found) == 1:
        ((path, message),) = found
        raise ValidationError(f"{path}: {message}", {"field": path})
    if found:
        raise ValidationError(
            "the definition names things this workspace does not have",
            {"errors": [{"field": path, "message": message} for path, message in found]},
        )
