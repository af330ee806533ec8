"""Search across what the caller may see (the `q` of the item and customer lists is in their own routes)."""

from __future__ import annotations

from api.http import current, principal
from api.ops import Call, op
from tandem.schemas import search as m
from tandem.services.search import search


@op("GET", "/v1/search", summary="Search items, customers and knowledge base articles", tag="search",
    query=m.SearchQuery, returns=m.SearchResults)
def find(call: Call) -> m.SearchResults:
    hits = search(current().deps, principal(call.request), call.query.q, call.query.limit)
    return m.SearchResults(items=[m.SearchHit(kind=h.kind, id=h.id, ref=h.ref, title=h.title,  # type: ignore[arg-type]
                                              snippet=h.snippet) for h in hits])
