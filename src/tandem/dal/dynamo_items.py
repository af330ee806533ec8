"""PynamoDB repos for items, their conversation and activity (one partition per item, one record per ref)."""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import replace
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition

from tandem.dal.codec import dumps, loads
from tandem.dal.dynamo_base import (
    check_premises,
    done_key,
    done_record,
    failed_items,
    get,
    one_page,
    stale_premises,
    tkey,
    transaction,
    ttl,
)
from tandem.dal.table import Record
from tandem.dal.warm import WarmFacts
from tandem.domain.activity import Activity
from tandem.domain.errors import Conflict
from tandem.domain.item_order import activity_key, created_key, due_key, order_of, priority_key
from tandem.domain.items import Item, format_ref
from tandem.domain.messages import Attachment, Message
from tandem.domain.people import User
from tandem.domain.queues import OPEN, is_open
from tandem.services.ports import (
    AlreadyDone,
    DuplicateRequest,
    IdempotencyClaim,
    ItemQuery,
    Page,
    Position,
    Premise,
    StalePremise,
)

IDEMPOTENCY_TTL = 24 * 3600
MAIL_CLAIM_TTL = 30 * 24 * 3600
RETRIES = 5
ALIAS_HOPS = 3  # a twice-converted item's oldest references still find it
# A transaction holds at most 100 items: the fixed records of a create (counter, item, activity, claim,
# message), a few thread ids, the premises re-checked and new people (services/ingest_email.py: MAX_ASSUMED)
# leave room for this many attachment records; the rest follow in batches.
TX_ATTACHMENTS = 60


def ref_key(tenant_id: str, ref: str) -> str:
    return f"{tkey(tenant_id)}#REF#{ref}"


def item_partition(tenant_id: str, item_id: str) -> str:
    return f"{tkey(tenant_id)}#I#{item_id}"


def item_record(item: Item) -> Record:
    """The item with every index key it lists under (ACCESS_PATTERNS.md, "Item lists: orders and queues")."""
    t, sort = tkey(item.tenant_id), activity_key(item)
    keys: dict[str, Any] = {"gsi1pk": f"{t}#ITEMS", "gsi1sk": sort, "created_sk": created_key(item),
                            "priority_sk": priority_key(item), "due_sk": due_key(item)}
    if item.project_id:
        keys.update(gsi2pk=f"{t}#PROJ#{item.project_id}", gsi2sk=sort)
    if item.requester_id:
        keys.update(gsi3pk=f"{t}#REQ#{item.requester_id}", gsi3sk=sort)
    if item.organization_id:
        keys.update(gsi4pk=f"{t}#ORG#{item.organization_id}", gsi4sk=sort)
    if is_open(item):  # sparse: done and closed items leave the queues' indexes
        keys["open_pk"] = f"{t}#OPEN"
        if not item.assignees:
            keys["unassigned_pk"] = f"{t}#UNASSIGNED"
    return Record(pk=ref_key(item.tenant_id, item.ref), sk="ITEM", kind="item", data=dumps(item), version=item.version,
                  status=item.status, category=str(item.status_category), type_id=item.type_id,
                  assignees=list(item.assignees) or None, item_kind=item.kind, updated_at=item.updated_at,
                  folder_id=item.folder_id, **keys)


def item_of(record: Record) -> Item:
    """The item a record holds, with its last activity: a message moves `updated_at` beside `data`."""
    item = loads(Item, record.data)
    if record.updated_at and record.updated_at > item.updated_at:
        item.updated_at = record.updated_at
    return item


def touch(tx: Any, item: Item, at: str) -> None:
    """Move the item's last activity to `at` within a transaction: `updated_at` and the activity sort keys. The
    version stays (a message is no edit of the item's fields: an If-Match taken before it still holds)."""
    sort = f"{at}#{item.id}"
    actions = [Record.updated_at.set(at), Record.gsi1sk.set(sort), Record.gsi2sk.set(sort), Record.gsi3sk.set(sort),
               Record.gsi4sk.set(sort)]
    tx.update(Record(pk=ref_key(item.tenant_id, item.ref), sk="ITEM"), actions=actions,
              condition=Record.kind == "item")


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


