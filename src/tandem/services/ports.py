"""The ports the use cases need; adapters in dal/, aws/, auth/ and local/ implement them.

Positions (`after`) are the store's own continuation markers (a dict); the API turns them into
signed opaque cursors so a client can neither forge nor read them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

# Types for annotations only: a Lambda importing the ports (every one does, through the container) must not import
# the whole domain on its cold path; each use case imports the domain modules it works with.
if TYPE_CHECKING:
    from tandem.domain.activity import Activity
    from tandem.domain.api_keys import ApiKey
    from tandem.domain.chat import Chat, Connection
    from tandem.domain.folders import Folder
    from tandem.domain.hierarchy import Portfolio, Project
    from tandem.domain.hooks import Delivery, Hook
    from tandem.domain.inbound_webhooks import InboundWebhook
    from tandem.domain.item_types import ItemType
    from tandem.domain.items import Item
    from tandem.domain.join_requests import JoinRequest
    from tandem.domain.kb import Article, Category
    from tandem.domain.mail import Rejection
    from tandem.domain.messages import Attachment, Message
    from tandem.domain.notifications import Changes, Notification
    from tandem.domain.people import Organization, Team, User  # noqa: F401  # Team: a string subscript below
    from tandem.domain.roles import RoleDef
    from tandem.domain.rules import Macro, Rule  # noqa: F401  # Rule: a string subscript below
    from tandem.domain.tenants import Tenant
    from tandem.domain.views import SavedView

T = TypeVar("T")
Position = dict[str, Any] | None


@dataclass
class Page(Generic[T]):
    items: list[T]
    after: Position = None


@dataclass(frozen=True)
class ItemQuery:
    """Filters of an item list. Exactly one Query serves a page: the store picks the key from
    project → requester → organisation → all items and applies the other filters to that Query, so a
    page may hold fewer than `limit` items and still carry a position to continue from."""

    tenant_id: str
    kind: str | None = None
    project_id: str | None = None
    requester_id: str | None = None
    organization_id: str | None = None
    status: str | None = None
    assignee: str | None = None
    type_id: str | None = None
    folder_id: str | None = None  # a sub-folder of a project (issue 15): a filter on the project's key
    # Orders and queues (issue 12): `sort` is one of domain.queues.SORTS; `assignee` is a principal ref
    # ("user:<id>"); `unassigned` keeps items nobody is assigned to; `status_categories` any of these categories.
    sort: str = "-updated_at"
    unassigned: bool = False
    status_categories: tuple[str, ...] = ()
    q: str | None = None  # search words: the list then comes from the search index (services/search.py)
    limit: int = 50
    after: Position = None

    def matches(self, i: Item) -> bool:
        """Whether an item belongs to this list (what a store's keys and filters select, as one predicate): the
        in-memory store and search results use it, the DynamoDB store turns it into keys and a FilterExpression."""
        checks = (
            i.tenant_id == self.tenant_id,
            self.kind is None or i.kind == self.kind,
            self.project_id is None or i.project_id == self.project_id,
            self.requester_id is None or i.requester_id == self.requester_id,
            self.organization_id is None or i.organization_id == self.organization_id,
            self.status is None or i.status == self.status,
            self.assignee is None or self.assignee in i.assignees,
            self.type_id is None or i.type_id == self.type_id,
            self.folder_id is None or i.folder_id == self.folder_id,
            not self.unassigned or not i.assignees,
            not self.status_categories or i.status_category in self.status_categories,
        )
        return all(checks)


@dataclass(frozen=True)
class IdempotencyClaim:
    """An Idempotency-Key claimed in the same write as the create it protects."""

    scope: str
    key: str
    fingerprint: str
    # An import's row marker (services/imports.py) is kept for good, so a re-run months later still skips the row,
    # and a repeat raises DuplicateRequest to the caller (who counts it skipped) instead of returning the first result.
    lasting: bool = False
    replay: bool = True


class DuplicateRequest(Exception):
    """A create repeated with an Idempotency-Key already used; carries what the first one made."""

    def __init__(self, result_ref: str, fingerprint: str, message_id: str | None = None) -> None:
        super().__init__(result_ref)
        self.result_ref = result_ref
        self.fingerprint = fingerprint
        self.message_id = message_id  # the message the first request added, when it added one


class AlreadyDone(Exception):
    """A change carrying a done-marker that exists: an earlier delivery of the same stream event made it, so
    nothing was written now."""

    def __init__(self, key: str) -> None:
        super().__init__(f"change {key!r} was made before")
        self.key = key


@dataclass(frozen=True)
class Premise:
    """A fact a write was decided on, checked again inside that write (DynamoDB: a ConditionCheck in the same
    transaction), so a warm Lambda may decide from what it remembers and never write on a stale fact.

    `kind` "type" | "user" | "org": that record of the tenant is still at `version`; "email" | "domain" |
    "address": nobody holds that unique value (`key`; addresses are global, their `tenant_id` is ignored);
    "thread": no item is threaded under that Message-ID (`key`)."""

    kind: str
    tenant_id: str
    key: str
    version: int = 0


class StalePremise(Exception):
    """A write's premises no longer hold: nothing was written; the store forgot what they rested on, so the caller
    decides again from fresh reads."""

    def __init__(self, premises: tuple[Premise, ...]) -> None:
        super().__init__(", ".join(f"{p.kind}:{p.key}" for p in premises))
        self.premises = premises


class ImportLedger(Protocol):
    """What CSV imports made: one marker per tenant + scope (`import:<kind>`) + row key, written in the same
    transaction as the row's create (items through `ItemRepo.create`'s claim, people through `add_person`)."""

    def made(self, tenant_id: str, scope: str, keys: list[str]) -> dict[str, str]:
        """Of `keys`, those already made, each with what it made (an item ref, a user id): one batch read per 100."""
        ...

    def add_person(self, user: User, claim: IdempotencyClaim) -> User:
        """Store a new user with the claim's marker, atomically. DuplicateRequest when the marker exists (a run
        made this row before), Conflict when the tenant already has the email."""
        ...


class TransientError(Exception):
    """A store or provider failed in a way that may pass on its own: throttling, a 5xx, a timeout, a lost
    connection, a transaction conflict. Adapters raise it (from the original error) instead of their library's
    exception; use cases that must never lose work (mail ingest) let it propagate so the caller retries, and
    turn every other error into a recorded failure."""


class EntityRepo(Protocol[T]):
    """Tenant configuration records (teams, organisations, portfolios, projects, item types)."""

    def add(self, entity: T) -> T: ...

    def get(self, tenant_id: str, entity_id: str) -> T | None: ...

    def save(self, entity: T) -> T:
        """Optimistic update: `entity.version` must be the stored one; returns it with version + 1."""
        ...

    def list(self, tenant_id: str, *, limit: int = 50, after: Position = None) -> Page[T]: ...

    def delete(self, entity: T) -> None:
        """Remove the entity and release its unique values; Conflict when `entity.version` is not the stored one."""
        ...


class RuleRepo(EntityRepo["Rule"], Protocol):
    def record_outcome(self, tenant_id: str, rule_id: str, *, error: str | None, at: str) -> None:
        """Mark the rule failing with `error` (keeping the first `failing_since`), or clear the mark (None).

        Bookkeeping of the rules engine, not an edit: the version stays, so an admin's If-Match still holds.
        A rule deleted meanwhile is left alone."""
        ...


class TeamRepo(EntityRepo["Team"], Protocol): ...


class FolderRepo(EntityRepo["Folder"], Protocol):
    """Sub-folders of projects (issue 15): read and changed by id like other configuration, listed per project."""

    def list_in_project(
        self, tenant_id: str, project_id: str, *, limit: int = 50, after: Position = None
    ) -> Page[Folder]:
        """The project's folders, oldest first."""
        ...


