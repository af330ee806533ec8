"""In-memory repositories: the honest fakes. The same contract suite runs on them and on PynamoDB."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, Generic, TypeVar

from tandem.dal.memory_hooks import MemoryDeliveryRepo
from tandem.dal.memory_search import MemorySearchIndex
from tandem.dal.rule_codec import macro_document, macro_from_document, rule_document, rule_from_document
from tandem.domain.activity import Activity
from tandem.domain.errors import Conflict
from tandem.domain.events import CustomerChanged, Event, ItemChanged, ItemCreated, ItemStored, MessageAdded
from tandem.domain.folders import Folder
from tandem.domain.hierarchy import Portfolio, Project
from tandem.domain.item_order import ORDER_KEYS, order_of
from tandem.domain.item_types import ItemType
from tandem.domain.items import Item, format_ref
from tandem.domain.mail import Rejection
from tandem.domain.messages import Attachment, Message
from tandem.domain.people import Organization, Role, Team, User
from tandem.domain.rules import Macro, Rule
from tandem.domain.tenants import Tenant
from tandem.services.ports import (
    AlreadyDone,
    DuplicateRequest,
    IdempotencyClaim,
    ItemQuery,
    Page,
    Position,
    Premise,
    Repos,
    StalePremise,
    Timer,
)

E = TypeVar("E")
RECORD_BYTES = 400 * 1024  # DynamoDB's item size limit: the fake refuses what the table would


def _fits(record: Any) -> None:
    """Fail like DynamoDB on a record too large to store (a domain object rides in one record there)."""
    from tandem.dal.codec import dumps

    if len(dumps(record).encode("utf-8")) > RECORD_BYTES:
        raise ValueError(f"{type(record).__name__} record exceeds {RECORD_BYTES} bytes")


def _page(rows: list[E], key: Callable[[E], str], limit: int, after: Position) -> Page[E]:
    """Sorted rows from the position on; the position is the last key served, like DynamoDB's."""
    rows = sorted(rows, key=key)
    if after:
        rows = [r for r in rows if key(r) > after["k"]]
    chunk = rows[:limit]
    more = len(rows) > limit
    return Page([copy.deepcopy(r) for r in chunk], {"k": key(chunk[-1])} if more and chunk else None)


