"""The knowledge base as the portal and the widget read it (issue 14): `/v1/public/{slug}/kb…`.

The caller is anonymous or the portal's signed-in customer (their session, when it belongs to this tenant; a
session of another tenant counts as nobody). Every article goes through the one permission function: what the
caller may not read answers 404, exactly like an article that does not exist, by list, search or id.
"""

from __future__ import annotations

from dataclasses import dataclass

from tandem.domain.errors import BadRequest, NotFound, ValidationError
from tandem.domain.kb import Article, ArticleState, Category
from tandem.domain.permissions import Action, ArticleTarget, Principal, allowed
from tandem.domain.search_text import query_words, snippet
from tandem.domain.tenants import KNOWLEDGE_BASE, PORTAL, Tenant, require_module
from tandem.services import throttle
from tandem.services.deps import Deps
from tandem.services.editing import check_limit
from tandem.services.kb import all_categories, offset_page
from tandem.services.ports import ArticleQuery, Page, Position
from tandem.services.render_markdown import plain_text
from tandem.services.search import find_articles
from tandem.services.submit_form import tenant_by_slug


@dataclass(frozen=True)
class PublicHit:
    """One line of the portal's article list: the article and the passage to show (plain text)."""

    article: Article
    snippet: str


def portal_tenant(deps: Deps, slug: str, p: Principal | None) -> tuple[Tenant, Principal | None]:
    """The tenant of the slug with its knowledge base and its portal on (the public help centre is both), and
    the caller as far as this tenant knows them."""
    tenant = tenant_by_slug(deps, slug)
    require_module(tenant, PORTAL)
    require_module(tenant, KNOWLEDGE_BASE)
    return tenant, (p if p is not None and p.tenant_id == tenant.id else None)


def public_kb(deps: Deps, slug: str, p: Principal | None, *, q: str | None = None, category_id: str | None = None,
              limit: int | None = None, after: Position = None) -> tuple[list[Category], Page[PublicHit]]:
    """The categories, and a page of the published articles the caller may read: newest change first, or with `q`
    what the search index finds (every word a prefix, accents ignored), then the same permission check. Drafts are
    never listed, not even to staff (who may open one by id, as a preview)."""
    tenant, caller = portal_tenant(deps, slug, p)
    categories = all_categories(deps, tenant.id)
    if q:
        words = query_words(q)
        found = [a for a in find_articles(deps, tenant.id, caller, words)
                 if a.published and (not category_id or a.category_id == category_id)]
        page = offset_page(found, limit, after)
        return categories, Page([PublicHit(a, snippet(plain_text(a.body_html), words)) for a in page.items],
                                page.after)
    if after and "o" in after:  # a cursor of a search page, brought to the plain list
        raise BadRequest("invalid cursor", {"field": "cursor"})
    query = ArticleQuery(tenant.id, category_id=category_id or None, state=ArticleState.PUBLISHED.value,
                         limit=check_limit(limit), after=after)
    page = deps.repos.articles.list(query)
    # A page may come back thinner than `limit` (articles the caller may not read are dropped) and still go on.
    shown = [a for a in page.items if allowed(caller, Action.READ, ArticleTarget(a))]
    return categories, Page([PublicHit(a, snippet(plain_text(a.body_html), [])) for a in shown], page.after)


def public_article(deps: Deps, slug: str, p: Principal | None, article_id: str) -> Article:
    """One article the caller may read; anything else (a draft, another organisation's, none) is 404."""
    tenant, caller = portal_tenant(deps, slug, p)
    return _readable(deps, tenant, caller, article_id)


def _readable(deps: Deps, tenant: Tenant, caller: Principal | None, article_id: str) -> Article:
    article = deps.repos.articles.get(tenant.id, article_id)
    if article is None or not allowed(caller, Action.READ, ArticleTarget(article)):
        raise NotFound("article not found", {"id": article_id})
    return article


def give_feedback(deps: Deps, slug: str, p: Principal | None, article_id: str, *, helpful: bool,
                  visitor: str | None, ip: str | None) -> bool:
    """"Was this helpful?": counted once per visitor and article, whatever the retries (True when this answer
    counted). The visitor is the signed-in person, else the random key the browser keeps (`visitor`)."""
    throttle.kb_feedback(deps, ip=ip)
    tenant, caller = portal_tenant(deps, slug, p)
    article = _readable(deps, tenant, caller, article_id)
    if caller is not None:
        who = f"user:{caller.user_id}"
    elif visitor:
        who = f"visitor:{visitor}"
    else:
        raise ValidationError("visitor is required unless signed in", {"field": "visitor"})
    return deps.repos.articles.add_feedback(article.tenant_id, article.id, who, helpful)
