"""In-memory twin of dal/dynamo_kb.py (the contract suite runs the same tests on both). Article writes go to the
fake table's stream (`emit`) as dal/stream.py decodes them: the search index follows."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from tandem.domain.errors import BadRequest, Conflict
from tandem.domain.events import ArticleChanged
from tandem.domain.kb import Article, Helpful
from tandem.services.ports import ArticleQuery, Page


def _order(a: Article) -> str:
    return f"{a.state.value}#{a.updated_at}#{a.id}"  # dal/dynamo_kb.py::order_key


class MemoryArticleRepo:
    def __init__(self, emit: Callable[..., Any] | None = None) -> None:
        self._articles: dict[tuple[str, str], Article] = {}
        self._counts: dict[tuple[str, str], Helpful] = {}
        self._votes: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()
        self._emit = emit or (lambda *args: None)

    def _out(self, a: Article) -> Article:
        counts = self._counts.get((a.tenant_id, a.id), Helpful())
        return replace(copy.deepcopy(a), helpful=Helpful(counts.yes, counts.no))

    def add(self, article: Article) -> Article:
        stored = replace(article, version=1, helpful=Helpful())
        with self._lock:
            key = (article.tenant_id, article.id)
            if key in self._articles:
                raise Conflict("article already exists")
            self._articles[key] = copy.deepcopy(stored)
            self._counts[key] = Helpful()
        self._emit(ArticleChanged, None, stored)
        return stored

    def get(self, tenant_id: str, article_id: str) -> Article | None:
        found = self._articles.get((tenant_id, article_id))
        return self._out(found) if found is not None else None

    def save(self, article: Article) -> Article:
        stored = replace(article, version=article.version + 1)
        with self._lock:
            key = (article.tenant_id, article.id)
            current = self._articles.get(key)
            if current is None or current.version != article.version:
                raise Conflict("article changed meanwhile, read it again")
            self._articles[key] = replace(copy.deepcopy(stored), helpful=Helpful())
        self._emit(ArticleChanged, current, replace(stored, helpful=Helpful()))
        return self._out(stored)

    def delete(self, article: Article) -> None:
        with self._lock:
            key = (article.tenant_id, article.id)
            current = self._articles.get(key)
            if current is None or current.version != article.version:
                raise Conflict("article changed meanwhile, read it again")
            del self._articles[key]
            self._counts.pop(key, None)
        self._emit(ArticleChanged, current, None)

    def list(self, q: ArticleQuery) -> Page[Article]:
        rows = [a for (t, _), a in self._articles.items() if t == q.tenant_id
                and (not q.category_id or a.category_id == q.category_id)
                and (not q.state or a.state.value == q.state)]
        rows.sort(key=_order, reverse=True)
        which = f"{q.category_id or '*'}/{q.state or '*'}"  # the table's position names its index key likewise
        if q.after:
            if q.after.get("list") != which or not isinstance(q.after.get("k"), str):
                raise BadRequest("invalid cursor", {"field": "cursor"})
            rows = [a for a in rows if _order(a) < q.after["k"]]
        chunk = rows[:q.limit]
        more = len(rows) > q.limit and chunk
        return Page([self._out(a) for a in chunk], {"k": _order(chunk[-1]), "list": which} if more else None)

    def many(self, tenant_id: str, article_ids: list[str]) -> list[Article]:
        found = (self._articles.get((tenant_id, i)) for i in dict.fromkeys(article_ids))
        return [self._out(a) for a in found if a is not None]

    def in_category(self, tenant_id: str, category_id: str) -> bool:
        return any(t == tenant_id and a.category_id == category_id for (t, _), a in self._articles.items())

    def add_feedback(self, tenant_id: str, article_id: str, visitor: str, helpful: bool) -> bool:
        with self._lock:
            key = (tenant_id, article_id)
            vote = (tenant_id, article_id, visitor)
            if key not in self._articles or vote in self._votes:
                return False
            self._votes.add(vote)
            counts = self._counts.setdefault(key, Helpful())
            if helpful:
                counts.yes += 1
            else:
                counts.no += 1
        return True