class JoinRequestRepo(Protocol):
    """Requests to join a project (issue 15; ACCESS_PATTERNS.md, "Projects: join requests, folders")."""

    def add(self, request: JoinRequest) -> tuple[JoinRequest, bool]:
        """Store a new pending request (version 1) with the asker's pending mark, in one write; when the asker has a
        pending request for the project already (a repeat, or a concurrent ask), that one and False, writing
        nothing."""
        ...

    def get(self, tenant_id: str, project_id: str, request_id: str) -> JoinRequest | None: ...

    def list(
        self, tenant_id: str, project_id: str, *, state: str | None = None, user_id: str | None = None,
        limit: int = 50, after: Position = None,
    ) -> Page[JoinRequest]:
        """A project's requests, oldest first; `state` and `user_id` filter the same read (a page may be short)."""
        ...

    def decide(self, request: JoinRequest, project: Project | None = None) -> JoinRequest:
        """Store the decided `request` (its `version` the one read) and, when given, the changed `project` (its
        `version` the one read: the new member added) in one atomic write, and lift the asker's pending mark.
        Conflict when either changed since read (another decision, another edit of the project)."""
        ...


class OrganizationRepo(EntityRepo["Organization"], Protocol):
    def by_domain(self, tenant_id: str, domain: str) -> Organization | None: ...

    def recall_by_domain(self, tenant_id: str, domain: str) -> tuple[bool, Organization | None]:
        """What this process remembers of the domain's organisation, without a read: (known?, organisation).
        Only for decisions whose write re-checks it (a Premise)."""
        ...


class PortfolioRepo(EntityRepo["Portfolio"], Protocol): ...