def claim_record(tenant_id: str, claim: IdempotencyClaim, target: str, made: str | None = None,
                 lifetime: int = IDEMPOTENCY_TTL) -> Record:
    """The record a claim leaves: what the first use made (`target`), under the claim's key; a lasting claim (an
    import's row marker) never expires."""
    return Record(pk=claim_key(tenant_id, claim), sk="IDEM", kind="idempotency", target=target,
                  owner=claim.fingerprint, data=made, expires_at=None if claim.lasting else ttl(lifetime))


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


SAVES_PER_TRANSACTION = 100  # TransactWriteItems' limit of actions


class DynamoItemRepo:
    """Items; a warm instance remembers each counter's value, so numbering an item needs no read.

    The counter's update is conditional on the remembered value: when another writer numbered meanwhile, the
    cancelled transaction names the current value (ReturnValuesOnConditionCheckFailure) and the create tries
    again with it — contention costs one more transaction, never a gap or a repeat in the numbering."""

    def __init__(self, facts: WarmFacts | None = None, users: Any = None) -> None:
        self._facts, self._users = facts, users
        self._numbers: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def _counter(self, tenant_id: str, kind: str) -> int:
        with self._lock:
            known = self._numbers.get((tenant_id, kind))
        if known is not None:
            return known
        try:
            found = Record.get(tkey(tenant_id), f"COUNTER#{kind}", consistent_read=True)
        except DoesNotExist:
            return 0
        return int(found.n or 0)

    def _numbered(self, tenant_id: str, kind: str, number: int) -> None:
        with self._lock:
            self._numbers[(tenant_id, kind)] = number

    def _learn(self, tenant_id: str, kind: str, exc: TransactWriteError, position: int) -> None:
        """The counter's value in a cancelled transaction's reason (or, without one, forget it: read next time)."""
        reasons = exc.cancellation_reasons or []
        raw = reasons[position].raw_item if position < len(reasons) and reasons[position] is not None else None
        with self._lock:
            if raw and "n" in raw:
                self._numbers[(tenant_id, kind)] = int(raw["n"]["N"])
            else:
                self._numbers.pop((tenant_id, kind), None)

    def _bump(self, tx: Any, tenant_id: str, kind: str, current: int) -> None:
        counter = Record(pk=tkey(tenant_id), sk=f"COUNTER#{kind}", kind="counter", n=current + 1)
        condition = Record.n == current if current else Record.pk.does_not_exist()
        tx.save(counter, condition=condition, return_values="ALL_OLD")

    def _claim_to(self, tx: Any, tenant_id: str, claim: IdempotencyClaim | None, ref: str,
                  message: Message | None = None) -> None:
        if claim is not None:
            lifetime = MAIL_CLAIM_TTL if claim.scope == "mail" else IDEMPOTENCY_TTL
            # The message it made is named, so a repeat can finish writing attachments that did not fit.
            made = json.dumps({"item": message.item_id, "message": message.id}) if message is not None else None
            tx.save(claim_record(tenant_id, claim, ref, made, lifetime), condition=Record.pk.does_not_exist())

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
               message: Message | None = None, thread_ids: tuple[str, ...] = (),
               premises: tuple[Premise, ...] = (), new_people: tuple[User, ...] = ()) -> Item:
        for _ in range(RETRIES):
            number = self._counter(item.tenant_id, item.kind)
            stored = replace(item, ref=format_ref(item.kind, number + 1), version=1)
            first = replace(message, item_id=stored.id, item_ref=stored.ref) if message is not None else None
            first = with_attachments_marked(first) if first is not None else None
            try:
                with transaction() as tx:
                    checked = check_premises(tx, premises)
                    # Puts follow the checks in this order: counter, item, activity, claim, ...
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
                    for person in new_people:
                        self._users._add_to(tx, replace(person, version=1))
                self._numbered(item.tenant_id, item.kind, number + 1)
                self._remember(new_people)
                if first is not None:
                    write_attachments(item.tenant_id, stored.id, first.attachments[TX_ATTACHMENTS:])
                return stored
            except TransactWriteError as exc:
                self._after_cancel(exc, item, claim, checked, new_people)
        raise Conflict("could not number the item, try again")

    def _after_cancel(self, exc: TransactWriteError, item: Item, claim: IdempotencyClaim | None,
                      checked: tuple[Premise, ...], new_people: tuple[User, ...]) -> None:
        """Why a create's transaction was cancelled: a repeat (DuplicateRequest), a stale premise or a taken email
        (StalePremise), or a counter moved on (learnt: the caller tries again); anything else re-raised."""
        failed, k = set(failed_items(exc)), len(checked)
        duplicate = self._duplicate(item.tenant_id, claim) if claim is not None and k + 3 in failed else None
        if duplicate is not None:
            raise duplicate from exc
        stale = stale_premises(exc, checked)
        reasons = len(exc.cancellation_reasons or [])
        # Each new person is two puts (record, email claim) at the end of the transaction.
        taken = tuple(Premise("email", p.tenant_id, p.email) for n, p in enumerate(new_people)
                      if {reasons - 2 * (len(new_people) - n), reasons - 2 * (len(new_people) - n) + 1} & failed)
        if stale or taken:
            if self._facts is not None:
                self._facts.forget_stale(stale)
            raise StalePremise(stale + taken) from exc
        if k in failed:
            self._learn(item.tenant_id, item.kind, exc, k)
            return
        if k + 1 not in failed:
            raise exc
        with self._lock:  # the reference is taken though the counter agreed: read the counter afresh
            self._numbers.pop((item.tenant_id, item.kind), None)

    def _remember(self, people: tuple[User, ...]) -> None:
        for person in people:
            self._users.remember(replace(person, version=1))

    def many(self, tenant_id: str, refs: list[str]) -> list[Item]:
        return read_many(tenant_id, refs)


    def get(self, tenant_id: str, ref: str) -> Item | None:
        found = get(ref_key(tenant_id, ref), "ITEM")
        for _ in range(10):  # follow retired references (conversions) to the current one
            if found is None or found.kind != "alias":
                break
            found = get(ref_key(tenant_id, found.target or ""), "ITEM")
        return item_of(found) if found is not None and found.kind == "item" else None

    def save(self, item: Item, activity: Activity, *, more: tuple[Activity, ...] = (),
             done: str | None = None) -> Item:
        stored = replace(item, version=item.version + 1)
        try:
            with transaction() as tx:
                if done is not None:  # first, so a cancellation names it as position 0
                    tx.save(done_record(item.tenant_id, done), condition=Record.pk.does_not_exist())
                tx.save(item_record(stored), condition=(Record.version == item.version) & (Record.kind == "item"))
                for entry in (activity, *more):
                    tx.save(activity_record(entry))
        except TransactWriteError as exc:
            failed = failed_items(exc)
            if done is not None and 0 in failed:
                raise AlreadyDone(done) from exc
            if not failed:
                raise
            raise Conflict("item changed meanwhile, read it again") from exc
        return stored

    def save_many(self, saves: list[tuple[Item, tuple[Activity, ...], str]]) -> list[Exception | None]:
        """Saves packed into transactions of at most 100 actions, one item each at most; a cancelled transaction
        names its failing saves (CancellationReasons), which answer alone, and the rest is written again."""
        answers: dict[int, Exception | None] = {}
        pending = list(range(len(saves)))
        while pending:
            group = _pack_saves(saves, pending)
            pending = [i for i in pending if i not in group]
            while group:
                failed = _save_group(saves, group)
                if failed is None:
                    answers.update({i: None for i in group})
                    break
                if not failed:  # not a condition: each save alone says what it answers
                    for i in group:
                        answers[i] = _save_alone(self, saves[i])
                    break
                answers.update(failed)
                group = [i for i in group if i not in failed]
        return [answers[i] for i in range(len(saves))]

    def done(self, tenant_id: str, keys: list[str]) -> set[str]:
        wanted = {done_key(tenant_id, k): k for k in dict.fromkeys(keys)}
        if not wanted:
            return set()
        found = Record.batch_get([(pk, "DONE") for pk in wanted], attributes_to_get=["pk"])
        return {wanted[r.pk] for r in found if r.pk in wanted}

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
                self._numbered(new.tenant_id, new.kind, number + 1)
                return stored
            except TransactWriteError as exc:
                if 2 in failed_items(exc):
                    raise Conflict("item changed meanwhile, read it again") from exc
                if 0 in failed_items(exc):
                    self._learn(new.tenant_id, new.kind, exc, 0)
        raise Conflict("could not number the item, try again")

    def query(self, q: ItemQuery) -> Page[Item]:
        index, key, forward, filters = plan(q)
        condition = None
        for f in filters:
            condition = f if condition is None else condition & f
        records, last = one_page(lambda **kw: index.query(key, filter_condition=condition, scan_index_forward=forward,
                                                          **kw), q.limit, q.after)
        return Page([item_of(r) for r in records if r.kind == "item"], last)

    def reindex(self, item: Item) -> bool:
        # An update of the key attributes only: `data` stays byte for byte, so the stream sees no item change.
        keys = item_record(item)
        actions: list[Any] = []
        for name in ("updated_at", "category", "gsi1sk", "gsi2sk", "gsi3sk", "gsi4sk", "created_sk", "priority_sk",
                     "due_sk", "open_pk", "unassigned_pk"):
            value, attr = getattr(keys, name), getattr(Record, name)
            actions.append(attr.set(value) if value is not None else attr.remove())
        try:
            Record(pk=keys.pk, sk="ITEM").update(actions=actions,
                                                 condition=(Record.version == item.version) & (Record.kind == "item"))
        except UpdateError as exc:
            if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
                return False
            raise
        return True


