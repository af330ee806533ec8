"""Rules and macros: create, list, read, update, delete, reorder, enable/disable, dry-run, apply a macro."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tandem.domain.errors import NotFound, ValidationError
from tandem.domain.items import Cause, Item
from tandem.domain.permissions import Action as Perm
from tandem.domain.permissions import Area, AreaTarget, Principal, allowed
from tandem.domain.rules import (
    Macro,
    Rule,
    Situation,
    Trigger,
    Undecoded,
    actions_json,
    decode_actions,
    decode_conditions,
    decode_options,
    plan,
)
from tandem.domain.tenants import Tenant, modules_of
from tandem.services.access import load_item, require_area, tenant_of
from tandem.services.apply_rules import all_rules, requester_email
from tandem.services.check_rules import problems, refuse
from tandem.services.deps import Deps
from tandem.services.editing import apply_fields, boolean, check_limit, check_version, text
from tandem.services.ports import Page, Position
from tandem.services.run_actions import Actor, field_changes, run


def _trigger(value: Any) -> Trigger:
    try:
        return Trigger(value)
    except ValueError as exc:
        raise ValidationError("unknown trigger", {"field": "trigger", "allowed": [t.value for t in Trigger]}) from exc


def _options(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError("options must be an object", {"field": "options"})
    return value  # checked against the trigger once both are known, see _checked


def _position(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("position must be an integer", {"field": "position"})
    return value


RULE_CHECKS = {
    "name": text("name"),
    "trigger": _trigger,
    "conditions": decode_conditions,
    "actions": decode_actions,
    "enabled": boolean("enabled"),
    "position": _position,
    "options": _options,
}


def create_rule(deps: Deps, p: Principal, data: dict[str, Any]) -> Rule:
    require_area(p, Area.SETTINGS, Perm.ADMINISTER)
    data = {"name": None, "trigger": None, **data}
    if "position" not in data:
        data["position"] = len(_all_rules(deps, p.tenant_id))
    rule = apply_fields(Rule(p.tenant_id, deps.new_id(), "", Trigger.ITEM_CREATED, deps.clock()), data, RULE_CHECKS)
    return deps.repos.rules.add(_checked(deps, p, rule, set(data)))


def _checked(deps: Deps, p: Principal, rule: Rule, written: set[str]) -> Rule:
    """The rule with its options checked against its trigger, refused if a part it writes names something
    the tenant lacks; parts an update leaves alone are not re-checked (disabling a rule whose project was
    deleted since must stay possible)."""
    if written & {"trigger", "options"}:
        rule = replace(rule, options=decode_options(rule.trigger, rule.options))
    refuse(
        problems(
            deps,
            tenant_of(deps, p),
            actions=rule.actions if "actions" in written else None,
            conditions=rule.conditions if "conditions" in written else None,
            context=rule.conditions,
        )
    )
    return replace(rule, undecoded=rule.undecoded.without(written) if rule.undecoded else None)


def _all_rules(deps: Deps, tenant_id: str) -> list[Rule]:
    """The tenant's rules in evaluation order."""
    return sorted(all_rules(deps, tenant_id), key=lambda r: (r.position, r.created_at, r.id))


def get_rule(deps: Deps, p: Principal, rule_id: str) -> Rule:
    require_area(p, Area.SETTINGS, Perm.READ if p.is_staff else Perm.ADMINISTER)
    rule = deps.repos.rules.get(p.tenant_id, rule_id)
    if rule is None:
        raise NotFound("rule not found", {"id": rule_id})
    return rule


def module_states(deps: Deps, p: Principal) -> dict[str, bool]:
    """The tenant's modules, on or off: a rule's actions whose module is off are flagged and skipped (issue 15)."""
    return modules_of(tenant_of(deps, p))


def list_rules(deps: Deps, p: Principal, *, limit: int | None = None, after: Position = None) -> Page[Rule]:
    require_area(p, Area.SETTINGS, Perm.READ if p.is_staff else Perm.ADMINISTER)
    rules = _all_rules(deps, p.tenant_id)
    return Page(rules[: check_limit(limit)])


def update_rule(deps: Deps, p: Principal, rule_id: str, changes: dict[str, Any], expected: int | None = None) -> Rule:
    require_area(p, Area.SETTINGS, Perm.ADMINISTER)
    rule = get_rule(deps, p, rule_id)
    check_version(rule, expected)
    return deps.repos.rules.save(_checked(deps, p, apply_fields(rule, changes, RULE_CHECKS), set(changes)))


def delete_rule(deps: Deps, p: Principal, rule_id: str, expected_version: int | None = None) -> None:
    """DELETE /v1/rules/{id}: admins only; honours If-Match. The rule stops running at once."""
    require_area(p, Area.SETTINGS, Perm.ADMINISTER)
    rule = get_rule(deps, p, rule_id)
    check_version(rule, expected_version)
    deps.repos.rules.delete(rule)


