"""Rules and macros: create, list, read, update, reorder, enable/disable, dry-run, apply a macro."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tandem.domain.errors import NotFound, ValidationError
from tandem.domain.items import Cause, Item
from tandem.domain.permissions import Action as Perm
from tandem.domain.permissions import Area, Principal
from tandem.domain.rules import Action, Condition, Group, Macro, Rule, Situation, Trigger, check_rule, plan
from tandem.services.access import load_item, require_area
from tandem.services.apply_rules import all_rules, requester_email
from tandem.services.deps import Deps
from tandem.services.editing import apply_fields, boolean, check_limit, check_version, text
from tandem.services.ports import Page, Position
from tandem.services.run_actions import Actor, field_changes, run


def parse_group(value: Any) -> Group:
    """`{"all": [...]}` / `{"any": [...]}` / a list (= all); leaves are `{field, op, value}`."""
    if value is None:
        return Group()
    if isinstance(value, list):
        value = {"all": value}
    if not isinstance(value, dict) or len(set(value) & {"all", "any"}) != 1:
        raise ValidationError("conditions are {all: [...]} or {any: [...]}", {"field": "conditions"})
    mode = "all" if "all" in value else "any"
    items = value[mode]
    if not isinstance(items, list):
        raise ValidationError("a condition group holds a list", {"field": "conditions"})
    parsed: list[Condition | Group] = []
    for entry in items:
        if isinstance(entry, dict) and ("all" in entry or "any" in entry):
            parsed.append(parse_group(entry))
        elif isinstance(entry, dict) and isinstance(entry.get("field"), str) and isinstance(entry.get("op"), str):
            parsed.append(Condition(entry["field"], entry["op"], entry.get("value")))
        else:
            raise ValidationError("a condition is {field, op, value}", {"field": "conditions", "entry": entry})
    return Group(mode, parsed)


def group_json(group: Group) -> dict[str, Any]:
    return {
        group.mode: [
            group_json(c) if isinstance(c, Group) else {"field": c.field, "op": c.op, "value": c.value}
            for c in group.conditions
        ]
    }


def parse_actions(value: Any) -> list[Action]:
    if not isinstance(value, list):
        raise ValidationError("actions must be a list", {"field": "actions"})
    actions = []
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("type"), str):
            raise ValidationError("an action is {type, ...params}", {"field": "actions", "entry": entry})
        actions.append(Action(entry["type"], {k: v for k, v in entry.items() if k != "type"}))
    return actions


def _trigger(value: Any) -> Trigger:
    try:
        return Trigger(value)
    except ValueError as exc:
        raise ValidationError("unknown trigger", {"field": "trigger", "allowed": [t.value for t in Trigger]}) from exc


def _options(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError("options must be an object", {"field": "options"})
    return value


def _position(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("position must be an integer", {"field": "position"})
    return value


RULE_CHECKS = {
    "name": text("name"),
    "trigger": _trigger,
    "conditions": parse_group,
    "actions": parse_actions,
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
    return deps.repos.rules.add(check_rule(rule))


def _all_rules(deps: Deps, tenant_id: str) -> list[Rule]:
    """The tenant's rules in evaluation order."""
    return sorted(all_rules(deps, tenant_id), key=lambda r: (r.position, r.created_at, r.id))


def get_rule(deps: Deps, p: Principal, rule_id: str) -> Rule:
    require_area(p, Area.SETTINGS, Perm.READ if p.is_staff else Perm.ADMINISTER)
    rule = deps.repos.rules.get(p.tenant_id, rule_id)
    if rule is None:
        raise NotFound("rule not found", {"id": rule_id})
    return rule


def list_rules(deps: Deps, p: Principal, *, limit: int | None = None, after: Position = None) -> Page[Rule]:
    require_area(p, Area.SETTINGS, Perm.READ if p.is_staff else Perm.ADMINISTER)
    rules = _all_rules(deps, p.tenant_id)
    return Page(rules[: check_limit(limit)])


def update_rule(deps: Deps, p: Principal, rule_id: str, changes: dict[str, Any], expected: int | None = None) -> Rule:
    require_area(p, Area.SETTINGS, Perm.ADMINISTER)
    rule = get_rule(deps, p, rule_id)
    check_version(rule, expected)
    return deps.repos.rules.save(check_rule(apply_fields(rule, changes, RULE_CHECKS)))


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
    s = Situation(rule.trigger, item, requester_email=requester_email(deps, item))
    fired = plan([replace(rule, enabled=True)], s)
    actions = fired[0][1] if fired else []
    return {
        "rule_id": rule.id,
        "ref": item.ref,
        "matches": bool(fired),
        "enabled": rule.enabled,
        "actions": [{"type": a.type, **a.params} for a in actions],
        "changes": field_changes(item, actions) if fired else {},
    }


MACRO_CHECKS = {"name": text("name"), "actions": parse_actions}


def create_macro(deps: Deps, p: Principal, data: dict[str, Any]) -> Macro:
    require_area(p, Area.SETTINGS, Perm.ADMINISTER)
    macro = apply_fields(Macro(p.tenant_id, deps.new_id(), "", deps.clock()), {"name": None, **data}, MACRO_CHECKS)
    for action in macro.actions:
        check_rule(Rule(p.tenant_id, "check", "check", Trigger.ITEM_CREATED, "", actions=[action]))
    return deps.repos.macros.add(macro)


def get_macro(deps: Deps, p: Principal, macro_id: str) -> Macro:
    if not p.is_staff:
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
    return deps.repos.macros.save(apply_fields(macro, changes, MACRO_CHECKS))


def apply_macro(deps: Deps, p: Principal, ref: str, macro_id: str, secret: str) -> Item:
    """An agent applies a macro to an item: the same actions rules take, caused by that agent."""
    tenant, item = load_item(deps, p, ref, Perm.UPDATE)
    macro = get_macro(deps, p, macro_id)
    actor = Actor(Cause.USER, f'macro "{macro.name}"', user_id=p.user_id)
    return run(deps, tenant, item, macro.actions, actor, f"macro:{macro.id}:{item.id}:{deps.new_id()}", secret)
