"""Keeping the search index in step with the table (the stream handler runs it for every change).

Each source of a document is indexed on its own, so a change rewrites only the source it touches: an item edit
diffs the words of its fields (title, references, description), a new requester swaps the requester's words, a
message adds its own, a customer edit diffs their name and email (and, for a rename, their items' requester
words), an article edit diffs its title and text. Puts and deletes of postings are idempotent, so a redelivered
change writes the same and leaves the same index. See ACCESS_PATTERNS.md ("Search") for keys and costs.
"""

from __future__ import annotations

from dataclasses import replace

from tandem.domain.events import (
    ArticleChanged,
    CustomerChanged,
    Event,
    ItemChanged,
    ItemCreated,
    ItemStored,
    MessageAdded,
)
from tandem.domain.items import Item
from tandem.domain.kb import Article
from tandem.domain.messages import Message, Visibility
from tandem.domain.people import Role, User
from tandem.domain.search_text import (
    ARTICLE,
    CUSTOMER,
    FIELDS,
    ITEM,
    ORGANIZATION,
    REQUESTER,
    article_words,
    index_words,
    item_words,
    message_source,
    person_words,
)
from tandem.services.deps import Deps
from tandem.services.ports import ArticleQuery, ItemQuery, Posting
from tandem.services.render_markdown import plain_text

# A customer's rename rewrites the requester words of at most this many of their items (newest first).
RENAMED_ITEMS = 1_000


def index_change(deps: Deps, event: Event) -> int:
    """Bring the index in step with one change; answers how many postings were put or deleted."""
    if deps.repos.search is None:
        return 0
    if isinstance(event, ItemCreated):
        return _item(deps, None, event.item)
    if isinstance(event, ItemChanged):
        return _item(deps, event.old, event.new)
    if isinstance(event, ItemStored) and event.new is not None:  # a conversion: the item under its new reference
        return _converted(deps, event.new)
    if isinstance(event, MessageAdded):
        return _message(deps, event.message)
    if isinstance(event, CustomerChanged):
        return _customer(deps, event.old, event.new)
    if isinstance(event, ArticleChanged):
        return _article(deps, event.old, event.new)
    return 0


class _Batch:
    """The postings one change puts and deletes, written in one go."""

    def __init__(self) -> None:
        self.put: list[Posting] = []
        self.delete: list[Posting] = []

    def diff(self, old: list[str], new: list[str], kind: str, doc_id: str, source: str, target: str = "") -> None:
        """Put the words `new` adds, delete the ones it drops (nothing when both are the same)."""
        before, after = set(old), set(new)
        self.put += [Posting(w, kind, doc_id, source, target) for w in new if w not in before]
        self.delete += [Posting(w, kind, doc_id, source, target) for w in old if w not in after]

    def all(self, words: list[str], kind: str, doc_id: str, source: str, target: str = "") -> None:
        self.put += [Posting(w, kind, doc_id, source, target) for w in words]

    def write(self, deps: Deps, tenant_id: str) -> int:
        if self.put or self.delete:
            deps.repos.search.write(tenant_id, self.put, self.delete)
        return len(self.put) + len(self.delete)


def _fields(item: Item | None) -> list[str]:
    return item_words(item.title, item.ref, item.former_refs, item.description) if item is not None else []


def _requester(deps: Deps, item: Item | None) -> list[str]:
    """The requester's name and email (one read; only when the item is new or changes requester)."""
    if item is None or not item.requester_id:
        return []
    user = deps.repos.users.get(item.tenant_id, item.requester_id)
    return person_words(user.name, user.email) if user is not None else []


def _item(deps: Deps, old: Item | None, new: Item) -> int:
    batch = _Batch()
    batch.diff(_fields(old), _fields(new), ITEM, new.id, FIELDS, new.ref)
    if old is None or old.requester_id != new.requester_id:
        batch.diff(_requester(deps, old), _requester(deps, new), ITEM, new.id, REQUESTER, new.ref)
    return batch.write(deps, new.tenant_id)


def _converted(deps: Deps, item: Item) -> int:
    """A new reference: the item's own postings are written again pointing at it (and its words include the old
    references). Message postings keep the reference they were written with, which resolves to this one."""
    batch = _Batch()
    batch.all(_fields(item), ITEM, item.id, FIELDS, item.ref)
    batch.all(_requester(deps, item), ITEM, item.id, REQUESTER, item.ref)
    return batch.write(deps, item.tenant_id)


def _message(deps: Deps, message: Message) -> int:
    batch = _Batch()
    source = message_source(message.id, private=message.visibility is not Visibility.PUBLIC)
    batch.all(index_words(message.body), ITEM, message.item_id, source, message.item_ref)
    return batch.write(deps, message.tenant_id)


