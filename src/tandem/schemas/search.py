"""`GET /v1/search`: what the caller may see that matches some words, items and (for staff) customers and
knowledge base articles."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

from tandem.domain.limits import SearchText

SearchLimit = Annotated[int, Meta(ge=1, le=200)]


class SearchQuery(Struct, kw_only=True):
    """`q`: words, each a prefix of a word (accents and case ignored; an item reference is matched whole), all of
    which must occur in the item (title, description, reference, requester, messages) or the customer."""

    q: SearchText
    limit: SearchLimit = 20


class SearchHit(Struct, kw_only=True):
    kind: Literal["item", "customer", "article"]
    id: str
    ref: str | None = None  # items only
    title: str  # the item's or article's title, the customer's name
    snippet: str  # the passage that matched (an item, an article: plain text), the email address (a customer)


class SearchResults(Struct, kw_only=True):
    items: list[SearchHit]
