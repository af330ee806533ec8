"""Items, their conversation, attachments and activity."""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from typing import Any

from chalice import Response

from api import render
from api.conditional import HEADER as IF_NONE_MATCH
from api.conditional import conditional
from api.http import (
    current,
    decode_cursor,
    idempotency_key,
    if_match,
    page_body,
    principal,
    session_cookie,
    with_etag,
)
from api.ops import Call, op
from tandem.domain.items import Cause, Item
from tandem.schemas import items as m
from tandem.schemas.codec import given
from tandem.schemas.common import ListQuery, page_of
from tandem.schemas.derive import translate
from tandem.schemas.planning import ItemDetailOut
from tandem.services.ports import IdempotencyClaim, ItemQuery
from tandem.services.read_items import get_item, list_activity, list_items, list_messages

# The use cases that write (open, change, convert, post) and the plan's conflicts are imported in their views: a
# Lambda's first request (a list, a read) does not pay for them (issue 16's cold start).

ITEM = "items"


@cache
def _named() -> tuple[str, ...]:
    """The create fields NewItem names itself; every other field a client may give goes to `extra` (staff only)."""
    from tandem.services.open_item import NewItem

    return tuple(f.name for f in fields(NewItem) if f.name != "extra")


def _new_item(data: dict[str, Any]) -> Any:
    from tandem.services.open_item import NewItem

    named = _named()
    return NewItem(
        **{k: data[k] for k in named if k in data and data[k] is not None},
        extra=translate(Item, {k: v for k, v in data.items() if k not in named}),
    )


@op("POST", "/v1/items", summary="Create an item", tag=ITEM, body=m.ItemCreate, returns=m.ItemOut, status=201,
    headers=("Idempotency-Key",))
def create_item(call: Call) -> Response:
    from tandem.services.access import tenant_of
    from tandem.services.open_item import fingerprint, open_item

    p = principal(call.request)
    data = given(call.body)
    key = idempotency_key(call.request)
    claim = IdempotencyClaim(f"items:{p.user_id}", key, fingerprint(data)) if key else None
    deps = current().deps
    via = "web" if session_cookie(call.request) else "api"
    item = open_item(deps, tenant_of(deps, p), p, _new_item(data), via=via, cause=Cause.USER, claim=claim)
    return with_etag(render.item(item, staff=p.is_staff), item.version, 201, {"Location": f"/v1/items/{item.ref}"})


@op("GET", "/v1/items", summary="List and filter items", tag=ITEM, query=m.ItemsQuery, returns=page_of(m.ItemOut),
    headers=(IF_NONE_MATCH,))
def find_items(call: Call) -> Response:
    p = principal(call.request)
    f = given(call.query)
    filters = {k: v for k, v in sorted(f.items()) if k not in ("limit", "cursor") and v is not None}
    scope = f"{p.user_id}/items?" + "&".join(f"{k}={v}" for k, v in filters.items())
    q = ItemQuery(
        tenant_id=p.tenant_id,
        kind=f.get("kind"),
        project_id=f.get("project_id"),
        status=f.get("status"),
        assignee=f.get("assignee"),
        requester_id=f.get("requester"),
        type_id=f.get("type_id"),
        organization_id=f.get("organization_id"),
        folder_id=f.get("folder_id"),
        # Orders and queues (issue 12)
        sort=call.query.sort,
        unassigned=bool(f.get("unassigned")),
        status_categories=tuple(f.get("status_category") or ()),
        q=f.get("q"),
        limit=call.query.limit,
        after=decode_cursor(call.query.cursor, scope),
    )
    page = list_items(current().deps, p, q)
    # A poll of an unchanged page transfers nothing: 304 when If-None-Match names the page's hash.
    return conditional(call.request, page_body(page, lambda i: render.item(i, staff=p.is_staff), scope))


@op("GET", "/v1/items/{ref}", summary="Read an item (with the conflicts of its plan)", tag=ITEM,
    returns=ItemDetailOut)
def read_item(call: Call, ref: str) -> Response:
    from tandem.services.planning import item_conflicts

    p = principal(call.request)
    deps = current().deps
    item = get_item(deps, p, ref)
    return with_etag(render.item_detail(item, item_conflicts(deps, p, item), staff=p.is_staff), item.version)


@op("PATCH", "/v1/items/{ref}", summary="Change an item", tag=ITEM, body=m.ItemPatch, returns=m.ItemOut,
    headers=("If-Match",), errors=(409,))