def _as_customer(user: User | None) -> User | None:
    return user if user is not None and user.role is Role.CUSTOMER else None


def _organization(deps: Deps, user: User | None) -> list[str]:
    if user is None or not user.organization_id:
        return []
    org = deps.repos.organizations.get(user.tenant_id, user.organization_id)
    return index_words(org.name) if org is not None else []


def _customer(deps: Deps, old: User | None, new: User) -> int:
    """Customer search: name and email, and the organisation's name; staff are not in it (a customer made
    staff leaves it). A customer's new name or email also reaches the items they requested."""
    before, after = _as_customer(old), _as_customer(new)
    batch = _Batch()
    old_words = person_words(before.name, before.email) if before else []
    new_words = person_words(after.name, after.email) if after else []
    batch.diff(old_words, new_words, CUSTOMER, new.id, FIELDS)
    if (before.organization_id if before else None) != (after.organization_id if after else None):
        batch.diff(_organization(deps, before), _organization(deps, after), CUSTOMER, new.id, ORGANIZATION)
    written = batch.write(deps, new.tenant_id)
    if old is not None and (old.name, old.email) != (new.name, new.email):
        written += _requester_renamed(deps, person_words(old.name, old.email), person_words(new.name, new.email), new)
    return written


def _requester_renamed(deps: Deps, old_words: list[str], new_words: list[str], user: User) -> int:
    """The requester words of the person's items, newest first, one page of 100 at a time."""
    written, seen, after = 0, 0, None
    while seen < RENAMED_ITEMS:
        page = deps.repos.items.query(ItemQuery(user.tenant_id, requester_id=user.id, limit=100, after=after))
        batch = _Batch()
        for item in page.items:
            batch.diff(old_words, new_words, ITEM, item.id, REQUESTER, item.ref)
        written += batch.write(deps, user.tenant_id)
        seen += len(page.items)
        after = page.after
        if not after:
            break
    return written


def _article_words(article: Article | None) -> list[str]:
    return article_words(article.title, plain_text(article.body_html)) if article is not None else []


def _article(deps: Deps, old: Article | None, new: Article | None) -> int:
    """An article's words (title, text of its body) whatever its state or visibility: who may find it is decided
    on each search. A deleted article takes its postings with it."""
    doc = new or old
    if doc is None:
        return 0
    batch = _Batch()
    batch.diff(_article_words(old), _article_words(new), ARTICLE, doc.id, FIELDS)
    return batch.write(deps, doc.tenant_id)


def _articles_of(deps: Deps, tenant_id: str) -> int:
    written, after = 0, None
    if deps.repos.articles is None:
        return 0
    while True:
        page = deps.repos.articles.list(ArticleQuery(tenant_id, limit=100, after=after))
        written += sum(_article(deps, None, a) for a in page.items)
        after = page.after
        if not after:
            return written


def reindex(deps: Deps, tenant_id: str) -> int:
    """Write every posting of a tenant from what the table holds (items, their messages, customers, articles): for
    data that predates the index or a change of the words' rules. Only puts, so it is safe to run again or beside
    the stream handler; words no longer in a document are not removed. Answers the postings written."""
    written, after, people = 0, None, _People(deps, tenant_id)
    while True:
        page = deps.repos.items.query(ItemQuery(tenant_id, limit=100, after=after))
        for item in page.items:
            batch = _Batch()
            batch.all(_fields(item), ITEM, item.id, FIELDS, item.ref)
            batch.all(people.words(item.requester_id), ITEM, item.id, REQUESTER, item.ref)
            written += batch.write(deps, tenant_id) + _messages_of(deps, item)
        after = page.after
        if not after:
            break
    while True:
        customers = deps.repos.users.list(tenant_id, staff=False, limit=100, after=after)
        for user in customers.items:
            written += _customer(deps, None, user)
        after = customers.after
        if not after:
            return written + _articles_of(deps, tenant_id)


class _People:
    """Requesters' words, each person read once."""

    def __init__(self, deps: Deps, tenant_id: str) -> None:
        self._deps, self._tenant_id, self._words = deps, tenant_id, {}  # type: ignore[var-annotated]

    def words(self, user_id: str | None) -> list[str]:
        if not user_id:
            return []
        if user_id not in self._words:
            user = self._deps.repos.users.get(self._tenant_id, user_id)
            self._words[user_id] = person_words(user.name, user.email) if user is not None else []
        return self._words[user_id]


def _messages_of(deps: Deps, item: Item) -> int:
    written, after = 0, None
    while True:
        page = deps.repos.conversations.messages(item.tenant_id, item.id, public_only=False, limit=100, after=after)
        written += sum(_message(deps, replace(m, item_ref=item.ref)) for m in page.items)
        after = page.after
        if not after:
            return written
