"""The knowledge base (issue 14): `/v1/kb/categories`, `/v1/kb/articles` and the portal's `/v1/public/{slug}/kb…`."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from tandem.domain.kb import ArticleMarkdown, ArticleTitle, CategoryName, CategoryText, OrganizationIds, Position
from tandem.domain.limits import Id, SearchText
from tandem.schemas.common import ListQuery

State = Literal["draft", "published"]
Visibility = Literal["public", "customers", "organizations"]
# The random key a browser keeps for a visitor who is not signed in (the widget's and the portal's).
VisitorKey = Annotated[str, Meta(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class CategoryOut(Struct, kw_only=True):
    id: str
    name: str
    description: str
    position: int  # lists are ordered by position, then name
    created_at: str
    updated_at: str
    version: int


class CategoryCreate(Struct, kw_only=True, forbid_unknown_fields=True):
    name: CategoryName
    description: CategoryText = ""
    position: Position = 0


class CategoryPatch(Struct, kw_only=True, forbid_unknown_fields=True):
    name: CategoryName | UnsetType = UNSET
    description: CategoryText | UnsetType = UNSET
    position: Position | UnsetType = UNSET


class HelpfulOut(Struct, kw_only=True):
    """"Was this helpful?" answers, each visitor counted once."""

    yes: int
    no: int


class ArticleOut(Struct, kw_only=True):
    id: str
    title: str
    body_markdown: str
    body_html: str  # rendered from body_markdown and sanitised on every write
    category_id: str | None
    state: State
    visibility: Visibility
    organization_ids: list[str]  # with visibility "organizations": whose customers may read it
    helpful: HelpfulOut
    author_id: str
    created_at: str
    updated_at: str
    version: int


class ArticleCreate(Struct, kw_only=True, forbid_unknown_fields=True):
    title: ArticleTitle
    body_markdown: ArticleMarkdown = ""
    category_id: Id | None = None
    state: State = "draft"
    visibility: Visibility = "public"
    organization_ids: OrganizationIds = []


class ArticlePatch(Struct, kw_only=True, forbid_unknown_fields=True):
    title: ArticleTitle | UnsetType = UNSET
    body_markdown: ArticleMarkdown | UnsetType = UNSET
    category_id: Id | None | UnsetType = UNSET
    state: State | UnsetType = UNSET
    visibility: Visibility | UnsetType = UNSET
    organization_ids: OrganizationIds | UnsetType = UNSET


class ArticleListQuery(ListQuery, kw_only=True):
    """Filters of the workspace's article list; `q` searches titles and text (every word a prefix)."""

    category_id: Id | None = None
    state: State | None = None
    q: SearchText | None = None


class PublicKbQuery(ListQuery, kw_only=True):
    q: SearchText | None = None
    category_id: Id | None = None


class PublicCategory(Struct, kw_only=True):
    id: str
    name: str
    description: str


class PublicArticleLine(Struct, kw_only=True):
    id: str
    title: str
    category_id: str | None
    snippet: str  # plain text (show it as text, never as HTML): the beginning, or the passage `q` matched
    updated_at: str


class PublicKbPage(Struct, kw_only=True):
    items: list[PublicArticleLine]
    categories: list[PublicCategory]  # every category, by position then name
    next_cursor: str | None


class PublicArticle(Struct, kw_only=True):
    id: str
    title: str
    body_html: str
    category_id: str | None
    updated_at: str


class FeedbackIn(Struct, kw_only=True, forbid_unknown_fields=True):
    helpful: bool
    visitor: VisitorKey | None = None  # required unless signed in: the browser's own random key
