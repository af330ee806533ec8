"""Rules, macros, SLA policies, and their use on items."""

from __future__ import annotations

from typing import Any

from api import render
from api.http import current, principal, with_etag
from api.ops import Call, op
from api.resources import resource
from tandem.schemas import automation as m
from tandem.schemas import items as im
from tandem.schemas.common import page_of
from tandem.services import manage_rules as rules
from tandem.services import manage_sla as sla

resource(
    "/v1/rules",
    "rules",
    noun="rule",
    out=m.RuleOut,
    create_model=m.RuleCreate,
    patch_model=m.RulePatch,
    list_=lambda d, p, q, lim, after: rules.list_rules(d, p, limit=200),
    create=rules.create_rule,
    get=rules.get_rule,
    update=rules.update_rule,
    delete=rules.delete_rule,
    render_=lambda x, p: render.rule(x, rules.module_states(current().deps, p)),
)
resource(
    "/v1/macros",
    "macros",
    noun="macro",
    out=m.MacroOut,
    create_model=m.MacroCreate,
    patch_model=m.MacroPatch,
    list_=lambda d, p, q, lim, after: rules.list_macros(d, p, limit=lim, after=after),
    create=rules.create_macro,
    get=rules.get_macro,
    update=rules.update_macro,
    delete=rules.delete_macro,
    render_=lambda x, p: render.macro(x),
)
resource(
    "/v1/sla-policies",
    "sla_policies",
    noun="SLA policy",
    out=m.SlaPolicyOut,
    create_model=m.SlaPolicyCreate,
    patch_model=m.SlaPolicyPatch,
    list_=lambda d, p, q, lim, after: sla.list_policies(d, p, limit=lim, after=after),
    create=sla.create_policy,
    get=sla.get_policy,
    update=sla.update_policy,
    delete=sla.delete_sla_policy,
    render_=lambda x, p: render.sla_policy(x),
)


@op("PUT", "/v1/rules/order", summary="Set the evaluation order of the rules", tag="rules", body=m.ReorderIn,
    returns=page_of(m.RuleOut))
def reorder_rules(call: Call) -> dict[str, Any]:
    p, deps = principal(call.request), current().deps
    ordered = rules.reorder_rules(deps, p, call.body.order)
    on = rules.module_states(deps, p)
    return {"items": [render.rule(r, on) for r in ordered], "next_cursor": None}


@op("POST", "/v1/rules/{id}/dry-run", summary="Would the rule match this item now, and what would it do", tag="rules",
    body=m.DryRunIn, returns=m.DryRunOut)
def dry_run(call: Call, id: str) -> Any:
    return m.DryRunOut(**rules.dry_run(current().deps, principal(call.request), id, call.body.ref))


@op("POST", "/v1/items/{ref}/macros/{macro_id}", summary="Apply a macro to an item", tag="items",
    returns=im.ItemOut)
def apply_macro(call: Call, ref: str, macro_id: str) -> Any:
    c = current()
    p = principal(call.request)
    item = rules.apply_macro(c.deps, p, ref, macro_id, c.settings.token_secret)
    return with_etag(render.item(item), item.version)