def patch_item(call: Call, ref: str) -> Response:
    from tandem.services.update_item import update_item

    p = principal(call.request)
    changes = translate(Item, given(call.body))
    item = update_item(current().deps, p, ref, changes, expected_version=if_match(call.request))
    return with_etag(render.item(item), item.version)


@op("POST", "/v1/items/{ref}/convert", summary="Convert a ticket to a task (or back)", tag=ITEM, body=m.ConvertIn,
    returns=m.ItemOut)
def convert(call: Call, ref: str) -> Response:
    from tandem.services.convert_item import convert_item

    p = principal(call.request)
    item = convert_item(current().deps, p, ref, to=call.body.to, type_id=call.body.type_id)
    return with_etag(render.item(item), item.version)


@op("GET", "/v1/items/{ref}/messages", summary="The item's conversation", tag=ITEM, query=ListQuery,
    returns=page_of(m.MessageOut))
def messages(call: Call, ref: str) -> dict[str, Any]:
    p = principal(call.request)
    scope = f"{p.user_id}/items/{ref}/messages"
    deps = current().deps
    page = list_messages(deps, p, ref, limit=call.query.limit, after=decode_cursor(call.query.cursor, scope))
    names: dict[str | None, str | None] = {None: None}
    for msg in page.items:
        if msg.author_id not in names:
            author = deps.repos.users.get(p.tenant_id, msg.author_id)
            names[msg.author_id] = author.name if author else None
    return page_body(page, lambda msg: render.message(msg, names[msg.author_id]), scope)


@op("POST", "/v1/items/{ref}/messages", summary="Reply or add a private note", tag=ITEM, body=m.MessageCreate,
    returns=m.MessageOut, status=201, headers=("Idempotency-Key",), errors=(409,))
def post_message(call: Call, ref: str) -> Any:
    from tandem.services import post_message as conversation
    from tandem.services.open_item import fingerprint

    p = principal(call.request)
    data = given(call.body)
    key = idempotency_key(call.request)
    claim = IdempotencyClaim(f"messages:{p.user_id}", key, fingerprint({"ref": ref, **data})) if key else None
    message = conversation.post_message(
        current().deps,
        p,
        ref,
        body=data["body"],
        visibility=data.get("visibility", "public"),
        attachment_ids=data.get("attachments") or [],
        claim=claim,
        via="web" if session_cookie(call.request) else "api",
    )
    return render.message(message, p.name)


@op("GET", "/v1/items/{ref}/activity", summary="Every change with actor and cause", tag=ITEM, query=ListQuery,
    returns=page_of(m.ActivityOut))
def activity(call: Call, ref: str) -> dict[str, Any]:
    p = principal(call.request)
    scope = f"{p.user_id}/items/{ref}/activity"
    page = list_activity(current().deps, p, ref, limit=call.query.limit, after=decode_cursor(call.query.cursor, scope))
    return page_body(page, render.activity, scope)


@op("POST", "/v1/items/{ref}/attachments", summary="Start an upload (answers a presigned POST)", tag=ITEM,
    body=m.AttachmentCreate, returns=m.AttachmentUpload, status=201)
def upload_attachment(call: Call, ref: str) -> Any:
    from tandem.services import post_message as conversation

    p = principal(call.request)
    b = call.body
    att, upload = conversation.request_upload(
        current().deps, p, ref, filename=b.filename, content_type=b.content_type, size=b.size
    )
    from tandem.schemas.derive import project

    return project(m.AttachmentUpload, att, upload=upload)


@op("GET", "/v1/items/{ref}/attachments/{attachment_id}", summary="A short-lived download link", tag=ITEM,
    returns=m.DownloadOut)
def download_attachment(call: Call, ref: str, attachment_id: str) -> Any:
    from tandem.services import post_message as conversation

    p = principal(call.request)
    return m.DownloadOut(url=conversation.download_url(current().deps, p, ref, attachment_id))



@op("DELETE", "/v1/items/{ref}/attachments/{attachment_id}", summary="Remove an attachment (kept in the history)",
    tag=ITEM, status=204)
def delete_attachment(call: Call, ref: str, attachment_id: str) -> None:
    from tandem.services import post_message as conversation

    conversation.delete_attachment(current().deps, principal(call.request), ref, attachment_id)
