"""The knowledge base in the workspace (issue 14): categories (staff read, admins write) and articles (staff read
and write). Every route of the module answers 404 `module_disabled` while the tenant has it switched off.

An article's `body_html` is rendered from its Markdown here, on every write, and stored: readers never pay for
rendering and never see HTML a client sent.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tandem.domain.errors import BadRequest, Conflict, NotFound, TooLarge, ValidationError
from tandem.domain.kb import (
    CATEGORIES,
    Article,
    ArticleState,
    ArticleVisibility,
    Category,
    category_order,
    check_article,
    check_category,
)
from tandem.domain.limits import ITEM_BYTES
from tandem.domain.permissions import Action, Area, Principal
from tandem.domain.search_text import query_words
from tandem.domain.tenants import KNOWLEDGE_BASE, Tenant, require_module
from tandem.services.access import require_area, tenant_of
from tandem.services.deps import Deps
from tandem.services.editing import check_limit, check_version
from tandem.services.ports import ArticleQuery, Page, Position
from tandem.services.render_markdown import render
from tandem.services.search import find_articles

CATEGORY_FIELDS = ("name", "description", "position")
ARTICLE_FIELDS = ("title", "body_markdown", "category_id", "state", "visibility", "organization_ids")


def kb_tenant(deps: Deps, p: Principal) -> Tenant:
    """The caller's tenant, with its knowledge base on (404 `module_disabled` otherwise)."""
    tenant = tenant_of(deps, p)
    require_module(tenant, KNOWLEDGE_BASE)
    return tenant


