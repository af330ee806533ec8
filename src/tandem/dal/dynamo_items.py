"""PynamoDB repos for items, their conversation and activity (one partition per item, one record per ref)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.condition import Condition

from tandem.dal.codec import dumps, loads
from tandem.dal.dynamo_base import failed_items, get, one_page, tkey, transaction, ttl
from tandem.dal.table import Record
from tandem.domain.activity import Activity
from tandem.domain.errors import Conflict
from tandem.domain.items import Item, format_ref
from tandem.domain.messages import Attachment, Message
from tandem.services.ports import DuplicateRequest, IdempotencyClaim, ItemQuery, Page, Position

IDEMPOTENCY_TTL = 24 * 3600
MAIL_CLAIM_TTL = 30 * 24 * 3600
RETRIES = 5
# A transaction holds at most 100 items: the fixed records of a create (counter, item, activity, claim,
# message) and a few thread ids leave room for this many attachment records; the rest follow in batches.
TX_ATTACHMENTS = 80


def ref_key(tenant_id: str, ref: str) -> str:
    return f"{tkey(tenant_id)}#REF#{ref}"


def item_partition(tenant_id: str, item_id: str) -> str:
    return f"{tkey(tenant_id)}#I#{item_id}"


def item_record(item: Item) -> Record:
    t, sort = tkey(item.tenant_id), f"{item.created_at}#{item.id}"
    keys: dict[str, Any] = {"gsi1pk": f"{t}#ITEMS", "gsi1sk": sort}
    if item.project_id:
        keys.update(gsi2pk=f"{t}#PROJ#{item.project_id}", gsi2sk=sort)
    if item.requester_id:
        keys.update(gsi3pk=f"{t}#REQ#{item.requester_id}", gsi3sk=sort)
    if item.organization_id:
        keys.update(gsi4pk=f"{t}#ORG#{item.organization_id}", gsi4sk=sort)
    return Record(pk=ref_key(item.tenant_id, item.ref), sk="ITEM", kind="item", data=dumps(item), version=item.version,
                  status=item.status, type_id=item.type_id, assignees=list(item.assignees) or None,
                  item_kind=item.kind, **keys)


def activity_record(a: Activity) -> Record:
    return Record(pk=item_partition(a.tenant_id, a.item_id), sk=f"ACT#{a.id}", kind="activity", data=dumps(a))


def message_record(m: Message) -> Record:
    return Record(pk=item_partition(m.tenant_id, m.item_id), sk=f"MSG#{m.id}", kind="message", data=dumps(m),
                  visibility=m.visibility.value)


def attachment_record(tenant_id: str, item_id: str, a: Attachment) -> Record:
    return Record(pk=item_partition(tenant_id, item_id), sk=f"ATT#{a.id}", kind="attachment", data=dumps(a))


def thread_record(tenant_id: str, message_id: str, item: Item) -> Record:
    digest = hashlib.sha256(message_id.strip().encode()).hexdigest()[:40]
    return Record(pk=f"{tkey(tenant_id)}#MID#{digest}", sk="MID", kind="thread", target=item.ref, owner=item.id,
                  expires_at=ttl(365 * 24 * 3600))


def claim_key(tenant_id: str, claim: IdempotencyClaim) -> str:
    return f"{tkey(tenant_id)}#IDEM#{claim.scope}#{claim.key}"


def with_attachments_marked(message: Message) -> Message:
    """The message whose attachments carry its id and visibility (what decides who may download them)."""
    attachments = [replace(a, message_id=message.id, visibility=message.visibility) for a in message.attachments]
    return replace(message, attachments=attachments)


def write_attachments(tenant_id: str, item_id: str, attachments: list[Attachment]) -> None:
    """Attachment records beyond one transaction, in BatchWriteItem calls (25 each, unprocessed ones retried).
    Their keys come from the mail, so writing them again (a redelivery finishing the job) changes nothing."""
    if attachments:
        with Record.batch_write() as batch:
            for att in attachments:
                batch.save(attachment_record(tenant_id, item_id, att))


class DynamoItemRepo:
    def _counter(self, tenant_id: str, kind: str) -> int:
        try:
            found = Record.get(tkey(tenant_id), f"COUNTER#{kind}", consistent_read=True)
        except DoesNotExist:
            return 0
        return int(found.n or 0)

    def _bump(self, tx: Any, tenant_id: str, kind: str, current: int) -> None:
        counter = Record(pk=tkey(tenant_id), sk=f"COUNTER#{kind}", kind="counter", n=current + 1)
        condition = Record.n == current if current else Record.pk.does_not_exist()
        tx.save(counter, condition=condition)

    def _claim_to(self, tx: Any, tenant_id: str, claim: IdempotencyClaim | None, ref: str,
                  message: Message | None = None) -> None:
        if claim is not None:
            lifetime = MAIL_CLAIM_TTL if claim.scope == "mail" else IDEMPOTENCY_TTL
            # The message it made is named, so a repeat can finish writing attachments that did not fit.
            made = json.dumps({"item": message.item_id, "message": message.id}) if message is not None else None
            tx.save(Record(pk=claim_key(tenant_id, claim), sk="IDEM", kind="idempotency", target=ref,
                           owner=claim.fingerprint, data=made, expires_at=ttl(lifetime)),
                    condition=Record.pk.does_not_exist())

    def _duplicate(self, tenant_id: str, claim: IdempotencyClaim | None) -> DuplicateRequest | None:
        """The claim's first use; a message it made gets its follow-up attachments written (again)."""
        found = get(claim_key(tenant_id, claim), "IDEM") if claim is not None else None
        if found is None:
            return None
        made = json.loads(found.data) if found.data else {}
        stored = get(item_partition(tenant_id, made["item"]), f"MSG#{made['message']}") if made else None
        if stored is not None:
            message = loads(Message, stored.data)
            write_attachments(tenant_id, message.item_id, message.attachments[TX_ATTACHMENTS:])
        return DuplicateRequest(found.target or "", found.owner or "", made.get("message"))

    def create(self, item: Item, activity: Activity, *, claim: IdempotencyClaim | None = None,
               message: Message | None = None, thread_ids: tuple[str, ...] = ()) -> Item:
        for _ in range(RETRIES):
            number = self._counter(item.tenant_id, item.kind)
            stored = replace(item, ref=format_ref(item.kind, number + 1), version=1)
            first = replace(message, item_id=stored.id, item_ref=stored.ref) if message is not None else None
            first = with_attachments_marked(first) if first is not None else None
            try:
                with transaction() as tx:
                    self._bump(tx, item.tenant_id, item.kind, number)
                    tx.save(item_record(stored), condition=Record.pk.does_not_exist())
                    tx.save(activity_record(activity))
                    self._claim_to(tx, item.tenant_id, claim, stored.ref, first)
                    if first is not None:
                        tx.save(message_record(first))
                        for att in first.attachments[:TX_ATTACHMENTS]:
                            tx.save(attachment_record(item.tenant_id, stored.id, att))
                    for mid in thread_ids:
                        tx.save(thread_record(item.tenant_id, mid, stored))
                if first is not None:
                    write_attachments(item.tenant_id, stored.id, first.attachments[TX_ATTACHMENTS:])
                return stored
            except TransactWriteError as exc:
                duplicate = self._duplicate(item.tenant_id, claim) if 3 in failed_items(exc) else None
                if duplicate is not None:
                    raise duplicate from exc
                if 0 not in failed_items(exc) and 1 not in failed_items(exc):
                    raise
        raise Conflict("could not number the item, try again")

    def get(self, tenant_id: str, ref: str) -> Item | None:
        found = get(ref_key(tenant_id, ref), "ITEM")
        for _ in range(10):  # follow retired references (conversions) to the current one
            if found is None or found.kind != "alias":
                break
            found = get(ref_key(tenant_id, found.target or ""), "ITEM")
        return loads(Item, found.data) if found is not None and found.kind == "item" else None

    def save(self, item: Item, activity: Activity) -> Item:
        stored = replace(item, version=item.version + 1)
        try:
            with transaction() as tx:
                tx.save(item_record(stored), condition=(Record.version == item.version) & (Record.kind == "item"))
                tx.save(activity_record(activity))
        except TransactWriteError as exc:
            if not failed_items(exc):
                raise
            raise Conflict("item changed meanwhile, read it again") from exc
        return stored

    def convert(self, old: Item, new: Item, activity: Activity) -> Item:
        for _ in range(RETRIES):
            number = self._counter(new.tenant_id, new.kind)
            stored = replace(new, ref=format_ref(new.kind, number + 1), version=old.version + 1)
            alias = Record(pk=ref_key(old.tenant_id, old.ref), sk="ITEM", kind="alias", target=stored.ref)
            try:
                with transaction() as tx:
                    self._bump(tx, new.tenant_id, new.kind, number)
                    tx.save(item_record(stored), condition=Record.pk.does_not_exist())
                    tx.save(alias, condition=(Record.version == old.version) & (Record.kind == "item"))
                    tx.save(activity_record(activity))
                return stored
            except TransactWriteError as exc:
                if 2 in failed_items(exc):
                    raise Conflict("item changed meanwhile, read it again") from exc
        raise Conflict("could not number the item, try again")

    def query(self, q: ItemQuery) -> Page[Item]:
        t = tkey(q.tenant_id)
        filters: list[Condition] = []
        if q.project_id:
            index, key = Record.gsi2, f"{t}#PROJ#{q.project_id}"
            for value, attr in ((q.requester_id, "gsi3pk"), (q.organization_id, "gsi4pk")):
                if value:
                    prefix = "REQ" if attr == "gsi3pk" else "ORG"
                    filters.append(getattr(Record, attr) == f"{t}#{prefix}#{value}")
        elif q.requester_id:
            index, key = Record.gsi3, f"{t}#REQ#{q.requester_id}"
            if q.organization_id:
                filters.append(Record.gsi4pk == f"{t}#ORG#{q.organization_id}")
        elif q.organization_id:
            index, key = Record.gsi4, f"{t}#ORG#{q.organization_id}"
        else:
            index, key = Record.gsi1, f"{t}#ITEMS"
        if q.kind:
            filters.append(Record.item_kind == q.kind)
        if q.status:
            filters.append(Record.status == q.status)
        if q.type_id:
            filters.append(Record.type_id == q.type_id)
        if q.assignee:
            filters.append(Record.assignees.contains(q.assignee))
        condition = None
        for f in filters:
            condition = f if condition is None else condition & f
        records, last = one_page(lambda **kw: index.query(key, filter_condition=condition, scan_index_forward=False,
                                                          **kw), q.limit, q.after)
        return Page([loads(Item, r.data) for r in records if r.kind == "item"], last)