class _Store:
    """Shared state of one fake table: records plus the unique claims that guard them."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.claims: dict[str, str] = {}
        self.entities: dict[tuple[str, str, str], Any] = {}
        self.counters: dict[tuple[str, str], int] = {}
        self.threads: dict[tuple[str, str], str] = {}  # (tenant, Message-ID) → item id
        # What a DynamoDB stream would carry: tests drain it into the same handler the rules Lambda runs.
        self.events: list[Event] = []
        self.event_seq = 0

    def emit(self, event_type: type, *args: Any) -> None:
        self.event_seq += 1
        self.events.append(event_type(f"mem-{self.event_seq}", *(copy.deepcopy(a) for a in args)))

    def claim(self, keys: Iterable[str], owner: str) -> None:
        keys = list(keys)
        taken = [k for k in keys if self.claims.get(k, owner) != owner]
        if taken or len(set(keys)) != len(keys):
            raise Conflict("already in use", {"claims": taken})
        for k in keys:
            self.claims[k] = owner

    def release(self, keys: Iterable[str]) -> None:
        for k in keys:
            self.claims.pop(k, None)

    def check(self, premises: tuple[Premise, ...]) -> None:
        """StalePremise unless every premise holds (the twin of the table's ConditionChecks)."""
        claims = {"email": "email:{t}:{k}", "domain": "domain:{t}:{k}", "address": "addr:{k}"}
        stale = []
        for p in dict.fromkeys(premises):
            if p.kind in claims:
                holds = claims[p.kind].format(t=p.tenant_id, k=p.key.lower()) not in self.claims
            elif p.kind == "thread":
                holds = (p.tenant_id, p.key) not in self.threads
            else:
                found = self.entities.get((p.tenant_id, p.kind, p.key))
                holds = found is not None and found.version == p.version
            if not holds:
                stale.append(p)
        if stale:
            raise StalePremise(tuple(stale))


class MemoryEntityRepo(Generic[E]):
    """Typed records of one kind, with their unique claims (emails, domains, addresses)."""

    def __init__(self, store: _Store, kind: str, claims: Callable[[E], list[str]] = lambda e: []) -> None:
        self._s, self._kind, self._claims = store, kind, claims

    def _encode(self, entity: E) -> Any:
        """What is kept for an entity (a private copy; subclasses keep the stored document instead)."""
        return copy.deepcopy(entity)

    def _decode(self, stored: Any) -> E:
        return copy.deepcopy(stored)

    def add(self, entity: E) -> E:
        with self._s.lock:
            key = (entity.tenant_id, self._kind, entity.id)
            if key in self._s.entities:
                raise Conflict(f"{self._kind} exists")
            self._s.claim(self._claims(entity), self._owner(entity))
            stored = replace(entity, version=1)
            self._s.entities[key] = self._encode(stored)
            return stored

    def _owner(self, entity: Any) -> str:
        return f"{self._kind}:{entity.tenant_id}:{entity.id}"

    def _current(self, key: tuple[str, str, str]) -> E | None:
        found = self._s.entities.get(key)
        return None if found is None else self._decode(found)

    def get(self, tenant_id: str, entity_id: str) -> E | None:
        return self._current((tenant_id, self._kind, entity_id))

    def warm(self, tenant_id: str, entity_id: str) -> E | None:
        return self.get(tenant_id, entity_id)  # nothing to save here: memory reads are free

    def save(self, entity: E) -> E:
        with self._s.lock:
            key = (entity.tenant_id, self._kind, entity.id)
            current = self._current(key)
            if current is None or current.version != entity.version:
                raise Conflict(f"{self._kind} changed meanwhile, read it again")
            old, new = set(self._claims(current)), set(self._claims(entity))
            self._s.claim(new - old, self._owner(entity))
            self._s.release(old - new)
            stored = replace(entity, version=entity.version + 1)
            self._s.entities[key] = self._encode(stored)
            return copy.deepcopy(stored)

    def delete(self, entity: E) -> None:
        with self._s.lock:
            key = (entity.tenant_id, self._kind, entity.id)
            current = self._current(key)
            if current is None or current.version != entity.version:
                raise Conflict(f"{self._kind} changed meanwhile, read it again")
            self._s.release(self._claims(current))
            del self._s.entities[key]

    def _all(self, tenant_id: str) -> list[E]:
        return [self._decode(e) for (t, k, _), e in self._s.entities.items() if t == tenant_id and k == self._kind]

    def list(self, tenant_id: str, *, limit: int = 50, after: Position = None) -> Page[E]:
        return _page(self._all(tenant_id), lambda e: e.id, limit, after)

    def find_claim(self, claim: str) -> E | None:
        owner = self._s.claims.get(claim)
        if owner is None or not owner.startswith(self._kind + ":"):
            return None
        _, tenant_id, entity_id = owner.split(":", 2)
        return self.get(tenant_id, entity_id)


class MemoryRuleRepo(MemoryEntityRepo[Rule]):
    """Keeps the stored document, like the table does, so old or broken definitions behave the same here."""

    def __init__(self, store: _Store) -> None:
        super().__init__(store, "rule")

    def _encode(self, entity: Rule) -> Any:
        return {**copy.deepcopy(rule_document(entity)), "last_error": entity.last_error,
                "failing_since": entity.failing_since}

    def _decode(self, stored: Any) -> Rule:
        doc = copy.deepcopy(stored)
        return rule_from_document(doc, last_error=doc.get("last_error"), failing_since=doc.get("failing_since"))

    def record_outcome(self, tenant_id: str, rule_id: str, *, error: str | None, at: str) -> None:
        with self._s.lock:
            doc = self._s.entities.get((tenant_id, self._kind, rule_id))
            if doc is not None:
                doc["last_error"] = error
                doc["failing_since"] = (doc.get("failing_since") or at) if error is not None else None


class MemoryMacroRepo(MemoryEntityRepo[Macro]):
    def __init__(self, store: _Store) -> None:
        super().__init__(store, "macro")

    def _encode(self, entity: Macro) -> Any:
        return copy.deepcopy(macro_document(entity))

    def _decode(self, stored: Any) -> Macro:
        return macro_from_document(copy.deepcopy(stored))


class MemoryOrganizationRepo(MemoryEntityRepo[Organization]):
    def __init__(self, store: _Store) -> None:
        super().__init__(store, "org", lambda o: [f"domain:{o.tenant_id}:{d}" for d in o.domains])

    def by_domain(self, tenant_id: str, domain: str) -> Organization | None:
        return self.find_claim(f"domain:{tenant_id}:{domain.lower()}")

    def recall_by_domain(self, tenant_id: str, domain: str) -> tuple[bool, Organization | None]:
        return True, self.by_domain(tenant_id, domain)


class MemoryItemTypeRepo(MemoryEntityRepo[ItemType]):
    def __init__(self, store: _Store) -> None:
        super().__init__(store, "type", lambda t: [f"addr:{t.inbound_address}"] if t.inbound_address else [])

    def by_address(self, address: str) -> ItemType | None:
        return self.find_claim(f"addr:{address.lower()}")


class MemoryProjectRepo(MemoryEntityRepo[Project]):
    def __init__(self, store: _Store) -> None:
        super().__init__(store, "project")

    def list_in_portfolio(
        self, tenant_id: str, portfolio_id: str, *, limit: int = 50, after: Position = None
    ) -> Page[Project]:
        rows = [p for p in self._all(tenant_id) if p.portfolio_id == portfolio_id]
        return _page(rows, lambda e: e.id, limit, after)


class MemoryFolderRepo(MemoryEntityRepo[Folder]):
    """Twin of dal/dynamo_projects.py's folders (issue 15)."""

    def __init__(self, store: _Store) -> None:
        super().__init__(store, "folder")

    def list_in_project(self, tenant_id: str, project_id: str, *, limit: int = 50,
                        after: Position = None) -> Page[Folder]:
        return _page([f for f in self._all(tenant_id) if f.project_id == project_id], lambda f: f.id, limit, after)


class MemoryUserRepo(MemoryEntityRepo[User]):
    def __init__(self, store: _Store) -> None:
        super().__init__(store, "user", lambda u: [f"email:{u.tenant_id}:{u.email}"])

    def by_email(self, tenant_id: str, email: str) -> User | None:
        return self.find_claim(f"email:{tenant_id}:{email.lower()}")

    def recall_by_email(self, tenant_id: str, email: str) -> tuple[bool, User | None]:
        return True, self.by_email(tenant_id, email)

    def get_many(self, tenant_id: str, user_ids: list[str]) -> list[User]:
        return [u for u in (self.get(tenant_id, i) for i in dict.fromkeys(user_ids)) if u is not None]

    def by_emails(self, tenant_id: str, emails: list[str]) -> dict[str, User]:
        found = (self.by_email(tenant_id, e) for e in dict.fromkeys(emails))
        return {u.email: u for u in found if u is not None}

    def any_with_role(self, tenant_id: str, role_id: str) -> bool:
        return any(u.role.is_staff and u.role_id == role_id for u in self._all(tenant_id))
    def add(self, user: User) -> User:
        stored = super().add(user)
        self._changed(None, stored)
        return stored

    def save(self, user: User, *, previous_email: str | None = None) -> User:
        before = self.get(user.tenant_id, user.id)
        stored = super().save(user)
        self._changed(before, stored)
        return stored

    def _changed(self, old: User | None, new: User) -> None:
        """Customers' writes reach the stream handler as the table's stream decoder makes them (dal/stream.py)."""
        if Role.CUSTOMER in (new.role, old.role if old else None):
            self._s.emit(CustomerChanged, old, new)

    def list(self, tenant_id: str, *, staff: bool, limit: int = 50, after: Position = None) -> Page[User]:
        rows = [u for u in self._all(tenant_id) if u.role.is_staff == staff]
        return _page(rows, lambda u: f"{u.email}#{u.id}", limit, after)

    def list_in_organization(
        self, tenant_id: str, organization_id: str, *, limit: int = 50, after: Position = None
    ) -> Page[User]:
        rows = [u for u in self._all(tenant_id) if u.organization_id == organization_id]
        return _page(rows, lambda u: f"{u.email}#{u.id}", limit, after)


class MemoryTenantRepo:
    def __init__(self, store: _Store, repos: Repos) -> None:
        self._s, self._repos = store, repos
        self._tenants = MemoryEntityRepo[Tenant](store, "tenant", lambda t: [f"slug:{t.slug}"])

    def bootstrap(
        self, tenant: Tenant, owner: User, types: list[ItemType], portfolio: Portfolio, projects: list[Project]
    ) -> None:
        with self._s.lock:
            snapshot = (dict(self._s.claims), dict(self._s.entities))
            try:
                self._tenants.add(tenant)
                self._repos.users.add(owner)
                self._repos.portfolios.add(portfolio)
                for p in projects:
                    self._repos.projects.add(p)
                for t in types:
                    self._repos.item_types.add(t)
            except Conflict:
                self._s.claims, self._s.entities = snapshot  # all or nothing, like the transaction
                raise

    def get(self, tenant_id: str) -> Tenant | None:
        return self._tenants.get(tenant_id, tenant_id)

    def by_slug(self, slug: str) -> Tenant | None:
        return self._tenants.find_claim(f"slug:{slug}")

    def save(self, tenant: Tenant) -> Tenant:
        return self._tenants.save(tenant)

    def list_all(self, *, limit: int = 50, after: Position = None) -> Page[Tenant]:
        with self._s.lock:
            tenants = [self._tenants.get(t, t) for (t, k, _) in self._s.entities if k == "tenant"]
        return _page([t for t in tenants if t is not None], lambda t: t.slug, limit, after)


class MemoryItemRepo:
    def __init__(self, store: _Store) -> None:
        self._s = store
        self.people: Any = None  # the user repo (set by memory_repos)
        self._items: dict[tuple[str, str], Item] = {}  # (tenant, ref) → item
        self._aliases: dict[tuple[str, str], str] = {}  # retired ref → current ref
        self._activity: dict[tuple[str, str], list[Activity]] = {}
        self._idem: dict[tuple[str, str, str], tuple[str, str]] = {}
        self._done: set[tuple[str, str]] = set()  # (tenant, key): done-markers of stream changes (`save`)
        self.done_markers = self._done  # shared with the mail log's counts (memory_repos)
        self.threads = store.threads  # (tenant, Message-ID) → item id, shared with the premises check
        self.conversations: MemoryConversationRepo = None  # type: ignore[assignment]  # set by memory_repos

    def by_id(self, tenant_id: str, item_id: str) -> Item | None:
        return next((copy.deepcopy(i) for (t, _), i in self._items.items() if t == tenant_id and i.id == item_id), None)

    def _next_ref(self, tenant_id: str, kind: str) -> str:
        n = self._s.counters.get((tenant_id, kind), 0) + 1
        self._s.counters[(tenant_id, kind)] = n
        return format_ref(kind, n)

    def create(
        self,
        item: Item,
        activity: Activity,
        *,
        claim: IdempotencyClaim | None = None,
        message: Message | None = None,
        thread_ids: tuple[str, ...] = (),
        premises: tuple[Premise, ...] = (),
        new_people: tuple[User, ...] = (),
    ) -> Item:
        with self._s.lock:
            self.check_claim(item.tenant_id, claim)
            self._s.check(premises + tuple(Premise("email", p.tenant_id, p.email) for p in new_people))
            _fits(item)
            if message is not None:
                _fits(message)
            for person in new_people:
                self.people.add(person)
            stored = replace(item, ref=self._next_ref(item.tenant_id, item.kind), version=1)
            self._items[(item.tenant_id, stored.ref)] = copy.deepcopy(stored)
            self.record(activity)
            self.take_claim(item.tenant_id, claim, stored.ref)
            self._s.emit(ItemCreated, stored)
            if message is not None:
                self.conversations.store_message(stored, replace(message, item_id=stored.id, item_ref=stored.ref))
            self.threads.update({(item.tenant_id, mid): stored.id for mid in thread_ids})
            return stored

    def check_claim(self, tenant_id: str, claim: IdempotencyClaim | None) -> None:
        if claim is not None:
            first = self._idem.get((tenant_id, claim.scope, claim.key))
            if first is not None:
                raise DuplicateRequest(*first)

    def take_claim(
        self, tenant_id: str, claim: IdempotencyClaim | None, ref: str, message_id: str | None = None
    ) -> None:
        if claim is not None:
            self._idem[(tenant_id, claim.scope, claim.key)] = (ref, claim.fingerprint, message_id)


    def get(self, tenant_id: str, ref: str) -> Item | None:
        ref = self._aliases.get((tenant_id, ref), ref)
        return copy.deepcopy(self._items.get((tenant_id, ref)))

    def many(self, tenant_id: str, refs: list[str]) -> list[Item]:
        found: dict[str, Item] = {}
        for ref in dict.fromkeys(refs):
            item = self.get(tenant_id, ref)
            if item is not None:
                found.setdefault(item.id, item)
        return list(found.values())

    def save(self, item: Item, activity: Activity, *, more: tuple[Activity, ...] = (),
             done: str | None = None) -> Item:
        with self._s.lock:
            if done is not None and (item.tenant_id, done) in self._done:
                raise AlreadyDone(done)
            current = self._items.get((item.tenant_id, item.ref))
            if current is None or current.version != item.version:
                raise Conflict("item changed meanwhile, read it again")
            _fits(item)
            stored = replace(item, version=item.version + 1)
            self._items[(item.tenant_id, item.ref)] = copy.deepcopy(stored)
            if done is not None:
                self._done.add((item.tenant_id, done))
            for entry in (activity, *more):
                self.record(entry)
            self._s.emit(ItemChanged, current, stored)
            return stored

    def save_many(self, saves: list[tuple[Item, tuple[Activity, ...], str]]) -> list[Exception | None]:
        answers: list[Exception | None] = []
        for item, entries, done in saves:
            try:
                self.save(item, entries[0], more=entries[1:], done=done)
                answers.append(None)
            except Exception as exc:  # each save answers for itself
                answers.append(exc)
        return answers

    def done(self, tenant_id: str, keys: list[str]) -> set[str]:
        with self._s.lock:
            return {k for k in keys if (tenant_id, k) in self._done}

    def convert(self, old: Item, new: Item, activity: Activity) -> Item:
        with self._s.lock:
            current = self._items.get((old.tenant_id, old.ref))
            if current is None or current.version != old.version:
                raise Conflict("item changed meanwhile, read it again")
            stored = replace(new, ref=self._next_ref(new.tenant_id, new.kind), version=old.version + 1)
            del self._items[(old.tenant_id, old.ref)]
            self._items[(old.tenant_id, stored.ref)] = copy.deepcopy(stored)
            for (t, r), target in list(self._aliases.items()):
                if t == old.tenant_id and target == old.ref:
                    self._aliases[(t, r)] = stored.ref
            self._aliases[(old.tenant_id, old.ref)] = stored.ref
            self.record(activity)
            # Like the stream decoder: a conversion is no item change for rules, only the records moving.
            self._s.emit(ItemStored, current, None)
            self._s.emit(ItemStored, None, stored)
            return stored

    def query(self, q: ItemQuery) -> Page[Item]:
        order, forward = order_of(q.sort)
        key = ORDER_KEYS[order]
        rows = sorted((i for i in self._items.values() if q.matches(i)), key=key, reverse=not forward)
        if q.after:  # like ExclusiveStartKey: what comes after the last key served, in reading direction
            rows = [r for r in rows if (key(r) > q.after["k"] if forward else key(r) < q.after["k"])]
        chunk = rows[: q.limit]
        after = {"k": key(chunk[-1])} if len(rows) > q.limit and chunk else None
        return Page([copy.deepcopy(r) for r in chunk], after)

    def reindex(self, item: Item) -> bool:
        # The twin keeps no index keys: only whether the item is still the one given.
        current = self._items.get((item.tenant_id, item.ref))
        return current is not None and current.version == item.version

    def touch(self, item: Item, at: str) -> None:
        """A message moved the item's last activity (no new version: a message is no edit of its fields)."""
        ref = self._aliases.get((item.tenant_id, item.ref), item.ref)
        stored = self._items.get((item.tenant_id, ref))
        if stored is not None:
            stored.updated_at = at

    def record(self, activity: Activity) -> None:
        self._activity.setdefault((activity.tenant_id, activity.item_id), []).append(copy.deepcopy(activity))

    def activities(self, tenant_id: str, item_id: str) -> list[Activity]:
        return self._activity.get((tenant_id, item_id), [])


class MemoryConversationRepo:
    def __init__(self, store: _Store, items: MemoryItemRepo) -> None:
        self._s, self._items = store, items
        self._messages: dict[tuple[str, str], list[Message]] = {}
        self._attachments: dict[tuple[str, str, str], Attachment] = {}

    def add_message(
        self,
        item: Item,
        message: Message,
        activity: Activity,
        *,
        claim: IdempotencyClaim | None = None,
        thread_ids: tuple[str, ...] = (),
    ) -> Message:
        with self._s.lock:
            self._items.check_claim(item.tenant_id, claim)
            _fits(message)
            message = replace(message, item_ref=item.ref)
            self._items.touch(item, message.created_at)
            self.store_message(item, message)
            self._items.record(activity)
            self._items.take_claim(item.tenant_id, claim, item.ref, message.id)
            self._items.threads.update({(item.tenant_id, mid): item.id for mid in thread_ids})
            return copy.deepcopy(message)

    def store_message(self, item: Item, message: Message) -> None:
        for att in message.attachments:
            att.message_id, att.visibility = message.id, message.visibility
            self._attachments[(item.tenant_id, item.id, att.id)] = copy.deepcopy(att)
        self._messages.setdefault((item.tenant_id, item.id), []).append(copy.deepcopy(message))
        self._s.emit(MessageAdded, message)

    def message(self, tenant_id: str, item_id: str, message_id: str) -> Message | None:
        found = [m for m in self._messages.get((tenant_id, item_id), []) if m.id == message_id]
        return copy.deepcopy(found[0]) if found else None

    def thread_of(self, tenant_id: str, message_ids: list[str]) -> str | None:
        for mid in message_ids:
            item_id = self._items.threads.get((tenant_id, mid))
            item = self._items.by_id(tenant_id, item_id) if item_id else None
            if item is not None:
                return item.ref
        return None

    def add_thread_ids(self, tenant_id: str, item: Item, message_ids: list[str]) -> None:
        self._items.threads.update({(tenant_id, mid): item.id for mid in message_ids})

    def messages(
        self, tenant_id: str, item_id: str, *, public_only: bool, limit: int = 50, after: Position = None
    ) -> Page[Message]:
        rows = [
            m for m in self._messages.get((tenant_id, item_id), []) if not public_only or m.visibility.value == "public"
        ]
        return _page(rows, lambda m: m.id, limit, after)

    def activity(self, tenant_id: str, item_id: str, *, limit: int = 50, after: Position = None) -> Page[Activity]:
        return _page(self._items.activities(tenant_id, item_id), lambda a: a.id, limit, after)

    def add_attachment(self, tenant_id: str, item_id: str, attachment: Attachment) -> Attachment:
        self._attachments[(tenant_id, item_id, attachment.id)] = copy.deepcopy(attachment)
        return attachment

    def attachment(self, tenant_id: str, item_id: str, attachment_id: str) -> Attachment | None:
        return copy.deepcopy(self._attachments.get((tenant_id, item_id, attachment_id)))

    def remove_attachment(self, item: Item, attachment: Attachment, activity: Activity) -> None:
        with self._s.lock:
            self._attachments[(item.tenant_id, item.id, attachment.id)] = copy.deepcopy(attachment)
            for message in self._messages.get((item.tenant_id, item.id), []):
                if message.id == attachment.message_id:
                    message.attachments = [
                        copy.deepcopy(attachment) if a.id == attachment.id else a for a in message.attachments
                    ]
            self._items.record(activity)

    def add_activity(self, activity: Activity) -> None:
        self._items.record(activity)


class MemoryMailLog:
    def __init__(self, store: _Store | None = None, counted: set[tuple[str, str]] | None = None) -> None:
        self._store = store or _Store()
        self._rejections: list[Rejection] = []
        self._claims: set[tuple[str, str]] = set()
        self._counters: dict[tuple[str, str, str], int] = {}
        # (tenant, change id): done-markers of `count_once`; the items' done-markers when given, as on the table,
        # where both are the same kind of record (so `ItemRepo.done` finds them)
        self._counted: set[tuple[str, str]] = set() if counted is None else counted
        self._lock = threading.Lock()

    def reject(self, rejection: Rejection, premises: tuple[Premise, ...] = ()) -> None:
        with self._store.lock, self._lock:
            self._store.check(premises)
            self._rejections.append(copy.deepcopy(rejection))

    def rejections(
        self, tenant_id: str | None, *, limit: int = 50, after: Position = None, since: str | None = None
    ) -> Page[Rejection]:
        rows = [r for r in self._rejections if r.tenant_id == tenant_id and (since is None or r.at >= since)]
        return _page(rows, lambda r: f"{r.at}#{r.id}", limit, after)

    def claim(self, tenant_id: str, key: str, ttl_seconds: int) -> bool:
        with self._lock:
            if (tenant_id, key) in self._claims:
                return False
            self._claims.add((tenant_id, key))
            return True

    def release(self, tenant_id: str, key: str) -> None:
        with self._lock:
            self._claims.discard((tenant_id, key))

    def bump(self, tenant_id: str, key: str, window: str, ttl_seconds: int) -> int:
        with self._lock:
            count = self._counters.get((tenant_id, key, window), 0) + 1
            self._counters[(tenant_id, key, window)] = count
            return count

    def count_once(self, tenant_id: str, key: str, window: str, ttl_seconds: int, change_id: str,
                   limit: int) -> bool:
        with self._lock:
            if (tenant_id, change_id) in self._counted:
                return True
            count = self._counters.get((tenant_id, key, window), 0)
            if count >= limit:
                return False
            self._counters[(tenant_id, key, window)] = count + 1
            self._counted.add((tenant_id, change_id))
            return True


class MemoryCounters:
    def __init__(self) -> None:
        self._counts: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def add(self, key: str, window: str, amount: int, ttl_seconds: int) -> int:
        with self._lock:
            count = self._counts.get((key, window), 0) + amount
            self._counts[(key, window)] = count
            return count


class MemoryRevocations:
    def __init__(self) -> None:
        self._revoked: set[tuple[str, str]] = set()

    def revoke(self, tenant_id: str, token_id: str, ttl_seconds: int) -> None:
        self._revoked.add((tenant_id, token_id))

    def is_revoked(self, tenant_id: str, token_id: str) -> bool:
        return (tenant_id, token_id) in self._revoked


class MemoryTimerRepo:
    def __init__(self) -> None:
        self._timers: dict[tuple[str, str], Timer] = {}
        self._lock = threading.Lock()

    def schedule(self, timer: Timer) -> None:
        with self._lock:
            self._timers[(timer.tenant_id, timer.key)] = copy.deepcopy(timer)

    def cancel(self, tenant_id: str, key: str) -> None:
        with self._lock:
            self._timers.pop((tenant_id, key), None)

    def due(self, now: str, *, since: str, limit: int = 100) -> list[Timer]:
        rows = sorted((t for t in self._timers.values() if since <= t.due_at <= now), key=lambda t: t.due_at)
        return [copy.deepcopy(t) for t in rows[:limit]]

    def take(self, timer: Timer) -> bool:
        with self._lock:
            current = self._timers.get((timer.tenant_id, timer.key))
            if current is None or current.due_at != timer.due_at:
                return False
            del self._timers[(timer.tenant_id, timer.key)]
            return True


class MemoryIdempotencyStore:
    def __init__(self) -> None:
        self._data: dict[tuple[str, str], dict[str, Any]] = {}

    def get(self, tenant_id: str, key: str) -> dict[str, Any] | None:
        return copy.deepcopy(self._data.get((tenant_id, key)))

    def put(self, tenant_id: str, key: str, response: dict[str, Any]) -> None:
        self._data.setdefault((tenant_id, key), copy.deepcopy(response))


def drain_events(repos: Repos) -> list[Event]:
    """The events written since the last drain, oldest first (what the stream would deliver)."""
    store = repos.items._s  # type: ignore[attr-defined]
    events, store.events = store.events, []
    return events


def memory_repos() -> Repos:
    """A fresh, empty set of in-memory repositories sharing one store."""
    from tandem.dal.memory_chat import MemoryChatRepo
    from tandem.dal.memory_kb import MemoryArticleRepo
    from tandem.dal.memory_keys import MemoryApiKeyRepo
    from tandem.dal.memory_notes import MemoryNotificationRepo
    from tandem.dal.memory_projects import MemoryJoinRequestRepo
    from tandem.dal.memory_queues import MemoryQueueCounters
    from tandem.dal.memory_time import MemoryTimeRepo
    from tandem.dal.memory_time_cells import MemoryTimeCells
    from tandem.dal.memory_views import MemoryViewRepo

    store = _Store()
    items, projects, users = MemoryItemRepo(store), MemoryProjectRepo(store), MemoryUserRepo(store)
    items.people = users  # new requesters are added in the item's own write
    repos = Repos(
        tenants=None,  # type: ignore[arg-type]  # set below: it needs the other repos
        users=users,
        teams=MemoryEntityRepo[Team](store, "team"),
        organizations=MemoryOrganizationRepo(store),
        portfolios=MemoryEntityRepo[Portfolio](store, "portfolio"),
        projects=projects,
        item_types=MemoryItemTypeRepo(store),
        items=items,
        conversations=MemoryConversationRepo(store, items),
        idempotency=MemoryIdempotencyStore(),
        mail=MemoryMailLog(store, items.done_markers),
        rules=MemoryRuleRepo(store),
        macros=MemoryMacroRepo(store),
        sla_policies=MemoryEntityRepo(store, "sla"),
        timers=MemoryTimerRepo(),
        counters=MemoryCounters(),
        revocations=MemoryRevocations(),
        hooks=MemoryEntityRepo(store, "hook"),
        deliveries=MemoryDeliveryRepo(),
        api_keys=MemoryApiKeyRepo(),
        inbound_webhooks=MemoryEntityRepo(store, "inhook"),  # twin of dal/dynamo_inbound.py
        queue_counts=MemoryQueueCounters(),  # twin of dal/dynamo_queues.py
        views=MemoryViewRepo(),  # twin of dal/dynamo_views.py
        time=MemoryTimeRepo(store.emit),  # twin of dal/dynamo_time.py
        time_cells=MemoryTimeCells(),  # twin of dal/dynamo_time_cells.py
        kb_categories=MemoryEntityRepo(store, "kbcat"),  # twin of dal/dynamo_kb.py
        articles=MemoryArticleRepo(store.emit),  # twin of dal/dynamo_kb.py
        chats=MemoryChatRepo(),  # twin of dal/dynamo_chat.py
        # twin of dal/dynamo_roles.py: names unique per tenant, whatever their case
        roles=MemoryEntityRepo(store, "role", lambda r: [f"rolename:{r.tenant_id}:{r.name.casefold()}"]),
        join_requests=MemoryJoinRequestRepo(store.lock, store.emit, projects),  # twin of dal/dynamo_projects.py
        folders=MemoryFolderRepo(store),  # twin of dal/dynamo_projects.py
    )
    repos.search = MemorySearchIndex(items, repos.conversations, repos.users)
    items.conversations = repos.conversations  # type: ignore[assignment]
    repos.notifications = MemoryNotificationRepo(repos)
    repos.tenants = MemoryTenantRepo(store, repos)
    from tandem.dal.memory_imports import MemoryImportLedger

    repos.imports = MemoryImportLedger(items, repos.users)  # twin of dal/dynamo_imports.py
    return repos