class ProjectRepo(EntityRepo["Project"], Protocol):
    def list_in_portfolio(
        self, tenant_id: str, portfolio_id: str, *, limit: int = 50, after: Position = None
    ) -> Page[Project]: ...


class ItemTypeRepo(EntityRepo["ItemType"], Protocol):
    def by_address(self, address: str) -> ItemType | None:
        """Inbound addresses are global: mail routing finds the tenant through them."""
        ...

    def warm(self, tenant_id: str, type_id: str) -> ItemType | None:
        """The item type as this process remembers it (read once when it does not): only for decisions whose
        write re-checks its version (a Premise)."""
        ...


class UserRepo(Protocol):
    def add(self, user: User) -> User:
        """Conflict when the tenant already has the email."""
        ...

    def get(self, tenant_id: str, user_id: str) -> User | None: ...

    def by_email(self, tenant_id: str, email: str) -> User | None: ...

    def warm(self, tenant_id: str, user_id: str) -> User | None:
        """The user as this process remembers them (read once when it does not): only for decisions whose write
        re-checks the version (a Premise)."""
        ...

    def recall_by_email(self, tenant_id: str, email: str) -> tuple[bool, User | None]:
        """What this process remembers of the email's owner, without a read: (known?, user). Only for decisions
        whose write re-checks it (a Premise, or a new user whose email claim must be free)."""
        ...

    def save(self, user: User, *, previous_email: str | None = None) -> User: ...

    def list(self, tenant_id: str, *, staff: bool, limit: int = 50, after: Position = None) -> Page[User]: ...

    def list_in_organization(
        self, tenant_id: str, organization_id: str, *, limit: int = 50, after: Position = None
    ) -> Page[User]: ...

    def get_many(self, tenant_id: str, user_ids: list[str]) -> list[User]:
        """The tenant's users among `user_ids` (at most 100, one BatchGetItem); unknown ids are left out."""
        ...

    def by_emails(self, tenant_id: str, emails: list[str]) -> dict[str, User]:
        """The tenant's people with these (normalised) emails, by email; unknown ones left out. Batch reads: one
        BatchGetItem per 100 emails, then one per 100 people found (an import batch's requesters at once)."""
    def any_with_role(self, tenant_id: str, role_id: str) -> bool:
        """Whether any staff user of the tenant holds the role (one Query, Limit 1)."""
        ...


class TenantRepo(Protocol):
    def bootstrap(
        self, tenant: Tenant, owner: User, types: list[ItemType], portfolio: Portfolio, projects: list[Project]
    ) -> None:
        """Create a tenant ready to use in one atomic write; Conflict when the slug or an address is taken."""
        ...

    def get(self, tenant_id: str) -> Tenant | None: ...

    def by_slug(self, slug: str) -> Tenant | None: ...

    def save(self, tenant: Tenant) -> Tenant: ...

    def list_all(self, *, limit: int = 50, after: Position = None) -> Page[Tenant]:
        """Every tenant by slug (operators' `tandem tenant list`)."""
        ...


class ItemRepo(Protocol):
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
        """Number the item from the tenant's counter for its kind and store it with its first activity,
        all in one transaction. Raises DuplicateRequest when the claim was already used.

        Mail ingest adds the first `message` (its `item_id`/`item_ref` are filled in here) and the
        Message-IDs that thread into the item, in the same transaction. `new_people` (a new requester) are
        added in it too, and `premises` re-checked in it: StalePremise when one fails or a new person's email
        is taken meanwhile (then nothing is written)."""
        ...

    def get(self, tenant_id: str, ref: str) -> Item | None:
        """The item under `ref`, following a reference retired by conversion to the current one."""
        ...

    def many(self, tenant_id: str, refs: list[str]) -> list[Item]:
        """The items under these references in one batch read (retired references followed to the current one),
        missing ones left out, each item once, in no particular order."""
        ...


    def save(
        self, item: Item, activity: Activity, *, more: tuple[Activity, ...] = (), done: str | None = None
    ) -> Item:
        """Optimistic update with its activity entry (and `more` entries), all in one write; Conflict when
        `item.version` is stale. `done` names a done-marker written in the same transaction (kept for days, longer
        than a stream keeps a record): AlreadyDone, nothing written, when it exists, so a redelivered stream event
        cannot make its change twice."""
        ...

    def save_many(self, saves: list[tuple[Item, tuple[Activity, ...], str]]) -> list[Exception | None]:
        """`save(item, entries[0], more=entries[1:], done=done)` of several items in as few writes as fit (one
        save per item: several of one item are a Conflict after the first); each answer None (saved),
        AlreadyDone, Conflict or that save's error, the others saved whatever one of them answers."""
        ...

    def done(self, tenant_id: str, keys: list[str]) -> set[str]:
        """Which of these done-markers (see `save`) exist: one batch read for a whole stream batch."""
        ...

    def convert(self, old: Item, new: Item, activity: Activity) -> Item:
        """Store `new` under a fresh reference of its kind and leave `old.ref` resolving to it forever.
        The version carries on (old version + 1), so a stale If-Match cannot overwrite the converted item."""
        ...

    def query(self, q: ItemQuery) -> Page[Item]: ...

    def reindex(self, item: Item) -> bool:
        """Write the index keys today's code gives `item` (orders, queues, last activity) beside its stored record,
        leaving its content and version as they are; False when the item changed or went away meanwhile.
        For records written before those keys existed (see `services/queues.py::reindex_tenant`)."""
        ...