def _unknown(data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError("these fields cannot be set", {"fields": unknown})


# Categories


def all_categories(deps: Deps, tenant_id: str) -> list[Category]:
    """Every category of the tenant (at most CATEGORIES: one Query), by position then name."""
    return sorted(deps.repos.kb_categories.list(tenant_id, limit=CATEGORIES).items, key=category_order)


def offset_page(rows: list, limit: int | None, after: Position) -> Page:
    """A page of an already ordered, bounded list; the position is an offset into it."""
    start = after.get("o") if after else 0
    if not isinstance(start, int) or start < 0:
        raise BadRequest("invalid cursor", {"field": "cursor"})
    end = start + check_limit(limit)
    return Page(rows[start:end], {"o": end} if end < len(rows) else None)


def list_categories(deps: Deps, p: Principal, _filters: dict[str, Any] | None = None, limit: int | None = None,
                    after: Position = None) -> Page[Category]:
    kb_tenant(deps, p)
    require_area(p, Area.KB_CATEGORIES, Action.READ)
    return offset_page(all_categories(deps, p.tenant_id), limit, after)


def create_category(deps: Deps, p: Principal, data: dict[str, Any]) -> Category:
    """POST /v1/kb/categories (admins); at most CATEGORIES per tenant."""
    kb_tenant(deps, p)
    require_area(p, Area.KB_CATEGORIES, Action.CREATE)
    _unknown(data, CATEGORY_FIELDS)
    if len(all_categories(deps, p.tenant_id)) >= CATEGORIES:
        raise Conflict(f"a knowledge base has at most {CATEGORIES} categories")
    now = deps.clock()
    category = Category(p.tenant_id, deps.new_id(), data.get("name") or "", now, now)
    category = replace(category, **{k: v for k, v in data.items() if k != "name" and v is not None})
    return deps.repos.kb_categories.add(check_category(category))


def get_category(deps: Deps, p: Principal, category_id: str) -> Category:
    kb_tenant(deps, p)
    require_area(p, Area.KB_CATEGORIES, Action.READ)
    category = deps.repos.kb_categories.get(p.tenant_id, category_id)
    if category is None:
        raise NotFound("category not found", {"id": category_id})
    return category


def _category_to_change(deps: Deps, p: Principal, category_id: str, expected: int | None) -> Category:
    category = get_category(deps, p, category_id)
    require_area(p, Area.KB_CATEGORIES, Action.UPDATE)
    check_version(category, expected)
    return category


def update_category(deps: Deps, p: Principal, category_id: str, changes: dict[str, Any],
                    expected: int | None = None) -> Category:
    category = _category_to_change(deps, p, category_id, expected)
    _unknown(changes, CATEGORY_FIELDS)
    changed = replace(category, **changes, updated_at=deps.clock())
    return deps.repos.kb_categories.save(check_category(changed))


def delete_category(deps: Deps, p: Principal, category_id: str, expected: int | None = None) -> None:
    """DELETE (admins): only an empty category (409 while any article, draft or published, is filed in it)."""
    category = _category_to_change(deps, p, category_id, expected)
    if deps.repos.articles.in_category(p.tenant_id, category.id):
        raise Conflict("the category still has articles: move or delete them first", {"id": category.id})
    deps.repos.kb_categories.delete(category)


# Articles


def _checked(deps: Deps, p: Principal, article: Article, changed: set[str]) -> Article:
    """Enums from their values, the category and organisations known to the tenant, the HTML rendered anew."""
    article.state = _choice(ArticleState, article.state, "state")
    article.visibility = _choice(ArticleVisibility, article.visibility, "visibility")
    if article.visibility is not ArticleVisibility.ORGANIZATIONS and "organization_ids" not in changed:
        article.organization_ids = []
    if article.category_id and "category_id" in changed:
        if deps.repos.kb_categories.get(p.tenant_id, article.category_id) is None:
            raise ValidationError("unknown category", {"field": "category_id"})
    if "organization_ids" in changed:
        for n, org_id in enumerate(article.organization_ids):
            if deps.repos.organizations.get(p.tenant_id, org_id) is None:
                raise ValidationError("unknown organisation", {"field": f"organization_ids[{n}]"})
    article = check_article(replace(article, title=article.title.strip(), category_id=article.category_id or None))
    article.body_html = render(article.body_markdown)
    if len(article.body_markdown.encode()) + len(article.body_html.encode()) > ITEM_BYTES:
        raise TooLarge("the article is too large to store: split it", {"field": "body_markdown"})
    return article


def _choice(enum: Any, value: Any, field: str) -> Any:
    try:
        return enum(value)
    except ValueError as exc:
        options = ", ".join(v.value for v in enum)
        raise ValidationError(f"{field} must be one of {options}", {"field": field}) from exc


def create_article(deps: Deps, p: Principal, data: dict[str, Any]) -> Article:
    """POST /v1/kb/articles (agents and admins): a draft unless `state` says published."""
    kb_tenant(deps, p)
    require_area(p, Area.KB_ARTICLES, Action.CREATE)
    _unknown(data, ARTICLE_FIELDS)
    now = deps.clock()
    article = Article(p.tenant_id, deps.new_id(), data.get("title") or "", now, now, author_id=p.user_id)
    article = replace(article, **{k: v for k, v in data.items() if k != "title" and v is not None})
    return deps.repos.articles.add(_checked(deps, p, article, set(data)))


def get_article(deps: Deps, p: Principal, article_id: str) -> Article:
    kb_tenant(deps, p)
    require_area(p, Area.KB_ARTICLES, Action.READ)
    article = deps.repos.articles.get(p.tenant_id, article_id)
    if article is None:
        raise NotFound("article not found", {"id": article_id})
    return article


def update_article(deps: Deps, p: Principal, article_id: str, changes: dict[str, Any],
                   expected: int | None = None) -> Article:
    """PATCH: any field; `organization_ids` replaced whole; `category_id: null` files it under no category; a
    visibility other than `organizations` forgets the organisations unless they are given (then it is a 422)."""
    article = get_article(deps, p, article_id)
    check_version(article, expected)
    _unknown(changes, ARTICLE_FIELDS)
    changed = replace(article, **changes, updated_at=deps.clock())
    return deps.repos.articles.save(_checked(deps, p, changed, set(changes)))


def delete_article(deps: Deps, p: Principal, article_id: str, expected: int | None = None) -> None:
    article = get_article(deps, p, article_id)
    check_version(article, expected)
    deps.repos.articles.delete(article)


def list_articles(deps: Deps, p: Principal, filters: dict[str, Any] | None = None, limit: int | None = None,
                  after: Position = None) -> Page[Article]:
    """GET /v1/kb/articles (staff): newest change first, narrowed by `category_id` and `state`; with `q`, the
    articles the search index finds (see services/search.py), paged by offset."""
    kb_tenant(deps, p)
    require_area(p, Area.KB_ARTICLES, Action.READ)
    f = filters or {}
    category_id, state = f.get("category_id") or None, f.get("state") or None
    if f.get("q"):
        found = [a for a in find_articles(deps, p.tenant_id, p, query_words(f["q"]))
                 if (category_id is None or a.category_id == category_id) and (state is None or a.state == state)]
        return offset_page(found, limit, after)
    if after and "o" in after:  # a cursor of a search page, brought to the plain list
        raise BadRequest("invalid cursor", {"field": "cursor"})
    q = ArticleQuery(p.tenant_id, category_id=category_id, state=state, limit=check_limit(limit), after=after)
    return deps.repos.articles.list(q)
