"""Domain objects → the API's response models (tandem.schemas): the one place that decides what leaves."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from msgspec import UNSET

from tandem.schemas.derive import project as fill

if TYPE_CHECKING:
    from tandem.domain.activity import Activity
    from tandem.domain.hierarchy import Project
    from tandem.domain.item_types import ItemType
    from tandem.domain.items import Item
    from tandem.domain.messages import Attachment, Message
    from tandem.domain.planning import PlanConflict
    from tandem.domain.tenants import Tenant


class _OnFirstUse:
    """A module imported when one of its names is first read: every route imports this module, and a cold Lambda
    serving one route should not import the schemas and domain modules only other routes render (~100 ms)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self._name), attr)


auth, automation, items, people, planning, projects = (
    _OnFirstUse(f"tandem.schemas.{n}") for n in ("auth", "automation", "items", "people", "planning", "projects"))
_domain_modules, _domain_rules, _domain_tenants = (
    _OnFirstUse(f"tandem.domain.{n}") for n in ("modules", "rules", "tenants"))


def tenant(t: Tenant) -> auth.TenantOut:
    return fill(auth.TenantOut, t)


def tenant_settings(t: Tenant) -> Any:
    return fill(auth.SettingsOut, t, modules=modules(t))


def modules(t: Tenant) -> auth.Modules:
    """Every module with its state, defaults applied (what screens show or hide)."""
    return auth.Modules(**_domain_tenants.modules_of(t))


def statuses(t: Tenant) -> dict[str, list[auth.StatusOut]]:
    """Each kind's lifecycle: what the portal and the board show (names, categories, order)."""
    return {kind: [fill(auth.StatusOut, st) for st in lifecycle] for kind, lifecycle in t.statuses.items()}


def user(u: Any) -> Any:
    return fill(people.UserOut, u)


def team(t: Any) -> Any:
    return fill(people.TeamOut, t)


def organization(o: Any) -> Any:
    return fill(people.OrganizationOut, o)


def portfolio(p: Any) -> Any:
    return fill(projects.PortfolioOut, p)


def project(p: Project, *, staff: bool = True) -> Any:
    if staff:
        return fill(projects.ProjectOut, p)
    # Customers do not learn who else works on, manages or follows a project.
    return fill(projects.ProjectOut, p, members=UNSET, followers=UNSET, managers=UNSET)


def item_type(t: ItemType, *, staff: bool = True) -> Any:
    form = projects.Form(fields=t.form)
    if staff:
        return fill(projects.ItemTypeOut, t, form=form)
    return fill(projects.ItemTypeOut, t, form=form, defaults=UNSET)


def public_form(t: ItemType) -> projects.PublicForm:
    return projects.PublicForm(type_id=t.id, name=t.name, kind=t.kind, survey=t.survey, fields=t.form)


def item(i: Item, *, staff: bool = True) -> Any:
    # Customers see who handles it as principals, not internal followers.
    followers = i.followers if staff else [f for f in i.followers if f == i.requester_id]
    return fill(items.ItemOut, i, followers=followers)


def conflict(c: PlanConflict) -> planning.ConflictOut:
    return planning.ConflictOut(code=c.code, message=c.message, ref=c.ref or UNSET)


def item_detail(i: Item, conflicts: list[PlanConflict], *, staff: bool = True) -> Any:
    """One item as `GET /v1/items/{ref}` answers it: with the conflicts of its plan."""
    followers = i.followers if staff else [f for f in i.followers if f == i.requester_id]
    return fill(planning.ItemDetailOut, i, followers=followers, conflicts=[conflict(c) for c in conflicts])


def schedule_row(i: Item, conflicts: list[PlanConflict]) -> Any:
    return fill(planning.ScheduleRowOut, i, conflicts=[conflict(c) for c in conflicts])


def attachment(a: Attachment) -> Any:
    return fill(items.AttachmentOut, a)


def message(m: Message, author_name: str | None = None) -> Any:
    return fill(items.MessageOut, m, author_name=author_name, attachments=[attachment(a) for a in m.attachments])


def activity(a: Activity) -> Any:
    return fill(items.ActivityOut, a)


def rule(r: Any, on: dict[str, bool] | None = None) -> automation.RuleOut:
    """`on`: the tenant's modules (modules_of), for the warnings of actions whose module is off."""
    # A definition stored by older code that no longer decodes is shown as stored: the admin sees what to fix.
    raw = r.undecoded.parts if r.undecoded else {}
    actions = raw.get("actions", _domain_rules.actions_json(r.actions))
    listed = actions if isinstance(actions, list) else []
    kinds = [str(a.get("type", "")) if isinstance(a, dict) else "" for a in listed]
    warnings = [automation.RuleWarning(action_index=w.action_index, module=w.module, message=w.message)
                for w in _domain_modules.action_warnings(kinds, on or {})]
    return automation.RuleOut(
        id=r.id,
        name=r.name,
        trigger=r.trigger.value,
        conditions=raw.get("conditions", _domain_rules.group_json(r.conditions)),
        actions=actions,
        enabled=r.enabled,
        position=r.position,
        options=r.options,
        created_at=r.created_at,
        version=r.version,
        last_error=r.last_error,
        failing_since=r.failing_since,
        warnings=warnings,
    )


def macro(m: Any) -> automation.MacroOut:
    raw = m.undecoded.parts if m.undecoded else {}
    return automation.MacroOut(
        id=m.id, name=m.name, actions=raw.get("actions", _domain_rules.actions_json(m.actions)),
        created_at=m.created_at, version=m.version,
    )


def sla_policy(p: Any) -> Any:
    return fill(automation.SlaPolicyOut, p)