class ConversationRepo(Protocol):
    def add_message(
        self,
        item: Item,
        message: Message,
        activity: Activity,
        *,
        claim: IdempotencyClaim | None = None,
        thread_ids: tuple[str, ...] = (),
    ) -> Message:
        """Store the message, its activity and the Message-IDs that thread to the item in one transaction;
        attachments named by the message are marked with its id and visibility. DuplicateRequest when
        the claim was already used (its result_ref is the item's reference)."""
        ...

    def message(self, tenant_id: str, item_id: str, message_id: str) -> Message | None:
        """One message of an item (what a repeated request with the same Idempotency-Key answers)."""
        ...

    def thread_of(self, tenant_id: str, message_ids: list[str]) -> str | None:
        """The reference of the item one of these Message-IDs belongs to (first match in the given order).
        It may be a reference retired by conversion since: `ItemRepo.get` follows it to the current one."""
        ...

    def add_thread_ids(self, tenant_id: str, item: Item, message_ids: list[str]) -> None:
        """Remember Message-IDs we sent about an item so replies to them thread back."""
        ...

    def messages(
        self, tenant_id: str, item_id: str, *, public_only: bool, limit: int = 50, after: Position = None
    ) -> Page[Message]: ...

    def activity(self, tenant_id: str, item_id: str, *, limit: int = 50, after: Position = None) -> Page[Activity]: ...

    def add_attachment(self, tenant_id: str, item_id: str, attachment: Attachment) -> Attachment: ...

    def attachment(self, tenant_id: str, item_id: str, attachment_id: str) -> Attachment | None: ...

    def remove_attachment(self, item: Item, attachment: Attachment, activity: Activity) -> None:
        """Store the attachment as removed (`attachment.deleted_at` set), also in the message that carries it,
        with the activity entry, in one transaction. The blob stays: removal hides, it does not destroy."""
        ...

    def add_activity(self, activity: Activity) -> None:
        """An activity entry that comes with no change of the item (a rule that failed on it)."""
        ...


@dataclass(frozen=True)
class Posting:
    """One word of one source of one document, as the search index keeps it (see domain/search_text.py)."""

    word: str
    doc_kind: str  # "item", "customer" or "article"
    doc_id: str
    source: str  # "f" item fields / customer name+email, "r" requester, "o" organisation, "m…"/"p…" a message
    target: str = ""  # an item's reference when written (a retired one still resolves); empty for customers


class SearchIndex(Protocol):
    """The inverted index in the table (postings) and the batch reads that turn postings into results."""

    def write(self, tenant_id: str, put: list[Posting], delete: list[Posting]) -> None:
        """Put and delete postings in batches; both are idempotent, so a redelivered change writes the same."""
        ...

    def lookup(self, tenant_id: str, doc_kind: str, word: str, *, exact: bool = False, limit: int) -> list[Posting]:
        """Postings of `doc_kind` whose word starts with `word` (is `word` when `exact`); `word` has at least two
        characters. Shorter words come first, newest documents first within a word; at most `limit`."""
        ...

    def items(self, tenant_id: str, refs: list[str]) -> list[Item]:
        """The items under these references (retired ones followed to the current reference), missing ones left
        out, each once."""
        ...

    def messages(self, tenant_id: str, keys: list[tuple[str, str]]) -> list[Message]:
        """Messages by (item id, message id)."""
        ...

    def people(self, tenant_id: str, user_ids: list[str]) -> list[User]: ...


@dataclass(frozen=True)
class ArticleQuery:
    """A page of a tenant's articles, newest change first; `state` and `category_id` narrow it (one Query)."""

    tenant_id: str
    category_id: str | None = None
    state: str | None = None  # "draft" | "published"
    limit: int = 50
    after: Position = None