def read_many(tenant_id: str, refs: list[str], hops: int = ALIAS_HOPS) -> list[Item]:
    """Items by reference in one BatchGetItem (100 keys a request; PynamoDB retries unprocessed keys), then one
    more per hop for references retired by conversion; missing ones left out, each item once."""
    found: dict[str, Item] = {}
    wanted = list(dict.fromkeys(refs))
    for _ in range(hops + 1):
        if not wanted:
            break
        aliases = []
        for record in Record.batch_get([(ref_key(tenant_id, r), "ITEM") for r in wanted]):
            if record.kind == "item":
                item = item_of(record)
                found.setdefault(item.id, item)
            elif record.kind == "alias" and record.target:
                aliases.append(record.target)
        wanted = [r for r in dict.fromkeys(aliases) if all(i.ref != r for i in found.values())]
    return list(found.values())


# The index of each order other than last activity (gsi1..gsi4 hold last activity); all keyed per tenant.
ORDER_INDEXES = {"created_at": "created", "priority": "priority", "due_date": "due"}
SCOPES = (("project_id", "gsi2", "PROJ"), ("requester_id", "gsi3", "REQ"), ("organization_id", "gsi4", "ORG"))


def plan(q: ItemQuery) -> tuple[Any, str, bool, list[Condition]]:
    """The one Query a page of `q` takes: (index, hash key, ascending?, filters).

    Last activity reads the most selective key: project → requester → organisation → the unassigned or open
    queue (when the asked categories are all open ones) → every item. Other orders read their own tenant-wide
    index. Whatever the key does not narrow is a filter on the same Query."""
    t = tkey(q.tenant_id)
    order, forward = order_of(q.sort)
    only_open = bool(q.status_categories) and set(q.status_categories) <= set(OPEN)
    index, key, used = Record.gsi1, f"{t}#ITEMS", None
    if order != "updated_at":
        index = getattr(Record, ORDER_INDEXES[order])
    elif scoped := next(((f, n, p) for f, n, p in SCOPES if getattr(q, f)), None):
        field, name, prefix = scoped
        index, key, used = getattr(Record, name), f"{t}#{prefix}#{getattr(q, field)}", field
    elif q.unassigned and only_open:
        index, key = Record.unassigned, f"{t}#UNASSIGNED"
    elif only_open:
        index, key = Record.open, f"{t}#OPEN"
    filters: list[Condition] = [getattr(Record, f"{name}pk") == f"{t}#{prefix}#{getattr(q, field)}"
                                for field, name, prefix in SCOPES if getattr(q, field) and field != used]
    for value, attr in ((q.kind, Record.item_kind), (q.status, Record.status), (q.type_id, Record.type_id),
                        (q.folder_id, Record.folder_id)):
        if value:
            filters.append(attr == value)
    if q.assignee:
        filters.append(Record.assignees.contains(q.assignee))
    if q.unassigned:
        filters.append(Record.assignees.does_not_exist())
    if q.status_categories:
        filters.append(Record.category.is_in(*q.status_categories))
    return index, key, forward, filters


