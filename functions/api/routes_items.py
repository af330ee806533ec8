"""Items, their conversation, attachments and activity."""

from __future__ import annotations

from typing import Any

from chalice import Response

from api import api, render, route
from api.http import (
    JSON,
    body,
    current,
    decode_cursor,
    endpoint,
    idempotency_key,
    if_match,
    limit_of,
    page_body,
    principal,
    query,
    session_cookie,
    with_etag,
)
from tandem.domain.errors import ValidationError
from tandem.domain.items import Cause
from tandem.services import post_message as conversation
from tandem.services.access import tenant_of
from tandem.services.convert_item import convert_item
from tandem.services.open_item import NewItem, fingerprint, open_item
from tandem.services.ports import IdempotencyClaim, ItemQuery
from tandem.services.read_items import get_item, list_activity, list_items, list_messages
from tandem.services.update_item import update_item

EXTRA = (
    "planned_start",
    "planned_finish",
    "actual_start",
    "actual_finish",
    "start_no_earlier_than",
    "finish_no_later_than",
    "percent_complete",
    "points",
    "tags",
    "links",
    "portal_visible",
)
FILTERS = ("kind", "project_id", "status", "assignee", "requester", "type_id", "organization_id")


def _new_item(data: dict[str, Any]) -> NewItem:
    for name in ("fields",):
        if name in data and not isinstance(data[name], dict):
            raise ValidationError(f"{name} must be an object", {"field": name})
    for name in ("assignees", "followers"):
        if data.get(name) is not None and not isinstance(data[name], list):
            raise ValidationError(f"{name} must be a list", {"field": name})
    return NewItem(
        type_id=data.get("type_id") or "",
        title=data.get("title"),
        description=data.get("description") or "",
        kind=data.get("kind"),
        project_id=data.get("project_id"),
        priority=data.get("priority"),
        requester=data.get("requester"),
        assignees=data.get("assignees"),
        followers=data.get("followers"),
        fields=data.get("fields") or {},
        due_date=data.get("due_date"),
        extra={k: data[k] for k in EXTRA if k in data},
    )


@route("/v1/items", methods=["POST"])
@endpoint
def create_item() -> Response:
    request = api.current_request
    p = principal(request)
    data = body(request)
    key = idempotency_key(request)
    claim = IdempotencyClaim(f"items:{p.user_id}", key, fingerprint(data)) if key else None
    deps = current().deps
    item = open_item(
        deps,
        tenant_of(deps, p),
        p,
        _new_item(data),
        via="web" if session_cookie(request) else "api",
        cause=Cause.USER,
        claim=claim,
    )
    return Response(
        body=render.item(item, staff=p.is_staff),
        status_code=201,
        headers={**JSON, "ETag": f'"{item.version}"', "Location": f"/v1/items/{item.ref}"},
    )


@route("/v1/items", methods=["GET"])
@endpoint
def find_items() -> dict[str, Any]:
    request = api.current_request
    p = principal(request)
    params = query(request)
    filters = {k: params.get(k) for k in FILTERS}
    scope = f"{p.user_id}/items?" + "&".join(f"{k}={v}" for k, v in sorted(filters.items()) if v)
    q = ItemQuery(
        tenant_id=p.tenant_id,
        kind=filters["kind"],
        project_id=filters["project_id"],
        status=filters["status"],
        assignee=filters["assignee"],
        requester_id=filters["requester"],
        type_id=filters["type_id"],
        organization_id=filters["organization_id"],
        limit=limit_of(request),
        after=decode_cursor(request, scope),
    )
    page = list_items(current().deps, p, q)
    return page_body(page, lambda i: render.item(i, staff=p.is_staff), scope)


@route("/v1/items/{ref}", methods=["GET"])
@endpoint
def read_item(ref: str) -> Response:
    p = principal(api.current_request)
    item = get_item(current().deps, p, ref)
    return with_etag(render.item(item, staff=p.is_staff), item.version)


@route("/v1/items/{ref}", methods=["PATCH"])
@endpoint
def patch_item(ref: str) -> Response:
    request = api.current_request
    p = principal(request)
    item = update_item(current().deps, p, ref, body(request), expected_version=if_match(request))
    return with_etag(render.item(item), item.version)


@route("/v1/items/{ref}/convert", methods=["POST"])
@endpoint
def convert(ref: str) -> Response:
    request = api.current_request
    p = principal(request)
    data = body(request)
    item = convert_item(current().deps, p, ref, to=data.get("to", "task"), type_id=data.get("type_id"))
    return with_etag(render.item(item), item.version)


@route("/v1/items/{ref}/messages", methods=["GET"])
@endpoint
def messages(ref: str) -> dict[str, Any]:
    request = api.current_request
    p = principal(request)
    scope = f"{p.user_id}/items/{ref}/messages"
    deps = current().deps
    page = list_messages(deps, p, ref, limit=limit_of(request), after=decode_cursor(request, scope))
    names: dict[str | None, str | None] = {None: None}
    for m in page.items:
        if m.author_id not in names:
            author = deps.repos.users.get(p.tenant_id, m.author_id)
            names[m.author_id] = author.name if author else None
    return page_body(page, lambda m: render.message(m, names[m.author_id]), scope)


@route("/v1/items/{ref}/messages", methods=["POST"])
@endpoint
def post_message(ref: str) -> Response:
    request = api.current_request
    p = principal(request)
    data = body(request)
    ids = data.get("attachments") or []
    if not isinstance(ids, list):
        raise ValidationError("attachments must be a list of ids", {"field": "attachments"})
    message = conversation.post_message(
        current().deps, p, ref, body=data.get("body"), visibility=data.get("visibility", "public"), attachment_ids=ids
    )
    return Response(body=render.message(message, p.name), status_code=201, headers=dict(JSON))


@route("/v1/items/{ref}/activity", methods=["GET"])
@endpoint
def activity(ref: str) -> dict[str, Any]:
    request = api.current_request
    p = principal(request)
    scope = f"{p.user_id}/items/{ref}/activity"
    page = list_activity(current().deps, p, ref, limit=limit_of(request), after=decode_cursor(request, scope))
    return page_body(page, render.activity, scope)


@route("/v1/items/{ref}/attachments", methods=["POST"])
@endpoint
def upload_attachment(ref: str) -> Response:
    request = api.current_request
    p = principal(request)
    data = body(request)
    att, upload = conversation.request_upload(
        current().deps,
        p,
        ref,
        filename=data.get("filename"),
        content_type=data.get("content_type"),
        size=data.get("size"),
    )
    return Response(body={**render.attachment(att), "upload": upload}, status_code=201, headers=dict(JSON))


@route("/v1/items/{ref}/attachments/{attachment_id}", methods=["GET"])
@endpoint
def download_attachment(ref: str, attachment_id: str) -> dict[str, Any]:
    p = principal(api.current_request)
    return {"url": conversation.download_url(current().deps, p, ref, attachment_id)}


@route("/v1/items/{ref}/attachments/{attachment_id}", methods=["DELETE"])
@endpoint
def delete_attachment(ref: str, attachment_id: str) -> Response:
    conversation.delete_attachment(current().deps, principal(api.current_request), ref, attachment_id)
    return Response(body="", status_code=204)