class ArticleRepo(Protocol):
    """Knowledge base articles (issue 14), with their "was this helpful" counters kept beside each one."""

    def add(self, article: Article) -> Article: ...

    def get(self, tenant_id: str, article_id: str) -> Article | None: ...

    def save(self, article: Article) -> Article:
        """Optimistic update on `version`; the helpful counters are left as they are (not part of the write)."""
        ...

    def delete(self, article: Article) -> None:
        """Conflict when `article.version` is not the stored one."""
        ...

    def list(self, q: ArticleQuery) -> Page[Article]:
        """One Query: the tenant's articles (of `state`, of `category_id`), most recently changed first."""
        ...

    def many(self, tenant_id: str, article_ids: list[str]) -> list[Article]:
        """Articles by id in one batch read (search candidates); missing ones left out."""
        ...

    def in_category(self, tenant_id: str, category_id: str) -> bool:
        """Whether any article (draft or published) is filed in the category."""
        ...

    def add_feedback(self, tenant_id: str, article_id: str, visitor: str, helpful: bool) -> bool:
        """Count one answer of `visitor` (an opaque key) to "was this helpful?" on the article, exactly once: True
        when counted now, False when that visitor had answered before (a retry too) or the article is gone."""
        ...


class MailLog(Protocol):
    """Mail bookkeeping: rejections (never lose mail), one-time send claims, rate counters."""

    def reject(self, rejection: Rejection, premises: tuple[Premise, ...] = ()) -> None:
        """Keep the rejection; with `premises`, only if they hold in the same write (else StalePremise)."""
        ...

    def rejections(
        self, tenant_id: str | None, *, limit: int = 50, after: Position = None, since: str | None = None
    ) -> Page[Rejection]:
        """The tenant's rejections (None: mail no tenant matched), oldest first, from `since` (ISO time) on."""
        ...

    def claim(self, tenant_id: str, key: str, ttl_seconds: int) -> bool:
        """True the first time `key` is claimed (within its lifetime), False on any repeat."""
        ...

    def release(self, tenant_id: str, key: str) -> None: ...

    def bump(self, tenant_id: str, key: str, window: str, ttl_seconds: int) -> int:
        """Count one more event for `key` in the time `window` (e.g. an hour's stamp); returns the new count."""
        ...

    def count_once(self, tenant_id: str, key: str, window: str, ttl_seconds: int, change_id: str, limit: int) -> bool:
        """Count `change_id` once for `key` in `window` unless the count has reached `limit`, in one write with the
        change's done-marker. True when counted, now or by an earlier attempt (a repeat counts nothing); False,
        writing nothing, when the limit was reached. The done-marker is one `ItemRepo.done` finds (a stream batch
        reads them all up front)."""
        ...


class Counters(Protocol):
    """Fixed-window counters for throttles: one record per key and window, kept until its TTL."""

    def add(self, key: str, window: str, amount: int, ttl_seconds: int) -> int:
        """Atomically add `amount` (negative to give one back) to `key`'s count in `window`; the new count."""
        ...


class QueueCounters(Protocol):
    """The queue counters of a tenant (domain/queues.py names them: "tenant", "project:<id>", "assignee:<ref>"),
    each a record of named integer fields."""

    def apply(self, tenant_id: str, change_id: str, deltas: dict[str, dict[str, int]]) -> bool:
        """Add `deltas` ({counter: {field: amount}}) exactly once per `change_id` (a stream event's id), all in one
        atomic write with a marker of the change; False, changing nothing, when the change was applied before."""
        ...

    def apply_many(self, tenant_id: str, changes: list[tuple[str, dict[str, dict[str, int]]]]) -> dict[str, Exception]:
        """`apply` for many changes in as few atomic writes as fit (each change still counted exactly once: a change
        applied before adds nothing, the others still count); answers the changes that failed, with their error
        (none of their deltas was added)."""
        ...

    def read(self, tenant_id: str, counters: list[str]) -> dict[str, dict[str, int]]:
        """The fields of these counters in one read (a counter never written is absent)."""
        ...

    def replace(self, tenant_id: str, counters: dict[str, dict[str, int]]) -> None:
        """Overwrite these counters with these fields (a recount; not atomic across counters)."""
        ...


class ApiKeyRepo(Protocol):
    """API keys: a record per key (listing, revoking by id) and a lookup record under the key's hash, so
    authenticating a request is one read by the credential itself."""

    def add(self, key: ApiKey) -> ApiKey:
        """Store a new key (version 1) with its lookup record; Conflict if the id or the hash exists."""
        ...

    def get(self, tenant_id: str, key_id: str) -> ApiKey | None: ...

    def by_hash(self, tenant_id: str, secret_hash: str) -> ApiKey | None:
        """The key whose secret hashes to `secret_hash` (one strongly consistent read)."""
        ...

    def list(self, tenant_id: str, *, limit: int = 50, after: Position = None) -> Page[ApiKey]: ...

    def replace_secret(self, key: ApiKey, secret_hash: str, prefix: str, at: str) -> ApiKey:
        """Rotate: the old hash stops finding the key and the new one does, in one write; Conflict when
        `key.version` is not the stored one (a concurrent rotation or revocation)."""
        ...

    def delete(self, key: ApiKey) -> None:
        """Revoke: the key and its lookup record go in one write."""
        ...

    def touch(self, key: ApiKey, at: str) -> None:
        """Record `at` as the key's last use (bookkeeping: the version stays)."""
        ...


