"""Knowledge base (issue 14): categories and articles in the workspace, and the portal's and widget's help centre."""

from __future__ import annotations

from typing import Any

from api.http import client_ip, current, decode_cursor, encode_cursor, optional_principal
from api.ops import Call, op
from api.resources import resource
from tandem.domain.errors import Unauthorized
from tandem.domain.kb import Article, Category
from tandem.domain.permissions import Principal
from tandem.schemas import kb as m
from tandem.services import kb as uc
from tandem.services import kb_public

KB = "knowledge base"


def _category(c: Category, _p: Any = None) -> m.CategoryOut:
    return m.CategoryOut(id=c.id, name=c.name, description=c.description, position=c.position,
                         created_at=c.created_at, updated_at=c.updated_at, version=c.version)


def _article(a: Article, _p: Any = None) -> m.ArticleOut:
    return m.ArticleOut(id=a.id, title=a.title, body_markdown=a.body_markdown, body_html=a.body_html,
                        category_id=a.category_id, state=a.state.value, visibility=a.visibility.value,  # type: ignore[arg-type]
                        organization_ids=list(a.organization_ids),
                        helpful=m.HelpfulOut(yes=a.helpful.yes, no=a.helpful.no), author_id=a.author_id,
                        created_at=a.created_at, updated_at=a.updated_at, version=a.version)


resource("/v1/kb/categories", "kb_categories", noun="knowledge base category", out=m.CategoryOut,
         create_model=m.CategoryCreate, patch_model=m.CategoryPatch, list_=uc.list_categories,
         create=uc.create_category, get=uc.get_category, update=uc.update_category, delete=uc.delete_category,
         render_=_category, errors=(409,))

resource("/v1/kb/articles", "kb_articles", noun="knowledge base article", out=m.ArticleOut,
         create_model=m.ArticleCreate, patch_model=m.ArticlePatch, list_=uc.list_articles,
         create=uc.create_article, get=uc.get_article, update=uc.update_article, delete=uc.delete_article,
         render_=_article, query=m.ArticleListQuery, errors=(409,))


def _reader(request: Any) -> Principal | None:
    """The portal's signed-in customer (or staff), else nobody: an expired session reads as a visitor would."""
    try:
        return optional_principal(request)
    except Unauthorized:
        return None


@op("GET", "/v1/public/{slug}/kb", summary="The help centre: categories and the articles the caller may read",
    tag=KB, auth=False, query=m.PublicKbQuery, returns=m.PublicKbPage)
def public_kb(call: Call, slug: str) -> Any:
    p = _reader(call.request)
    scope = f"public/{slug}/kb/{p.user_id if p else '-'}"
    q = call.query
    categories, page = kb_public.public_kb(current().deps, slug, p, q=q.q, category_id=q.category_id, limit=q.limit,
                                           after=decode_cursor(q.cursor, scope))
    return m.PublicKbPage(
        items=[m.PublicArticleLine(id=h.article.id, title=h.article.title, category_id=h.article.category_id,
                                   snippet=h.snippet, updated_at=h.article.updated_at) for h in page.items],
        categories=[m.PublicCategory(id=c.id, name=c.name, description=c.description) for c in categories],
        next_cursor=encode_cursor(page.after, scope),
    )


@op("GET", "/v1/public/{slug}/kb/{id}", summary="A help article, if the caller may read it", tag=KB, auth=False,
    returns=m.PublicArticle)
def public_article(call: Call, slug: str, id: str) -> Any:  # noqa: A002 - the path parameter's name
    a = kb_public.public_article(current().deps, slug, _reader(call.request), id)
    return m.PublicArticle(id=a.id, title=a.title, body_html=a.body_html, category_id=a.category_id,
                           updated_at=a.updated_at)


@op("POST", "/v1/public/{slug}/kb/{id}/feedback",
    summary="Was this article helpful? Counted once per visitor (the signed-in person, else `visitor`)",
    tag=KB, auth=False, body=m.FeedbackIn, status=204, errors=(403, 429))
def article_feedback(call: Call, slug: str, id: str) -> None:  # noqa: A002 - the path parameter's name
    kb_public.give_feedback(current().deps, slug, _reader(call.request), id, helpful=call.body.helpful,
                            visitor=call.body.visitor, ip=client_ip(call.request))
