"""The knowledge base (issue 14): categories of help articles written in Markdown, drafted then published, each
visible to everyone, to every signed-in customer, or to the customers of chosen organisations.

Who may read an article is decided by the one permission function (domain/permissions.py, `ArticleTarget`); this
module holds the shapes and the checks of a well-formed article. `body_html` is rendered from `body_markdown` on
every write (services/render_markdown.py) and never taken from a client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated

from msgspec import Meta

from tandem.domain.errors import ValidationError
from tandem.domain.limits import ID, LIST, NAME, SUMMARY, TITLE

ARTICLE_CHARS = 30_000  # Markdown of one article; it is stored twice (Markdown and HTML) in one ≤ 400 KB record
CATEGORIES = 200  # per tenant: the portal shows them all on one page, in one Query

ArticleMarkdown = Annotated[str, Meta(max_length=ARTICLE_CHARS)]
CategoryName = Annotated[str, Meta(min_length=1, max_length=NAME)]
CategoryText = Annotated[str, Meta(max_length=SUMMARY)]
ArticleTitle = Annotated[str, Meta(min_length=1, max_length=TITLE)]
Position = Annotated[int, Meta(ge=0, le=1_000_000)]
OrganizationIds = Annotated[list[Annotated[str, Meta(min_length=1, max_length=ID)]], Meta(max_length=LIST)]


class ArticleState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class ArticleVisibility(StrEnum):
    """Who may read a published article besides staff."""

    PUBLIC = "public"  # anyone, signed in or not
    CUSTOMERS = "customers"  # every signed-in customer of the tenant
    ORGANIZATIONS = "organizations"  # the customers of the organisations named in `organization_ids`


@dataclass
class Category:
    tenant_id: str
    id: str
    name: str
    created_at: str
    updated_at: str
    description: str = ""
    position: int = 0  # the portal lists categories by position, then name
    version: int = 0


@dataclass
class Helpful:
    """"Was this helpful?" answers, each visitor counted once per article."""

    yes: int = 0
    no: int = 0


@dataclass
class Article:
    tenant_id: str
    id: str
    title: str
    created_at: str
    updated_at: str
    author_id: str = ""
    body_markdown: str = ""
    body_html: str = ""  # rendered and sanitised from body_markdown on every write
    category_id: str | None = None
    state: ArticleState = ArticleState.DRAFT
    visibility: ArticleVisibility = ArticleVisibility.PUBLIC
    organization_ids: list[str] = field(default_factory=list)
    # Kept beside the article by the feedback counters (not part of its versioned document).
    helpful: Helpful = field(default_factory=Helpful)
    version: int = 0

    @property
    def published(self) -> bool:
        return self.state is ArticleState.PUBLISHED


def check_article(article: Article) -> Article:
    """An article whose fields agree: a title, and organisations named exactly when visibility says so."""
    if not article.title.strip():
        raise ValidationError("title must not be blank", {"field": "title"})
    if len(article.body_markdown) > ARTICLE_CHARS:
        raise ValidationError(f"body_markdown takes at most {ARTICLE_CHARS} characters", {"field": "body_markdown"})
    limited = article.visibility is ArticleVisibility.ORGANIZATIONS
    if limited and not article.organization_ids:
        raise ValidationError("name the organisations that may read the article", {"field": "organization_ids"})
    if not limited and article.organization_ids:
        raise ValidationError("organization_ids need visibility organizations", {"field": "organization_ids"})
    article.organization_ids = list(dict.fromkeys(article.organization_ids))
    return article


def check_category(category: Category) -> Category:
    if not category.name.strip():
        raise ValidationError("name must not be blank", {"field": "name"})
    category.name = category.name.strip()
    return category


def category_order(c: Category) -> tuple[int, str, str]:
    """How the portal and the workspace list categories: by position, then name."""
    return (c.position, c.name.casefold(), c.id)