class Revocations(Protocol):
    """Access tokens ended before their expiry (logout), remembered until they would have expired anyway."""

    def revoke(self, tenant_id: str, token_id: str, ttl_seconds: int) -> None: ...

    def is_revoked(self, tenant_id: str, token_id: str) -> bool: ...


class NotificationRepo(Protocol):
    """In-app notifications per user (newest first, kept 90 days), the user's unread count and the tenant's change
    count. The counts change in the same write as what they count, so they stay exact under redelivery."""

    def add(self, note: Notification) -> bool:
        """Store an unread notification and count it; False (nothing written) when its id is stored already."""
        ...

    def list(
        self, tenant_id: str, user_id: str, *, unread_only: bool = False, limit: int = 50, after: Position = None
    ) -> Page[Notification]:
        """The user's notifications, newest first (with `unread_only`, a page may hold fewer than `limit`)."""
        ...

    def mark_read(self, tenant_id: str, user_id: str, ids: list[str]) -> int:
        """Mark these notifications of the user read (unknown or read ones are skipped); the unread count after."""
        ...

    def mark_all_read(self, tenant_id: str, user_id: str) -> int:
        """Mark every notification of the user read; the unread count after."""
        ...

    def touch(self, tenant_id: str) -> None:
        """Count one more change of the tenant's items or messages (moves every workspace's stamp)."""
        ...

    def changes(self, tenant_id: str, user_id: str) -> Changes:
        """The tenant's change count with the user's notification state, in one read."""
        ...

    def changes_and_session(self, tenant_id: str, user_id: str, token_id: str) -> tuple[Changes, SessionRecords]:
        """`changes`, with what checking the caller's session needs (services/sessions.py) in the same read: a
        workspace polls every few seconds, and its session check would otherwise cost two reads of its own."""
        ...


@dataclass(frozen=True)
class SessionRecords:
    """The records a session check reads: the user, and whether the token is on the revocation list."""

    user: User | None
    revoked: bool


@dataclass
class Timer:
    """Something to do at `due_at` (an SLA warning, an idle check, a webhook retry), fired once."""

    tenant_id: str
    key: str  # unique per tenant: scheduling the same key again moves the timer
    due_at: str
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)


class TimerRepo(Protocol):
    def schedule(self, timer: Timer) -> None: ...

    def cancel(self, tenant_id: str, key: str) -> None: ...

    def due(self, now: str, *, since: str, limit: int = 100) -> list[Timer]:
        """Timers due between `since` and `now`, found through time buckets (never a scan)."""
        ...

    def take(self, timer: Timer) -> bool:
        """Remove the timer if it is still the one scheduled; True for exactly one caller."""
        ...


@dataclass
class SheetQuery:
    """Which timesheets to list: one key (user → project → organisation → the tenant, the first given) with the
    date range on it; the other ids given filter that Query. `oldest_first` reads the date range forwards."""

    tenant_id: str
    user_id: str | None = None
    project_id: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    limit: int = 50
    after: Position = None
    portfolio_id: str | None = None
    organization_id: str | None = None
    oldest_first: bool = False


class TimeRepo(Protocol):
    """Timers (per user) and timesheets (per tenant, listed by user, project or date). See ACCESS_PATTERNS.md."""

    def add_timer(self, timer: Any) -> Any: ...

    def get_timer(self, tenant_id: str, user_id: str, timer_id: str) -> Any | None: ...

    def timers_of(self, tenant_id: str, user_id: str) -> list[Any]:
        """The user's paused and running timers (stopped ones are deleted)."""
        ...

    def save_timer(self, timer: Any) -> Any:
        """Store a changed timer if its version is still the one read (Conflict otherwise); a stopped timer is
        removed."""
        ...

    def timers_and_guard(self, tenant_id: str, user_id: str) -> tuple[list[Any], int]:
        """The user's timers and the version of their run guard, read together (one consistent Query): what
        `run_timer` is conditional on."""
        ...

    def run_timer(self, timer: Any, paused: list[Any], guard: int) -> Any:
        """Make `timer` the user's running one in one atomic write: added (version 0) or saved on its version, with
        `paused` (their running ones, paused) saved on theirs, and the run guard moved from `guard` on. Conflict
        when any of them changed since read — another start or resume of the same person won the race — so two
        concurrent starts never leave two running timers. Returns `timer` as stored."""
        ...

    def add_sheet(self, sheet: Any) -> Any: ...

    def get_sheet(self, tenant_id: str, sheet_id: str) -> Any | None: ...

    def save_sheet(self, sheet: Any) -> Any: ...

    def delete_sheet(self, sheet: Any) -> None: ...

    def sheets(self, q: SheetQuery) -> Page[Any]:
        """Newest date first, on the most selective key of `q`."""
        ...


