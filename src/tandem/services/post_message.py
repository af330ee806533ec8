"""Conversation: public replies and private notes, @mentions, attachments uploaded beforehand."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tandem.domain.activity import Activity
from tandem.domain.api_keys import on_behalf
from tandem.domain.errors import Conflict, Forbidden, NotFound, ValidationError
from tandem.domain.items import Cause, Item
from tandem.domain.messages import Attachment, Message, Visibility, mention_handles, resolve_mentions
from tandem.domain.permissions import Action, Principal, allowed
from tandem.domain.replies import status_after_customer_reply
from tandem.domain.tenants import Tenant
from tandem.services.access import item_target, load_item
from tandem.services.deps import Deps
from tandem.services.ports import DuplicateRequest, IdempotencyClaim
from tandem.services.update_item import change_item

MAX_BODY = 100_000


def resolve_handles(deps: Deps, tenant_id: str, body: str) -> list[str]:
    """@mentions → staff users and teams of the tenant (customers cannot be mentioned)."""
    if not mention_handles(body):
        return []
    staff = deps.repos.users.list(tenant_id, staff=True, limit=200).items
    teams = deps.repos.teams.list(tenant_id, limit=200).items
    users = {u.handle: u.id for u in staff if u.active}
    users.update({u.name.replace(" ", "").lower(): u.id for u in staff if u.active})
    return resolve_mentions(body, users, {t.handle: t.id for t in teams})


def _attachments(deps: Deps, tenant_id: str, item: Item, ids: list[str]) -> list[Attachment]:
    found = []
    for att_id in ids:
        att = deps.repos.conversations.attachment(tenant_id, item.id, str(att_id))
        if att is None or att.message_id is not None or att.deleted_at is not None:
            raise ValidationError("unknown or already used attachment", {"field": "attachments", "id": att_id})
        found.append(att)
    return found


def add_message(
    deps: Deps,
    tenant: Tenant,
    item: Item,
    *,
    body: str,
    visibility: Visibility,
    via: str,
    author_id: str | None,
    cause: Cause,
    attachments: list[Attachment] | None = None,
    claim: IdempotencyClaim | None = None,
    note: str | None = None,
    **extra: Any,
) -> Message:
    """Store a message and its activity entry (used by the API, mail ingest and rules); with a claim, in the same
    write as the claim, so a repeated request adds nothing and answers the first message."""
    now = deps.clock()
    message = Message(
        tenant.id,
        deps.new_id(),
        item.id,
        author_id,
        body,
        visibility,
        via,
        now,
        mentions=resolve_handles(deps, tenant.id, body),
        attachments=attachments or [],
        **extra,
    )
    activity = Activity(
        tenant.id,
        deps.new_id(),
        item.id,
        now,
        "message_added",
        cause,
        actor_id=author_id,
        changes={"message": [None, message.id]},
        note=note or visibility.value,
    )
    try:
        return deps.repos.conversations.add_message(item, message, activity, claim=claim)
    except DuplicateRequest as dup:
        return _first_message(deps, item, claim, dup)


def _first_message(deps: Deps, item: Item, claim: IdempotencyClaim | None, dup: DuplicateRequest) -> Message:
    """The message a repeated Idempotency-Key already added (the same key with another body is a client bug)."""
    if claim is not None and dup.fingerprint != claim.fingerprint:
        raise ValidationError("Idempotency-Key reused with a different request", {"code": "idempotency_mismatch"})
    first = deps.repos.conversations.message(item.tenant_id, item.id, dup.message_id or "")
    if first is None:
        raise Conflict("this Idempotency-Key was used for another item", {"field": "Idempotency-Key"})
    return first


def post_message(
    deps: Deps,
    p: Principal,
    ref: str,
    *,
    body: Any,
    visibility: Any = "public",
    attachment_ids: list[str] | None = None,
    claim: IdempotencyClaim | None = None,
    via: str = "web",
) -> Message:
    """POST /v1/items/{ref}/messages: customers may only write public replies; an Idempotency-Key claim makes a
    retry answer the first message. `via` is the channel, as for items ("web" in a browser session, else "api")."""
    try:
        vis = Visibility(visibility or "public")
    except ValueError as exc:
        raise ValidationError("visibility must be public or private", {"field": "visibility"}) from exc
    if not isinstance(body, str) or not body.strip() or len(body) > MAX_BODY:
        raise ValidationError("body must be a non-empty string", {"field": "body"})
    action = Action.COMMENT_PUBLIC if vis is Visibility.PUBLIC else Action.COMMENT_PRIVATE
    tenant, item = load_item(deps, p, ref, action)
    atts = _attachments(deps, tenant.id, item, attachment_ids or [])
    cause, note = on_behalf(p, Cause.USER, vis.value)
    message = add_message(
        deps,
        tenant,
        item,
        body=body.strip(),
        visibility=vis,
        via=via,
        author_id=p.user_id,
        cause=cause,
        attachments=atts,
        claim=claim,
        note=note,
    )
    if vis is Visibility.PUBLIC and not p.is_staff:
        _after_customer_reply(deps, tenant, item, p, cause, via)
    return message


def _after_customer_reply(deps: Deps, tenant: Tenant, item: Item, p: Principal, cause: Cause, via: str) -> None:
    """A customer's reply from the portal, widget or API moves the item exactly as an email reply does."""
    target = status_after_customer_reply(tenant, item)
    if target:
        current = deps.repos.items.get(tenant.id, item.ref) or item
        change_item(deps, tenant, current, {"status": target}, actor_id=p.user_id, cause=cause, note=f"reply via {via}")