class DynamoConversationRepo:
    def __init__(self, items: DynamoItemRepo) -> None:
        self._items = items

    def add_message(self, item: Item, message: Message, activity: Activity, *,
                    claim: IdempotencyClaim | None = None, thread_ids: tuple[str, ...] = ()) -> Message:
        message = with_attachments_marked(replace(message, item_id=item.id, item_ref=item.ref))
        target: Item | None = item  # the record whose last activity the message moves
        for attempt in range(3):
            try:
                with transaction() as tx:
                    self._items._claim_to(tx, item.tenant_id, claim, item.ref, message)
                    if target is not None:
                        touch(tx, target, message.created_at)
                    tx.save(message_record(message))
                    tx.save(activity_record(activity))
                    for att in message.attachments[:TX_ATTACHMENTS]:
                        tx.save(attachment_record(item.tenant_id, item.id, att))
                    for mid in thread_ids:
                        tx.save(thread_record(item.tenant_id, mid, item))
                break
            except TransactWriteError as exc:
                failed = failed_items(exc)
                duplicate = self._items._duplicate(item.tenant_id, claim) if 0 in failed else None
                if duplicate is not None:
                    raise duplicate from exc
                # PynamoDB sends puts before updates: the touch, the only update, is the last action.
                touched = len(exc.cancellation_reasons or []) - 1
                if target is None or touched not in failed or attempt == 2:
                    raise
                # Converted meanwhile: the item lives under its new reference now (or nowhere).
                target = self._items.get(item.tenant_id, item.ref)
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