class TimeCells(Protocol):
    """The time aggregates (domain/time_cells.py names the cells; ACCESS_PATTERNS.md, "Time reports")."""

    def apply(self, tenant_id: str, change_id: str, deltas: dict[Any, dict[str, int]]) -> bool:
        """Add `deltas` ({CellKey: {field: amount}}) exactly once per `change_id` (a stream event's id): a marker
        of the change and the additions in one atomic write; False, changing nothing, when applied before."""
        ...

    def cells(self, tenant_id: str, read: Any) -> list[tuple[str, dict[str, int]]]:
        """(sort key, fields) of the cells a CellRead names, in sort order, every page."""
        ...

    def cell(self, tenant_id: str, key: Any) -> dict[str, int] | None:
        """The fields of one cell (None when never written)."""
        ...


class SideEffectInProgress(Exception):
    """Another attempt of the same side effect is running (its invocation has not timed out yet): fail this
    delivery so the event comes back later, by when that attempt has completed or expired."""

    def __init__(self, key: str) -> None:
        super().__init__(f"side effect {key!r} is in progress elsewhere")
        self.key = key


class Once(Protocol):
    """Side effects exactly once under redelivery, timeouts and crashes (mail, rule actions, webhook jobs, timers).

    `run` records `key` IN_PROGRESS until the current invocation's deadline, calls `fn`, then records it COMPLETED
    (kept for days). Answers True when `fn` ran now and False when an earlier attempt completed it (nothing
    runs). While an earlier attempt may still be running it raises SideEffectInProgress; once that attempt's
    deadline has passed (its Lambda timed out or died) `fn` runs again. When `fn` raises, the record is removed
    and the exception propagates, so the redelivery tries again. Put the step that cannot be undone (the mail,
    the HTTP call) last inside `fn`: everything before it must be safe to repeat."""

    def run(self, tenant_id: str, key: str, fn: Callable[[], object]) -> bool: ...

    def remember(self, tenant_id: str, key: str, fn: Callable[[], Any]) -> Any:
        """`run`, answering what `fn` returned (JSON-serialisable), now or on the attempt that completed it: for a
        step whose outcome the caller needs even when a repeat must not do it again (a webhook's HTTP status)."""
        ...


class DeliveryRepo(Protocol):
    """Webhook deliveries: one record per payload and hook, its attempts inside."""

    def add(self, delivery: Delivery) -> bool:
        """Store a new delivery; False (nothing written) when its id exists (a redelivered stream batch)."""
        ...

    def get(self, tenant_id: str, delivery_id: str) -> Delivery | None: ...

    def save(self, delivery: Delivery) -> None: ...

    def list_for_hook(
        self, tenant_id: str, hook_id: str, *, limit: int = 50, after: Position = None
    ) -> Page[Delivery]:
        """A hook's deliveries, newest first."""
        ...


class WebhookSender(Protocol):
    """Outbound HTTP for webhooks (webhooks/sender.py): SSRF-checked, bounded, never raising on network errors."""

    def check(self, url: str) -> None:
        """ValidationError (field `target_url`) for a target that may not be called."""
        ...

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Any:
        """A `SendResult` (status: int | None, ms, error, body)."""
        ...


class IdempotencyStore(Protocol):
    """Remembered responses of non-item creates (items claim their key inside their own write)."""

    def get(self, tenant_id: str, key: str) -> dict[str, Any] | None: ...

    def put(self, tenant_id: str, key: str, response: dict[str, Any]) -> None: ...


