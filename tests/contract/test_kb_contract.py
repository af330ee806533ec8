"""The knowledge base's stores on both backends (issue 14): categories and articles versioned per tenant, lists of
one state or one category newest change first, helpful answers counted once per visitor, search postings."""

from __future__ import annotations

from dataclasses import replace

import pytest

from contract.test_repos_contract import NOW, tenant
from tandem.domain.errors import BadRequest, Conflict
from tandem.domain.ids import new_id
from tandem.domain.kb import Article, ArticleState, ArticleVisibility, Category
from tandem.services.ports import ArticleQuery, Posting


def _article(tenant_id: str, n: int, *, state=ArticleState.PUBLISHED, category_id: str | None = "cat-1") -> Article:
    at = f"2026-11-22T10:00:{n:02d}.000Z"
    return Article(tenant_id, new_id(), f"Article {n}", at, at, author_id="user-1", body_markdown=f"Body {n}",
                   body_html=f"<p>Body {n}</p>\n", category_id=category_id, state=state,
                   visibility=ArticleVisibility.ORGANIZATIONS, organization_ids=["org-1", "org-2"])


def _ids(page) -> list[str]:
    return [a.id for a in page.items]


def test_an_article_round_trips_and_saves_on_its_version(repos):
    # Given an article limited to two organisations
    t = tenant(repos)
    stored = repos.articles.add(_article(t.id, 1))
    # When it is read back and saved twice from the same copy
    got = repos.articles.get(t.id, stored.id)
    saved = repos.articles.save(replace(got, title="Renamed", state=ArticleState.DRAFT))
    # Then it is the same article, one version further after the first save, and the stale save is a conflict
    assert got == stored and got.organization_ids == ["org-1", "org-2"] and got.version == 1
    assert saved.version == 2 and repos.articles.get(t.id, stored.id).title == "Renamed"
    with pytest.raises(Conflict):
        repos.articles.save(replace(got, title="stale"))
    with pytest.raises(Conflict):
        repos.articles.delete(got)
    repos.articles.delete(repos.articles.get(t.id, stored.id))
    assert repos.articles.get(t.id, stored.id) is None


def test_lists_of_a_state_or_a_category_come_newest_change_first_page_by_page(repos):
    # Given three published articles in one category, a draft in it, one published elsewhere, one in another tenant
    a, b = tenant(repos, "acme"), tenant(repos, "other")
    published = [repos.articles.add(_article(a.id, n)) for n in range(3)]
    draft = repos.articles.add(_article(a.id, 3, state=ArticleState.DRAFT))
    elsewhere = repos.articles.add(_article(a.id, 4, category_id="cat-2"))
    repos.articles.add(_article(b.id, 5))
    # When the category's published articles are read two a page
    first = repos.articles.list(ArticleQuery(a.id, category_id="cat-1", state="published", limit=2))
    second = repos.articles.list(ArticleQuery(a.id, category_id="cat-1", state="published", limit=2,
                                              after=first.after))
    # Then they come newest first, each once, and the other lists hold what they should
    assert _ids(first) + _ids(second) == [x.id for x in reversed(published)]
    assert second.after is None
    assert _ids(repos.articles.list(ArticleQuery(a.id, state="draft"))) == [draft.id]
    everything = _ids(repos.articles.list(ArticleQuery(a.id, limit=10)))
    assert sorted(everything) == sorted([x.id for x in published] + [draft.id, elsewhere.id])
    assert _ids(repos.articles.list(ArticleQuery(a.id, category_id="cat-2"))) == [elsewhere.id]


def test_a_position_continues_only_the_list_it_came_from(repos):
    # Given a category's list read one article a page
    t = tenant(repos)
    for n in range(3):
        repos.articles.add(_article(t.id, n))
    page = repos.articles.list(ArticleQuery(t.id, category_id="cat-1", limit=1))
    # When its position is brought to the tenant's list, another category's, or the drafts
    # Then each refuses it as a bad cursor (never a store error)
    for other in (ArticleQuery(t.id), ArticleQuery(t.id, category_id="cat-2"),
                  ArticleQuery(t.id, category_id="cat-1", state="draft")):
        with pytest.raises(BadRequest):
            repos.articles.list(replace(other, limit=1, after=page.after))


