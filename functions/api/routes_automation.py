"""Rules, macros and their use on items."""

from __future__ import annotations

from typing import Any

from chalice import Response

from api import api, render
from api.http import JSON, body, current, endpoint, if_match, principal, remembered_create, with_etag
from tandem.services import manage_rules as rules
from tandem.services import manage_sla as sla


@api.route("/v1/rules", methods=["GET"])
@endpoint
def list_rules() -> dict[str, Any]:
    p = principal(api.current_request)
    return {
        "items": [render.rule(r) for r in rules.list_rules(current().deps, p, limit=200).items],
        "next_cursor": None,
    }


@api.route("/v1/rules", methods=["POST"])
@endpoint
def create_rule() -> Response:
    request = api.current_request
    p = principal(request)
    data = body(request)
    return remembered_create(request, p, "/v1/rules", lambda: render.rule(rules.create_rule(current().deps, p, data)))


@api.route("/v1/rules/{id}", methods=["GET"])
@endpoint
def get_rule(id: str) -> Response:
    rule = rules.get_rule(current().deps, principal(api.current_request), id)
    return with_etag(render.rule(rule), rule.version)


@api.route("/v1/rules/{id}", methods=["PATCH"])
@endpoint
def update_rule(id: str) -> Response:
    request = api.current_request
    rule = rules.update_rule(current().deps, principal(request), id, body(request), if_match(request))
    return with_etag(render.rule(rule), rule.version)


@api.route("/v1/rules/order", methods=["PUT"])
@endpoint
def reorder_rules() -> dict[str, Any]:
    request = api.current_request
    ordered = rules.reorder_rules(current().deps, principal(request), body(request).get("order"))
    return {"items": [render.rule(r) for r in ordered], "next_cursor": None}


@api.route("/v1/rules/{id}/dry-run", methods=["POST"])
@endpoint
def dry_run(id: str) -> dict[str, Any]:
    request = api.current_request
    return rules.dry_run(current().deps, principal(request), id, str(body(request).get("ref", "")))


@api.route("/v1/macros", methods=["GET"])
@endpoint
def list_macros() -> dict[str, Any]:
    p = principal(api.current_request)
    page = rules.list_macros(current().deps, p, limit=200)
    return {"items": [render.macro(m) for m in page.items], "next_cursor": None}


@api.route("/v1/macros", methods=["POST"])
@endpoint
def create_macro() -> Response:
    request = api.current_request
    p = principal(request)
    data = body(request)
    return remembered_create(
        request, p, "/v1/macros", lambda: render.macro(rules.create_macro(current().deps, p, data))
    )


@api.route("/v1/macros/{id}", methods=["GET"])
@endpoint
def get_macro(id: str) -> Response:
    macro = rules.get_macro(current().deps, principal(api.current_request), id)
    return with_etag(render.macro(macro), macro.version)


@api.route("/v1/macros/{id}", methods=["PATCH"])
@endpoint
def update_macro(id: str) -> Response:
    request = api.current_request
    macro = rules.update_macro(current().deps, principal(request), id, body(request), if_match(request))
    return with_etag(render.macro(macro), macro.version)


@api.route("/v1/items/{ref}/macros/{macro_id}", methods=["POST"])
@endpoint
def apply_macro(ref: str, macro_id: str) -> Response:
    c = current()
    p = principal(api.current_request)
    item = rules.apply_macro(c.deps, p, ref, macro_id, c.settings.token_secret)
    return Response(body=render.item(item), status_code=200, headers={**JSON, "ETag": f'"{item.version}"'})


def _policy(x) -> dict[str, Any]:
    return x.to_dict()


@api.route("/v1/sla-policies", methods=["GET"])
@endpoint
def list_sla_policies() -> dict[str, Any]:
    p = principal(api.current_request)
    return {"items": [_policy(x) for x in sla.list_policies(current().deps, p, limit=200).items], "next_cursor": None}


@api.route("/v1/sla-policies", methods=["POST"])
@endpoint
def create_sla_policy() -> Response:
    request = api.current_request
    p = principal(request)
    data = body(request)
    return remembered_create(
        request, p, "/v1/sla-policies", lambda: _policy(sla.create_policy(current().deps, p, data))
    )


@api.route("/v1/sla-policies/{id}", methods=["GET"])
@endpoint
def get_sla_policy(id: str) -> Response:
    policy = sla.get_policy(current().deps, principal(api.current_request), id)
    return with_etag(_policy(policy), policy.version)


@api.route("/v1/sla-policies/{id}", methods=["PATCH"])
@endpoint
def update_sla_policy(id: str) -> Response:
    request = api.current_request
    policy = sla.update_policy(current().deps, principal(request), id, body(request), if_match(request))
    return with_etag(_policy(policy), policy.version)
