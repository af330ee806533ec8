"""Rules, macros, SLA policies, and their use on items."""

from __future__ import annotations

from typing import Any

from chalice import Response

from api import api, render, route
from api.http import JSON, body, current, endpoint, if_match, principal
from api.resources import resource
from tandem.services import manage_rules as rules
from tandem.services import manage_sla as sla

resource(
    "/v1/rules",
    "rules",
    list_=lambda d, p, q, lim, after: rules.list_rules(d, p, limit=200),
    create=rules.create_rule,
    get=rules.get_rule,
    update=rules.update_rule,
    render_=lambda x, p: render.rule(x),
)
resource(
    "/v1/macros",
    "macros",
    list_=lambda d, p, q, lim, after: rules.list_macros(d, p, limit=lim, after=after),
    create=rules.create_macro,
    get=rules.get_macro,
    update=rules.update_macro,
    render_=lambda x, p: render.macro(x),
)
resource(
    "/v1/sla-policies",
    "sla_policies",
    list_=lambda d, p, q, lim, after: sla.list_policies(d, p, limit=lim, after=after),
    create=sla.create_policy,
    get=sla.get_policy,
    update=sla.update_policy,
    render_=lambda x, p: x.to_dict(),
)


@route("/v1/rules/order", methods=["PUT"])
@endpoint
def reorder_rules() -> dict[str, Any]:
    request = api.current_request
    ordered = rules.reorder_rules(current().deps, principal(request), body(request).get("order"))
    return {"items": [render.rule(r) for r in ordered], "next_cursor": None}


@route("/v1/rules/{id}/dry-run", methods=["POST"])
@endpoint
def dry_run(id: str) -> dict[str, Any]:
    request = api.current_request
    return rules.dry_run(current().deps, principal(request), id, str(body(request).get("ref", "")))


@route("/v1/items/{ref}/macros/{macro_id}", methods=["POST"])
@endpoint
def apply_macro(ref: str, macro_id: str) -> Response:
    c = current()
    p = principal(api.current_request)
    item = rules.apply_macro(c.deps, p, ref, macro_id, c.settings.token_secret)
    return Response(body=render.item(item), status_code=200, headers={**JSON, "ETag": f'"{item.version}"'})


def _deleter(path: str, name: str, delete: Any) -> None:
    """DELETE {path}/{id}: the use case decides who may; 204 with no body."""

    def do_delete(id: str) -> Response:
        request = api.current_request
        delete(current().deps, principal(request), id, if_match(request))
        return Response(body="", status_code=204)

    do_delete.__name__ = f"{name}_delete"
    route(f"{path}/{{id}}", methods=["DELETE"])(endpoint(do_delete))


_deleter("/v1/rules", "rules", rules.delete_rule)
_deleter("/v1/macros", "macros", rules.delete_macro)
_deleter("/v1/sla-policies", "sla_policies", sla.delete_sla_policy)