class DynamoConversationRepo:
    def __init__(self, items: DynamoItemRepo) -> None:
        self._items = items

    def add_message(self, item: Item, message: Message, activity: Activity, *,
                    claim: IdempotencyClaim | None = None, thread_ids: tuple[str, ...] = ()) -> Message:
        message = with_attachments_marked(replace(message, item_id=item.id, item_ref=item.ref))
        try:
            with transaction() as tx:
                self._items._claim_to(tx, item.tenant_id, claim, item.ref, message)
                tx.save(message_record(message))
                tx.save(activity_record(activity))
                for att in message.attachments[:TX_ATTACHMENTS]:
                    tx.save(attachment_record(item.tenant_id, item.id, att))
                for mid in thread_ids:
                    tx.save(thread_record(item.tenant_id, mid, item))
        except TransactWriteError as exc:
            duplicate = self._items._duplicate(item.tenant_id, claim) if 0 in failed_items(exc) else None
            if duplicate is not None:
                raise duplicate from exc
            raise
        write_attachments(item.tenant_id, item.id, message.attachments[TX_ATTACHMENTS:])
        return message

    def _page(self, tenant_id: str, item_id: str, prefix: str, limit: int, after: Position,
              condition: Condition | None = None) -> tuple[list[Record], Position]:
        return one_page(lambda **kw: Record.query(item_partition(tenant_id, item_id), Record.sk.startswith(prefix),
                                                  filter_condition=condition, **kw), limit, after)

    def messages(self, tenant_id: str, item_id: str, *, public_only: bool, limit: int = 50,
                 after: Position = None) -> Page[Message]:
        condition = Record.visibility == "public" if public_only else None
        records, last = self._page(tenant_id, item_id, "MSG#", limit, after, condition)
        return Page([loads(Message, r.data) for r in records], last)

    def activity(self, tenant_id: str, item_id: str, *, limit: int = 50, after: Position = None) -> Page[Activity]:
        records, last = self._page(tenant_id, item_id, "ACT#", limit, after)
        return Page([loads(Activity, r.data) for r in records], last)

    def add_attachment(self, tenant_id: str, item_id: str, attachment: Attachment) -> Attachment:
        attachment_record(tenant_id, item_id, attachment).save()
        return attachment

    def attachment(self, tenant_id: str, item_id: str, attachment_id: str) -> Attachment | None:
        found = get(item_partition(tenant_id, item_id), f"ATT#{attachment_id}")
        return loads(Attachment, found.data) if found is not None else None

    def remove_attachment(self, item: Item, attachment: Attachment, activity: Activity) -> None:
        carrier = get(item_partition(item.tenant_id, item.id), f"MSG#{attachment.message_id}") \
            if attachment.message_id else None
        with transaction() as tx:
            tx.save(attachment_record(item.tenant_id, item.id, attachment))
            if carrier is not None:
                message = loads(Message, carrier.data)
                message.attachments = [attachment if a.id == attachment.id else a for a in message.attachments]
                tx.save(message_record(message))
            tx.save(activity_record(activity))

    def add_activity(self, activity: Activity) -> None:
        activity_record(activity).save()

    def message(self, tenant_id: str, item_id: str, message_id: str) -> Message | None:
        stored = get(item_partition(tenant_id, item_id), f"MSG#{message_id}")
        return loads(Message, stored.data) if stored is not None else None

    def thread_of(self, tenant_id: str, message_ids: list[str]) -> str | None:
        """All the Message-IDs in one BatchGetItem; the first in the given order that we know wins."""
        keys = {}
        for mid in message_ids[:100]:
            keys.setdefault(f"{tkey(tenant_id)}#MID#{hashlib.sha256(mid.strip().encode()).hexdigest()[:40]}", mid)
        found = {r.pk: r.target for r in Record.batch_get([(pk, "MID") for pk in keys]) if r.target}
        return next((found[pk] for pk in keys if pk in found), None)

    def add_thread_ids(self, tenant_id: str, item: Item, message_ids: list[str]) -> None:
        with Record.batch_write() as batch:
            for mid in message_ids:
                batch.save(thread_record(tenant_id, mid, item))
