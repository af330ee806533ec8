"""Search: words → postings (one Query per word) → candidate documents → one batch read → the permission function.

Every query word is a prefix (an item reference is matched whole); a document matches when each word occurs in
one of its sources the caller may read: customers never match on the words of a private note. The work is
bounded whatever the tenant's size: at most CANDIDATES_PER_WORD postings per word and the FETCHED newest
candidates read, so a search costs the same at 1,000 items as at 100,000 (bench/search.py). The price: when more
than FETCHED items match every word, the answer is drawn from the newest FETCHED of them (by creation), ordered
by last activity; more words narrow it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tandem.domain.errors import BadRequest
from tandem.domain.item_order import ORDER_KEYS, order_of
from tandem.domain.items import Item
from tandem.domain.kb import Article
from tandem.domain.people import Role, User
from tandem.domain.permissions import Action, Area, AreaTarget, ArticleTarget, Principal, allowed
from tandem.domain.search_text import (
    ARTICLE,
    CUSTOMER,
    FIELDS,
    ITEM,
    QueryWord,
    article_words,
    fold,
    is_private,
    item_words,
    matches,
    message_of,
    person_words,
    query_words,
    snippet,
)
from tandem.domain.tenants import KNOWLEDGE_BASE, Tenant, module_on
from tandem.services.access import item_target, require_area, tenant_of
from tandem.services.deps import Deps
from tandem.services.editing import check_limit
from tandem.services.modules import scoped_query
from tandem.services.ports import ItemQuery, Page, Position, Posting
from tandem.services.render_markdown import plain_text

CANDIDATES_PER_WORD = 1_000  # postings read per query word: one Query page (~150 KB, ~19 read units)
FETCHED = 200  # candidate documents read per search (BatchGetItem: 2 requests of 100)
CUSTOMER_HITS = 5  # customers at the top of a mixed search, before the items
ARTICLE_HITS = 5  # knowledge base articles after the customers, before the items


@dataclass(frozen=True)
class Hit:
    """One line of `GET /v1/search`."""

    kind: str  # "item" | "customer" | "article"
    id: str
    title: str
    snippet: str
    ref: str | None = None


@dataclass
class _Candidate:
    """A document every word matched: the postings that say so, and the words still to check on its own text
    (a word with more postings than one read takes, for which this document was not among those read)."""

    postings: list[Posting] = field(default_factory=list)
    unchecked: list[QueryWord] = field(default_factory=list)


def _candidates(deps: Deps, tenant_id: str, staff: bool, kind: str, words: list[QueryWord]) -> dict[str, _Candidate]:
    """Documents in which every word occurs in a source the caller may read, newest first.

    A word read completely decides; a word cut at CANDIDATES_PER_WORD ("printer" in a tenant of printers) only
    adds its postings, and the documents the complete words found but it did not list are checked on their own
    text once read (`unchecked`). When every word was cut, what was read is intersected. A word that matches
    nothing ends the search: its later words cost no request."""
    lookups: list[tuple[QueryWord, dict[str, list[Posting]], bool]] = []
    for word in words:
        postings = deps.repos.search.lookup(tenant_id, kind, word.text, exact=word.exact, limit=CANDIDATES_PER_WORD)
        by_doc: dict[str, list[Posting]] = {}
        for posting in postings:
            if staff or not is_private(posting.source):
                by_doc.setdefault(posting.doc_id, []).append(posting)
        cut = len(postings) >= CANDIDATES_PER_WORD
        if not by_doc and not cut:
            return {}
        lookups.append((word, by_doc, cut))
    deciding = [by_doc for _, by_doc, cut in lookups if not cut] or [by_doc for _, by_doc, _ in lookups]
    docs = set.intersection(*(set(by_doc) for by_doc in deciding))
    found: dict[str, _Candidate] = {}
    for doc in sorted(docs, reverse=True):  # ids are time-ordered: newest first
        candidate = found[doc] = _Candidate()
        for word, by_doc, _ in lookups:
            if doc in by_doc:
                candidate.postings += by_doc[doc]
            else:
                candidate.unchecked.append(word)
    return found


def _has_words(words: list[str], wanted: list[QueryWord]) -> bool:
    return all(any(matches(token, w) for token in words) for w in wanted)


def _checked(item: Item, unchecked: list[QueryWord]) -> bool:
    """The words still to check occur in the item's own text (tokenised only when there are such words)."""
    return not unchecked or _has_words(item_words(item.title, item.ref, item.former_refs, item.description), unchecked)


def _ref_of(postings: list[Posting]) -> str:
    """The item's own postings carry its current reference (rewritten on conversion); messages the one they were
    written with, which still resolves."""
    own = [x for x in postings if not message_of(x.source)]
    return (own or postings)[0].target


def _found_items(
    deps: Deps, p: Principal, tenant: Tenant, words: list[QueryWord], q: ItemQuery
) -> list[tuple[Item, list[Posting]]]:
    """Matching items the caller may read and the filters keep, most recent activity first."""
    chosen = dict(list(_candidates(deps, p.tenant_id, p.is_staff, ITEM, words).items())[:FETCHED])
    items = deps.repos.search.items(p.tenant_id, [_ref_of(c.postings) for c in chosen.values()])
    cache: dict = {}
    kept = [
        (i, chosen[i.id].postings)
        for i in items
        if i.id in chosen
        and _checked(i, chosen[i.id].unchecked)
        and q.matches(i)
        and allowed(p, Action.READ, item_target(deps, p, tenant, i, cache))
    ]
    order, forward = order_of(q.sort)
    kept.sort(key=lambda pair: ORDER_KEYS[order](pair[0]), reverse=not forward)
    return kept


