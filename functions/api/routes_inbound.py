"""Inbound webhooks: admins manage endpoints; a post to an endpoint's secret URL becomes an item."""

from __future__ import annotations

from typing import Any

from chalice import Response

from api.http import JSON, current, decode_cursor, idempotency_key, if_match, page_body, principal, with_etag
from api.ops import Call, op
from tandem.domain.errors import ValidationError
from tandem.schemas import inbound as m
from tandem.schemas.codec import encode, given, read_json
from tandem.schemas.common import ListQuery, page_of
from tandem.schemas.derive import project
from tandem.services import inbound_webhooks as inbound
from tandem.services.open_item import fingerprint

TAG = "inbound webhooks"
PATH = "/v1/inbound-webhooks"


def _out(endpoint: Any, url: str | None = None) -> Any:
    return project(m.InboundWebhookOut, endpoint, url=url, url_hint=inbound.url_hint(current().deps, endpoint))


def _issued(issued: inbound.Issued, status: int) -> Response:
    e = issued.endpoint
    return with_etag(_out(e, issued.url), e.version, status, {"Location": f"{PATH}/{e.id}"} if status == 201 else None)


@op("GET", PATH, summary="List inbound webhook endpoints", tag=TAG, query=ListQuery,
    returns=page_of(m.InboundWebhookOut))
def inbound_webhooks_list(call: Call) -> dict[str, Any]:
    p = principal(call.request)
    scope = f"{p.user_id}{PATH}"
    page = inbound.list_endpoints(current().deps, p, limit=call.query.limit,
                                  after=decode_cursor(call.query.cursor, scope))
    return page_body(page, _out, scope)


@op("POST", PATH, summary="Create an inbound webhook endpoint (the answer is the only one showing its URL)",
    tag=TAG, body=m.InboundWebhookCreate, returns=m.InboundWebhookOut, status=201, headers=("Idempotency-Key",))
def inbound_webhooks_create(call: Call) -> Response:
    p = principal(call.request)
    data = given(call.body)
    key = idempotency_key(call.request)
    if key is None:
        return _issued(inbound.create_endpoint(current().deps, p, data), 201)
    # A repeat answers the first result without the secret: only its hash is ever stored, here too.
    store, full = current().deps.repos.idempotency, f"{PATH}:{p.user_id}:{key}"
    first = store.get(p.tenant_id, full)
    if first is not None:
        if first.get("fingerprint") != fingerprint(data):
            raise ValidationError("Idempotency-Key reused with a different request", {"code": "idempotency_mismatch"})
        return Response(body=first["response"], status_code=201, headers=dict(JSON))
    issued = inbound.create_endpoint(current().deps, p, data)
    store.put(p.tenant_id, full, {"fingerprint": fingerprint(data), "response": encode(_out(issued.endpoint)).decode()})
    return _issued(issued, 201)


@op("GET", PATH + "/{id}", summary="Read an inbound webhook endpoint", tag=TAG, returns=m.InboundWebhookOut)
def inbound_webhooks_get(call: Call, id: str) -> Response:
    endpoint = inbound.get_endpoint(current().deps, principal(call.request), id)
    return with_etag(_out(endpoint), endpoint.version)


@op("PATCH", PATH + "/{id}", summary="Change an inbound webhook endpoint (a mapping given replaces the old one)",
    tag=TAG, body=m.InboundWebhookPatch, returns=m.InboundWebhookOut, headers=("If-Match",))
def inbound_webhooks_update(call: Call, id: str) -> Response:
    p = principal(call.request)
    endpoint = inbound.update_endpoint(current().deps, p, id, given(call.body), if_match(call.request))
    return with_etag(_out(endpoint), endpoint.version)


@op("DELETE", PATH + "/{id}", summary="Delete an inbound webhook endpoint (its URL stops working)", tag=TAG,
    status=204, headers=("If-Match",))
def inbound_webhooks_delete(call: Call, id: str) -> None:
    inbound.delete_endpoint(current().deps, principal(call.request), id, if_match(call.request))


@op("POST", PATH + "/{id}/rotate", summary="Give an endpoint a new secret URL (the old one stops working)",
    tag=TAG, returns=m.InboundWebhookOut)
def inbound_webhooks_rotate(call: Call, id: str) -> Response:
    return _issued(inbound.rotate_endpoint(current().deps, principal(call.request), id), 200)


@op("POST", "/v1/public/inbound/{token}", summary="Post any JSON to an inbound webhook's secret URL: it becomes an "
    "item (a repeated webhook-id answers the first one)", tag=TAG, auth=False, returns=m.InboundAccepted,
    status=202, errors=(400, 413, 422, 429))
def inbound_webhook_post(call: Call, token: str) -> Any:
    # The body is any JSON (an array too), so it is read here rather than decoded into a model.
    request = call.request
    item = inbound.receive(current().deps, token, lambda: read_json(request.raw_body),
                           (request.headers or {}).get("webhook-id"))
    return m.InboundAccepted(ref=item.ref)