def request_upload(
    deps: Deps, p: Principal, ref: str, *, filename: Any, content_type: Any, size: Any
) -> tuple[Attachment, dict[str, Any]]:
    """Reserve an attachment and hand out a presigned upload; a message takes it afterwards, so whoever may write
    a message of either kind (a public reply or a private note) may upload."""
    _, item = load_item(deps, p, ref, (Action.COMMENT_PUBLIC, Action.COMMENT_PRIVATE))
    if not isinstance(filename, str) or not filename.strip() or "/" in filename or "\\" in filename:
        raise ValidationError("filename must be a plain file name", {"field": "filename"})
    if not isinstance(size, int) or not 0 < size <= deps.settings.max_attachment_bytes:
        raise ValidationError("size must be a positive number of bytes under the limit", {"field": "size"})
    ctype = content_type if isinstance(content_type, str) and "/" in content_type else "application/octet-stream"
    att_id = deps.new_id()
    att = Attachment(
        att_id, filename.strip()[:200], ctype, size, f"{p.tenant_id}/{item.id}/{att_id}", uploaded_by=p.user_id
    )
    deps.repos.conversations.add_attachment(p.tenant_id, item.id, att)
    return att, deps.blobs.upload_url(att.key, ctype, size)


def download_url(deps: Deps, p: Principal, ref: str, attachment_id: str) -> str:
    """A short-lived download link; customers only get attachments of public messages (or their own)."""
    _, item = load_item(deps, p, ref)
    att = _visible_attachment(deps, p, item, attachment_id)
    return deps.blobs.download_url(att.key, att.filename)


def _visible_attachment(deps: Deps, p: Principal, item: Item, attachment_id: str) -> Attachment:
    """An attachment the caller may see; removed ones and others' private ones are 404."""
    att = deps.repos.conversations.attachment(p.tenant_id, item.id, attachment_id)
    public = att is not None and att.visibility is Visibility.PUBLIC
    if att is None or att.deleted_at is not None or not (p.is_staff or public or att.uploaded_by == p.user_id):
        raise NotFound("attachment not found", {"id": attachment_id})
    return att


def delete_attachment(deps: Deps, p: Principal, ref: str, attachment_id: str) -> None:
    """DELETE /v1/items/{ref}/attachments/{id}: staff or the uploader. The attachment is marked removed (no
    longer listed on its message, its download is 404) and the item's activity says so; the blob is kept."""
    tenant, item = load_item(deps, p, ref)
    att = _visible_attachment(deps, p, item, attachment_id)
    staff = p.is_staff and allowed(p, Action.UPDATE, item_target(deps, p, tenant, item))  # a read-only key is not
    if not staff and att.uploaded_by != p.user_id:
        raise Forbidden("only staff or the uploader may remove an attachment")
    cause, note = on_behalf(p, Cause.USER, f"attachment removed: {att.filename}")
    now = deps.clock()
    activity = Activity(
        tenant.id,
        deps.new_id(),
        item.id,
        now,
        "attachment_removed",
        cause,
        actor_id=p.user_id,
        changes={"attachment": [att.filename, None]},
        note=note,
    )
    deps.repos.conversations.remove_attachment(item, replace(att, deleted_at=now, deleted_by=p.user_id), activity)