def _offset(after: Position) -> int:
    if not after:
        return 0
    offset = after.get("search")
    if not isinstance(offset, int) or offset < 0:
        raise BadRequest("invalid cursor", {"field": "cursor"})
    return offset


def _page(rows: list, limit: int, after: Position) -> Page:
    start = _offset(after)
    end = start + limit
    return Page(rows[start:end], {"search": end} if end < len(rows) else None)


def search_items(deps: Deps, p: Principal, q: ItemQuery) -> Page[Item]:
    """`GET /v1/items?q=`: the list's filters and permissions on what the index found; the position is an offset
    into the same bounded answer (each page runs the search again, at the same bounded cost)."""
    words = query_words(q.q)
    found = _found_items(deps, p, tenant_of(deps, p), words, q)
    return _page([item for item, _ in found], check_limit(q.limit), q.after)


def search_customers(
    deps: Deps, p: Principal, text: str | None, *, organization_id: str | None = None, limit: int | None = None,
    after: Position = None,
) -> Page[User]:
    """`GET /v1/customers?q=` (staff): customers whose name, email or organisation's name start with the words,
    by name."""
    require_area(p, Area.CUSTOMERS, Action.READ)
    words = query_words(text)
    people = _customers(deps, p, words, organization_id)
    return _page(people, check_limit(limit), after)


def _customers(deps: Deps, p: Principal, words: list[QueryWord], organization_id: str | None = None) -> list[User]:
    chosen = dict(list(_candidates(deps, p.tenant_id, p.is_staff, CUSTOMER, words).items())[:FETCHED])
    people = [
        u
        for u in deps.repos.search.people(p.tenant_id, list(chosen))
        if u.role is Role.CUSTOMER
        and (organization_id is None or u.organization_id == organization_id)
        and (not chosen[u.id].unchecked or _has_words(person_words(u.name, u.email), chosen[u.id].unchecked))
    ]
    people.sort(key=lambda u: (fold(u.name), u.email, u.id))
    return people


def find_articles(deps: Deps, tenant_id: str, caller: Principal | None, words: list[QueryWord]) -> list[Article]:
    """Knowledge base articles holding every word (title or text) that `caller` may read (None: anonymous), most
    recently changed first; drawn, like items, from the newest FETCHED candidates."""
    chosen = dict(list(_candidates(deps, tenant_id, True, ARTICLE, words).items())[:FETCHED])
    found = [
        a
        for a in deps.repos.articles.many(tenant_id, list(chosen))
        if allowed(caller, Action.READ, ArticleTarget(a))
        and (not chosen[a.id].unchecked or _has_words(article_words(a.title, plain_text(a.body_html)),
                                                      chosen[a.id].unchecked))
    ]
    found.sort(key=lambda a: (a.updated_at, a.id), reverse=True)
    return found


def search(deps: Deps, p: Principal, text: str | None, limit: int | None = None) -> list[Hit]:
    """`GET /v1/search`: for staff, the best few customers first, then the best few knowledge base articles (when
    the module is on); then the items the caller may read, most recent activity first, each with the passage that
    matched."""
    words = query_words(text)
    limit = check_limit(limit)
    tenant = tenant_of(deps, p)
    hits: list[Hit] = []
    if allowed(p, Action.READ, AreaTarget(p.tenant_id, Area.CUSTOMERS)):
        for u in _customers(deps, p, words)[: min(CUSTOMER_HITS, limit)]:
            hits.append(Hit(CUSTOMER, u.id, u.name, u.email))
    if module_on(tenant, KNOWLEDGE_BASE) and allowed(p, Action.READ, AreaTarget(p.tenant_id, Area.KB_ARTICLES)):
        for a in find_articles(deps, p.tenant_id, p, words)[: min(ARTICLE_HITS, limit - len(hits))]:
            hits.append(Hit(ARTICLE, a.id, a.title, snippet(plain_text(a.body_html), words)))
    # Tasks switched off: the hits hold tickets only (issue 15).
    found = _found_items(deps, p, tenant, words, scoped_query(tenant, ItemQuery(p.tenant_id)))[: limit - len(hits)]
    return hits + _item_hits(deps, p, found, words)


def _item_hits(deps: Deps, p: Principal, found: list[tuple[Item, list[Posting]]], words: list[QueryWord]) -> list[Hit]:
    """The passage of each item: its description when its own fields matched, else the newest message that did
    (those messages in one batch read)."""
    wanted = {}
    for item, postings in found:
        sources = {x.source for x in postings}
        if FIELDS not in sources:
            ids = sorted((m for s in sources if (m := message_of(s))), reverse=True)
            if ids:
                wanted[item.id] = ids[0]
    texts = {m.item_id: m.body for m in deps.repos.search.messages(p.tenant_id, list(wanted.items()))}
    return [
        Hit(ITEM, item.id, item.title, snippet(texts.get(item.id, item.description), words), item.ref)
        for item, _ in found
    ]