class ChatRepo(Protocol):
    """Live chats and the open sockets of both sides (issue 14; ACCESS_PATTERNS.md, "Live chat")."""

    def add(self, chat: Chat) -> tuple[Chat, bool]:
        """Store a new chat (version 1); when its id is stored already (a start sent again), the stored one and
        False, writing nothing."""
        ...

    def get(self, tenant_id: str, chat_id: str) -> Chat | None: ...

    def save(self, chat: Chat) -> Chat:
        """Store a changed chat if its version is still the one read (Conflict otherwise: another agent or the
        timers came first); returns it with version + 1."""
        ...

    def touch(self, tenant_id: str, chat_id: str, at: str) -> None:
        """Move the chat's `last_message_at` forward to `at` (never back), without a new version: messages of
        both sides must not fight over the chat's version."""
        ...

    def list(self, tenant_id: str, state: str, *, limit: int = 50, after: Position = None) -> Page[Chat]:
        """The tenant's chats in one state: waiting and active ones oldest first, ended ones newest first."""
        ...

    def connect(self, conn: Connection) -> None: ...

    def connection(self, connection_id: str) -> Connection | None:
        """The socket behind an id (API Gateway names nothing else in a message or disconnect event)."""
        ...

    def disconnect(self, connection_id: str) -> None:
        """Forget the socket (idempotent)."""
        ...

    def agent_connections(self, tenant_id: str, now_epoch: int) -> list[Connection]:
        """The open sockets of the tenant's agents (expired records left out)."""
        ...

    def visitor_connections(self, tenant_id: str, visitor_key: str, now_epoch: int) -> list[Connection]:
        """The open sockets of one visitor (every tab, every reconnect)."""
        ...


class SocketPush(Protocol):
    """Frames to open sockets: API Gateway's management API (`post_to_connection`) or the local stack's."""

    def send(self, connection_id: str, data: bytes) -> bool:
        """Deliver one frame; False when the connection is gone (the caller forgets it)."""
        ...


class NoSockets:
    """The push of a process without sockets (unit tests that do not look at frames): every connection is gone."""

    def send(self, connection_id: str, data: bytes) -> bool:
        return False


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, stored: str, password: str) -> bool: ...


class TokenSigner(Protocol):
    def issue(self, claims: dict[str, Any], ttl_seconds: int) -> str: ...

    def verify(self, token: str) -> dict[str, Any] | None:
        """The claims of a valid, unexpired token; None otherwise."""
        ...


class BlobStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def upload_url(self, key: str, content_type: str, max_bytes: int) -> dict[str, Any]: ...

    def download_url(self, key: str, filename: str) -> str: ...


@dataclass
class OutboundMail:
    to: list[str]
    subject: str
    text: str
    html: str | None = None
    reply_to: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    from_name: str | None = None


class Mailer(Protocol):
    def send(self, tenant: Tenant, mail: OutboundMail) -> str:
        """Send through the tenant's domain; returns the provider's message id."""
        ...


Clock = Callable[[], str]
IdFactory = Callable[[], str]


@dataclass
class Repos:
    """Everything a use case may touch, handed over by the composition root."""

    tenants: TenantRepo
    users: UserRepo
    teams: TeamRepo
    organizations: OrganizationRepo
    portfolios: PortfolioRepo
    projects: ProjectRepo
    item_types: ItemTypeRepo
    items: ItemRepo
    conversations: ConversationRepo
    idempotency: IdempotencyStore
    # Every backend sets these; the defaults keep older call sites working.
    mail: MailLog = None  # type: ignore[assignment]
    rules: RuleRepo = None  # type: ignore[assignment]
    macros: EntityRepo[Macro] = None  # type: ignore[assignment]
    sla_policies: EntityRepo[Any] = None  # type: ignore[assignment]
    timers: TimerRepo = None  # type: ignore[assignment]
    counters: Counters = None  # type: ignore[assignment]
    revocations: Revocations = None  # type: ignore[assignment]
    hooks: EntityRepo[Hook] = None  # type: ignore[assignment]
    deliveries: DeliveryRepo = None  # type: ignore[assignment]
    api_keys: ApiKeyRepo = None  # type: ignore[assignment]
    inbound_webhooks: EntityRepo[InboundWebhook] = None  # type: ignore[assignment]
    notifications: NotificationRepo = None  # type: ignore[assignment]
    queue_counts: QueueCounters = None  # type: ignore[assignment]
    search: SearchIndex = None  # type: ignore[assignment]
    views: EntityRepo[SavedView] = None  # type: ignore[assignment]  # saved views (issue 13)
    time: TimeRepo = None  # type: ignore[assignment]
    time_cells: TimeCells = None  # type: ignore[assignment]  # the stream-kept time aggregates (issue 13)
    kb_categories: EntityRepo[Category] = None  # type: ignore[assignment]  # knowledge base (issue 14)
    articles: ArticleRepo = None  # type: ignore[assignment]
    chats: ChatRepo = None  # type: ignore[assignment]  # live chats and their sockets (issue 14)
    roles: EntityRepo[RoleDef] = None  # type: ignore[assignment]  # custom roles (issue 15; built-ins in code)
    join_requests: JoinRequestRepo = None  # type: ignore[assignment]  # asking to join a project (issue 15)
    folders: FolderRepo = None  # type: ignore[assignment]  # sub-folders of projects (issue 15)
    imports: ImportLedger = None  # type: ignore[assignment]  # CSV imports' row markers (issue 15)
