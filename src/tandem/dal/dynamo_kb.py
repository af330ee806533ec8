"""PynamoDB repos of the knowledge base (issue 14): categories, articles and their "was this helpful" answers.

Keys (ACCESS_PATTERNS.md, "Knowledge base"): a category is pk=`T#{tid}` sk=`KBCAT#{id}`; an article is pk=`T#{tid}`
sk=`KBART#{id}` with gsi1 (`T#{tid}#KBA`, `{state}#{updated_at}#{id}`) for the tenant's articles and gsi2
(`T#{tid}#KBC#{category id}`, same range) for a category's, so a list (of one state) is one Query, newest change
first. The helpful counters are numbers on the article record, ADDed in one transaction with the visitor's vote
record (a conditional Put): a retry finds the vote and counts nothing. A save is an UpdateItem of the document and
its keys, so it never overwrites counts added meanwhile.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from pynamodb.exceptions import TransactWriteError, UpdateError

from tandem.dal.codec import dumps, loads
from tandem.dal.dynamo_base import DynamoEntityRepo, failed_items, one_page, tkey, transaction, ttl
from tandem.dal.table import Record
from tandem.domain.errors import BadRequest, Conflict
from tandem.domain.kb import Article, Category, Helpful
from tandem.services.ports import ArticleQuery, Page

ARTICLE = "article"
VOTE = "kbvote"
# A visitor's answer is remembered this long: after it, the same visitor may answer once more.
VOTE_TTL_SECONDS = 365 * 24 * 3600
NO_CATEGORY = "-"


def category_repo() -> DynamoEntityRepo[Category]:
    return DynamoEntityRepo("kbcat", Category, "KBCAT")


def article_key(tenant_id: str, article_id: str) -> tuple[str, str]:
    return tkey(tenant_id), f"KBART#{article_id}"


def list_key(tenant_id: str) -> str:
    return f"{tkey(tenant_id)}#KBA"


def category_key(tenant_id: str, category_id: str | None) -> str:
    return f"{tkey(tenant_id)}#KBC#{category_id or NO_CATEGORY}"


def order_key(a: Article) -> str:
    """Range key of both lists: the state, then the last change (newest first when read backwards)."""
    return f"{a.state.value}#{a.updated_at}#{a.id}"


def vote_key(tenant_id: str, article_id: str, visitor: str) -> str:
    digest = hashlib.sha256(visitor.encode("utf-8", "replace")).hexdigest()[:32]
    return f"{tkey(tenant_id)}#KBV#{article_id}#{digest}"


def _document(a: Article) -> str:
    """The article as stored in `data`: its counters live beside it, not in it."""
    return dumps(replace(a, helpful=Helpful()))


def _article(record: Record) -> Article:
    a = loads(Article, record.data)
    return replace(a, helpful=Helpful(int(record.helpful_yes or 0), int(record.helpful_no or 0)))


def _conditional_failure(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def _check_position(q: ArticleQuery, key: str, names: tuple[str, str]) -> None:
    """A position continues the list it came from: another list's (another category or state) is refused."""
    if not q.after:
        return
    pk, sk = ((q.after.get(n) or {}).get("S") if isinstance(q.after.get(n), dict) else None for n in names)
    if pk != key or not isinstance(sk, str) or (q.state and not sk.startswith(f"{q.state}#")):
        raise BadRequest("invalid cursor", {"field": "cursor"})


class DynamoArticleRepo:
    def add(self, article: Article) -> Article:
        stored = replace(article, version=1, helpful=Helpful())
        pk, sk = article_key(stored.tenant_id, stored.id)
        record = Record(pk=pk, sk=sk, kind=ARTICLE, data=_document(stored), version=1, helpful_yes=0, helpful_no=0,
                        gsi1pk=list_key(stored.tenant_id), gsi1sk=order_key(stored),
                        gsi2pk=category_key(stored.tenant_id, stored.category_id), gsi2sk=order_key(stored))
        try:
            record.save(condition=Record.pk.does_not_exist())
        except Exception as exc:
            if _conditional_failure(exc):
                raise Conflict("article already exists") from exc
            raise
        return stored

    def get(self, tenant_id: str, article_id: str) -> Article | None:
        try:
            record = Record.get(*article_key(tenant_id, article_id))
        except Record.DoesNotExist:
            return None
        return _article(record) if record.kind == ARTICLE else None

    def save(self, article: Article) -> Article:
        stored = replace(article, version=article.version + 1)
        actions = [Record.data.set(_document(stored)), Record.version.set(stored.version),
                   Record.gsi1sk.set(order_key(stored)), Record.gsi2pk.set(category_key(stored.tenant_id,
                                                                                        stored.category_id)),
                   Record.gsi2sk.set(order_key(stored))]
        try:
            Record(*article_key(stored.tenant_id, stored.id)).update(
                actions=actions, condition=(Record.kind == ARTICLE) & (Record.version == article.version))
        except UpdateError as exc:
            if _conditional_failure(exc):
                raise Conflict("article changed meanwhile, read it again") from exc
            raise
        return stored

    def delete(self, article: Article) -> None:
        try:
            Record(*article_key(article.tenant_id, article.id)).delete(
                condition=(Record.kind == ARTICLE) & (Record.version == article.version))
        except Exception as exc:
            if _conditional_failure(exc):
                raise Conflict("article changed meanwhile, read it again") from exc
            raise

    def list(self, q: ArticleQuery) -> Page[Article]:
        if q.category_id:
            index, key, names = Record.gsi2, category_key(q.tenant_id, q.category_id), ("gsi2pk", "gsi2sk")
            condition = Record.gsi2sk.startswith(f"{q.state}#") if q.state else None
        else:
            index, key, names = Record.gsi1, list_key(q.tenant_id), ("gsi1pk", "gsi1sk")
            condition = Record.gsi1sk.startswith(f"{q.state}#") if q.state else None
        _check_position(q, key, names)
        records, last = one_page(lambda **kw: index.query(key, condition, scan_index_forward=False, **kw),
                                 q.limit, q.after)
        return Page([_article(r) for r in records if r.kind == ARTICLE], last)

    def many(self, tenant_id: str, article_ids: list[str]) -> list[Article]:
        keys = [article_key(tenant_id, i) for i in dict.fromkeys(article_ids)]
        return [_article(r) for r in Record.batch_get(keys) if r.kind == ARTICLE] if keys else []

    def in_category(self, tenant_id: str, category_id: str) -> bool:
        records, _ = one_page(lambda **kw: Record.gsi2.query(category_key(tenant_id, category_id), **kw), 1, None)
        return bool(records)

    def add_feedback(self, tenant_id: str, article_id: str, visitor: str, helpful: bool) -> bool:
        vote = Record(pk=vote_key(tenant_id, article_id, visitor), sk="KBV", kind=VOTE, owner=str(helpful).lower(),
                      expires_at=ttl(VOTE_TTL_SECONDS))
        counter = Record.helpful_yes if helpful else Record.helpful_no
        try:
            with transaction() as tx:
                tx.save(vote, condition=Record.pk.does_not_exist())
                tx.update(Record(*article_key(tenant_id, article_id)), actions=[counter.add(1)],
                          condition=Record.kind == ARTICLE)
        except TransactWriteError as exc:
            if failed_items(exc):
                return False  # answered before (a retry too), or the article is gone
            raise
        return True