def reorder_rules(deps: Deps, p: Principal, order: Any) -> list[Rule]:
    """Give the rules the positions of `order` (a list of ids); rules not named keep their order after them."""
    require_area(p, Area.SETTINGS, Perm.ADMINISTER)
    if not isinstance(order, list) or not all(isinstance(i, str) for i in order):
        raise ValidationError("order must be a list of rule ids", {"field": "order"})
    rules = {r.id: r for r in _all_rules(deps, p.tenant_id)}
    unknown = [i for i in order if i not in rules]
    if unknown:
        raise ValidationError("unknown rule ids", {"field": "order", "ids": unknown})
    ordered = [rules[i] for i in order] + [r for i, r in rules.items() if i not in order]
    return [deps.repos.rules.save(replace(r, position=n)) if r.position != n else r for n, r in enumerate(ordered)]


def dry_run(deps: Deps, p: Principal, rule_id: str, ref: str) -> dict[str, Any]:
    """Would the rule match this item now (as if it had just been created/changed), and what would it do."""
    rule = get_rule(deps, p, rule_id)
    _, item = load_item(deps, p, ref)
    _require_decoded(rule.undecoded)
    s = Situation(rule.trigger, item, requester_email=requester_email(deps, item))
    fired = plan([replace(rule, enabled=True)], s)
    actions = fired[0][1] if fired else []
    return {
        "rule_id": rule.id,
        "ref": item.ref,
        "matches": bool(fired),
        "enabled": rule.enabled,
        "actions": actions_json(actions),
        "changes": field_changes(item, actions) if fired else {},
    }


def _require_decoded(undecoded: Undecoded | None) -> None:
    if undecoded is not None:
        part = next(iter(undecoded.parts))
        raise ValidationError(f"the stored definition no longer decodes: {undecoded.error}", {"field": part})


MACRO_CHECKS = {"name": text("name"), "actions": decode_actions}


def _checked_macro(deps: Deps, p: Principal, macro: Macro, written: set[str]) -> Macro:
    if "actions" in written:
        refuse(problems(deps, tenant_of(deps, p), actions=macro.actions))
    return replace(macro, undecoded=macro.undecoded.without(written) if macro.undecoded else None)


def create_macro(deps: Deps, p: Principal, data: dict[str, Any]) -> Macro:
    require_area(p, Area.SETTINGS, Perm.ADMINISTER)
    data = {"name": None, "actions": [], **data}
    macro = apply_fields(Macro(p.tenant_id, deps.new_id(), "", deps.clock()), data, MACRO_CHECKS)
    return deps.repos.macros.add(_checked_macro(deps, p, macro, set(data)))


def get_macro(deps: Deps, p: Principal, macro_id: str) -> Macro:
    # Staff only, the same test as list_macros (an API key is staff-like in what it sees, but macros are not its).
    if not allowed(p, Perm.READ, AreaTarget(p.tenant_id, Area.USERS)):
        raise NotFound("macro not found", {"id": macro_id})
    macro = deps.repos.macros.get(p.tenant_id, macro_id)
    if macro is None:
        raise NotFound("macro not found", {"id": macro_id})
    return macro


def list_macros(deps: Deps, p: Principal, *, limit: int | None = None, after: Position = None) -> Page[Macro]:
    require_area(p, Area.USERS, Perm.READ)  # staff only
    return deps.repos.macros.list(p.tenant_id, limit=check_limit(limit), after=after)


def update_macro(
    deps: Deps, p: Principal, macro_id: str, changes: dict[str, Any], expected: int | None = None
) -> Macro:
    require_area(p, Area.SETTINGS, Perm.ADMINISTER)
    macro = get_macro(deps, p, macro_id)
    check_version(macro, expected)
    return deps.repos.macros.save(_checked_macro(deps, p, apply_fields(macro, changes, MACRO_CHECKS), set(changes)))


def delete_macro(deps: Deps, p: Principal, macro_id: str, expected_version: int | None = None) -> None:
    """DELETE /v1/macros/{id}: admins only; honours If-Match."""
    require_area(p, Area.SETTINGS, Perm.ADMINISTER)
    macro = get_macro(deps, p, macro_id)
    check_version(macro, expected_version)
    deps.repos.macros.delete(macro)


def apply_macro(deps: Deps, p: Principal, ref: str, macro_id: str, secret: str) -> Item:
    """An agent applies a macro to an item: the same actions rules take, caused by that agent."""
    tenant, item = load_item(deps, p, ref, Perm.UPDATE)
    return run_macro(deps, p, tenant, item, macro_to_apply(deps, p, macro_id), secret)


def macro_to_apply(deps: Deps, p: Principal, macro_id: str) -> Macro:
    """A macro the caller may apply (404 otherwise) whose stored definition still decodes (422 otherwise)."""
    macro = get_macro(deps, p, macro_id)
    _require_decoded(macro.undecoded)
    return macro


def run_macro(deps: Deps, p: Principal, tenant: Tenant, item: Item, macro: Macro, secret: str) -> Item:
    """Apply a macro to an item already loaded for an update (one item, or each item of a bulk change)."""
    actor = Actor(Cause.USER, f'macro "{macro.name}"', user_id=p.user_id)
    return run(deps, tenant, item, macro.actions, actor, f"macro:{macro.id}:{item.id}:{deps.new_id()}", secret)