def test_a_changed_article_moves_in_the_lists(repos):
    # Given two published articles, the second newer
    t = tenant(repos)
    old, new = repos.articles.add(_article(t.id, 1)), repos.articles.add(_article(t.id, 2))
    # When the older one is edited later and moved to another category
    repos.articles.save(replace(old, updated_at="2026-11-22T11:00:00.000Z", category_id="cat-9"))
    # Then it leads the tenant's list and left its old category's list
    assert _ids(repos.articles.list(ArticleQuery(t.id, state="published"))) == [old.id, new.id]
    assert _ids(repos.articles.list(ArticleQuery(t.id, category_id="cat-1"))) == [new.id]
    assert repos.articles.in_category(t.id, "cat-9") and not repos.articles.in_category(t.id, "cat-7")


def test_helpful_answers_count_once_per_visitor_and_survive_edits(repos):
    # Given an article
    t = tenant(repos)
    a = repos.articles.add(_article(t.id, 1))
    # When one visitor answers yes twice (a retry), another no, and the article is then edited
    answers = [repos.articles.add_feedback(t.id, a.id, "visitor:one", True),
               repos.articles.add_feedback(t.id, a.id, "visitor:one", True),
               repos.articles.add_feedback(t.id, a.id, "visitor:two", False)]
    edited = repos.articles.save(replace(repos.articles.get(t.id, a.id), title="Edited"))
    # Then the retry counted nothing, the counts stay through the edit, and the edit kept its version
    assert answers == [True, False, True]
    again = repos.articles.get(t.id, a.id)
    assert (again.helpful.yes, again.helpful.no, again.version) == (1, 1, edited.version)
    assert [x.helpful.yes for x in repos.articles.many(t.id, [a.id])] == [1]
    # And an answer to an article that does not exist counts nowhere
    assert repos.articles.add_feedback(t.id, "missing", "visitor:one", True) is False


def test_many_reads_articles_by_id_within_the_tenant_only(repos):
    a, b = tenant(repos, "acme"), tenant(repos, "other")
    mine = [repos.articles.add(_article(a.id, n)) for n in range(2)]
    theirs = repos.articles.add(_article(b.id, 3))
    found = repos.articles.many(a.id, [mine[0].id, theirs.id, mine[1].id, "missing", mine[0].id])
    assert sorted(x.id for x in found) == sorted(x.id for x in mine)


def test_categories_round_trip_per_tenant(repos):
    a, b = tenant(repos, "acme"), tenant(repos, "other")
    cat = repos.kb_categories.add(Category(a.id, new_id(), "Billing", NOW, NOW, description="Invoices", position=3))
    repos.kb_categories.add(Category(b.id, new_id(), "Other", NOW, NOW))
    assert repos.kb_categories.get(a.id, cat.id) == cat
    assert [c.id for c in repos.kb_categories.list(a.id).items] == [cat.id]
    assert repos.kb_categories.get(b.id, cat.id) is None
    repos.kb_categories.delete(cat)
    assert repos.kb_categories.list(a.id).items == []


def test_article_postings_are_looked_up_by_prefix_apart_from_items(repos):
    # Given the word "printer" in an article and in an item
    t = tenant(repos)
    repos.search.write(t.id, [Posting("printer", "article", "a1", "f"), Posting("printer", "item", "i1", "f", "T-1")],
                       [])
    # When articles are looked up by a prefix
    found = repos.search.lookup(t.id, "article", "prin", limit=10)
    # Then only the article's posting answers
    assert [(x.doc_kind, x.doc_id, x.source) for x in found] == [("article", "a1", "f")]