def _pack_saves(saves: list[tuple[Item, tuple[Activity, ...], str]], pending: list[int]) -> list[int]:
    """The first pending saves that fit one transaction (done-marker, item, entries each), one per item."""
    group: list[int] = []
    items: set[tuple[str, str]] = set()
    actions = 0
    for i in pending:
        item, entries, _ = saves[i]
        size = 2 + len(entries)
        if (item.tenant_id, item.id) in items or (group and actions + size > SAVES_PER_TRANSACTION):
            continue
        group.append(i)
        items.add((item.tenant_id, item.id))
        actions += size
    return group


def _save_group(saves: list[tuple[Item, tuple[Activity, ...], str]], group: list[int]) -> dict[int, Exception] | None:
    """One transaction of these saves: None when written; else the saves whose condition failed (AlreadyDone for
    a done-marker, Conflict for a stale item), empty when it failed otherwise."""
    positions: list[tuple[int, bool]] = []  # each action's save and whether it is the done-marker
    try:
        with transaction() as tx:
            for i in group:
                item, entries, done = saves[i]
                tx.save(done_record(item.tenant_id, done), condition=Record.pk.does_not_exist())
                tx.save(item_record(replace(item, version=item.version + 1)),
                        condition=(Record.version == item.version) & (Record.kind == "item"))
                positions += [(i, True), (i, False)]
                for entry in entries:
                    tx.save(activity_record(entry))
                    positions.append((i, False))
    except TransactWriteError as exc:
        failed: dict[int, Exception] = {}
        for at in failed_items(exc):
            i, marker = positions[at]  # a marker comes before its item: done before outranks moved on, as in `save`
            failed.setdefault(i, AlreadyDone(saves[i][2]) if marker else Conflict("item changed meanwhile"))
        return failed
    return None


def _save_alone(repo: Any, save: tuple[Item, tuple[Activity, ...], str]) -> Exception | None:
    item, entries, done = save
    try:
        repo.save(item, entries[0], more=entries[1:], done=done)
    except Exception as exc:  # the save's own answer
        return exc
    return None
