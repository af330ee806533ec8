"""The knowledge base through the API (issue 14): who reads which article by list, search and id; feedback counted
once; categories and articles managed by staff; the module switch.

The agency world (tests/integration/world.py): Alice is a customer of CustomerA, Bob of CustomerB, Mia an agent,
Ada the admin; Carol a customer of another tenant. The admin writes four articles that all hold the word "zebra":
one public, one for every signed-in customer, one limited to CustomerA, one still a draft.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from integration.test_notifications import pump
from integration.world import build_world

PUBLIC, CUSTOMERS, ORG_A, DRAFT = "public", "customers", "org_a", "draft"
ARTICLES = (PUBLIC, CUSTOMERS, ORG_A, DRAFT)

# Who reads what. Columns follow ARTICLES; the same answer is expected by list, by search and by id, except that
# the help centre lists and searches published articles only: staff open a draft by id (a preview), nobody else.
VISIBLE = {
    "anonymous": (True, False, False, False),
    "other_tenant": (True, False, False, False),  # a session of another help desk is nobody here
    "customer_a": (True, True, True, False),
    "customer_b": (True, True, False, False),
    "agent_member": (True, True, True, True),
    "admin": (True, True, True, True),
}


@pytest.fixture
def kb(api, container):
    """The agency world, a category and the four articles, indexed by the stream handler."""
    w = build_world(container.deps)
    admin = w.token("admin")
    cat = api.call("POST", "/v1/kb/categories", {"name": "Getting started", "position": 1}, token=admin)
    assert cat.status_code == 201, cat.data
    bodies = {
        PUBLIC: {"title": "Zebra basics", "state": "published", "visibility": "public"},
        CUSTOMERS: {"title": "Zebra for customers", "state": "published", "visibility": "customers"},
        ORG_A: {"title": "Zebra for CustomerA", "state": "published", "visibility": "organizations",
                "organization_ids": [w.ids["org_a"].id]},
        DRAFT: {"title": "Zebra draft", "state": "draft", "visibility": "public"},
    }
    ids = {}
    for name, body in bodies.items():
        body = {**body, "category_id": cat.data["id"], "body_markdown": f"All about **stripes** ({name} copy)."}
        resp = api.call("POST", "/v1/kb/articles", body, token=admin)
        assert resp.status_code == 201, resp.data
        ids[name] = resp.data["id"]
    pump(container)
    w.ids["kb_category"] = cat.data["id"]
    w.ids["kb"] = ids
    return w


def _names(w, ids) -> set[str]:
    by_id = {v: k for k, v in w.ids["kb"].items()}
    return {by_id[i] for i in ids if i in by_id}


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_each_caller_reads_exactly_the_articles_it_may_by_list_search_and_id(api, kb, role):
    # Given the four zebra articles and a caller
    w, token = kb, kb.token(role)
    expected = {name for name, seen in zip(ARTICLES, VISIBLE[role], strict=True) if seen}
    listable = expected - {DRAFT}
    # When it lists the help centre, searches it, and opens each article by id
    listed = api.call("GET", "/v1/public/agency/kb?limit=200", token=token)
    searched = api.call("GET", "/v1/public/agency/kb?q=zebr", token=token)
    assert listed.status_code == searched.status_code == 200, (listed.data, searched.data)
    opened = {name: api.call("GET", f"/v1/public/agency/kb/{aid}", token=token) for name, aid in w.ids["kb"].items()}
    # Then each way shows exactly the articles of its row, and every other one is 404 as if it did not exist
    assert _names(w, [a["id"] for a in listed.data["items"]]) == listable
    assert _names(w, [a["id"] for a in searched.data["items"]]) == listable
    assert {name for name, r in opened.items() if r.status_code == 200} == expected
    assert all(r.status_code == 404 and r.data["error"]["code"] == "not_found"
               for name, r in opened.items() if name not in expected)
    assert [c["name"] for c in listed.data["categories"]] == ["Getting started"]


def test_staff_find_articles_in_the_global_search_and_customers_do_not(api, kb):
    # Given the four zebra articles
    # When staff and a customer search everything for "stripes"
    staff = api.call("GET", "/v1/search?q=stripes", token=kb.token("agent_member"))
    customer = api.call("GET", "/v1/search?q=stripes", token=kb.token("customer_a"))
    # Then staff get all four as articles, with the passage as plain text; the customer gets none of them
    articles = [h for h in staff.data["items"] if h["kind"] == "article"]
    assert _names(kb, [h["id"] for h in articles]) == set(ARTICLES)
    assert all("stripes" in h["snippet"] and "**" not in h["snippet"] for h in articles)
    assert [h for h in customer.data["items"] if h["kind"] == "article"] == []


def test_an_anonymous_article_page_shows_sanitised_html_and_no_draft_fields(api, kb):
    resp = api.call("GET", f"/v1/public/agency/kb/{kb.ids['kb'][PUBLIC]}")
    assert resp.status_code == 200
    assert set(resp.data) == {"id", "title", "body_html", "category_id", "updated_at"}
    assert "<strong>stripes</strong>" in resp.data["body_html"]


def test_feedback_counts_once_per_visitor_whatever_the_retries(api, kb):
    # Given the public article
    aid = kb.ids["kb"][PUBLIC]
    url = f"/v1/public/agency/kb/{aid}/feedback"
    # When one visitor answers "yes" three times (retries), another "no", and Alice (signed in) "yes" twice
    answers = [api.call("POST", url, {"helpful": True, "visitor": "visitor-one-123"}) for _ in range(3)]
    answers.append(api.call("POST", url, {"helpful": False, "visitor": "visitor-two-456"}))
    answers += [api.call("POST", url, {"helpful": True}, token=kb.token("customer_a")) for _ in range(2)]
    # Then every answer is a 204, and each visitor counted once
    assert [r.status_code for r in answers] == [204] * 6
    article = api.call("GET", f"/v1/kb/articles/{aid}", token=kb.token("admin")).data
    assert article["helpful"] == {"yes": 2, "no": 1}


def test_feedback_needs_a_visitor_key_and_an_article_the_caller_may_read(api, kb):
    url = f"/v1/public/agency/kb/{kb.ids['kb'][PUBLIC]}/feedback"
    assert api.call("POST", url, {"helpful": True}).status_code == 422
    hidden = f"/v1/public/agency/kb/{kb.ids['kb'][ORG_A]}/feedback"
    assert api.call("POST", hidden, {"helpful": True}, token=kb.token("customer_b")).status_code == 404
    assert api.call("POST", hidden, {"helpful": True, "visitor": "visitor-one-123"}).status_code == 404


def test_feedback_is_throttled_per_address(api, kb, container):
    # Given a limit of three answers a minute from one address
    limits = replace(container.deps.settings.throttle, kb_feedback_per_minute=3)
    container.deps.settings = replace(container.deps.settings, throttle=limits)
    url = f"/v1/public/agency/kb/{kb.ids['kb'][PUBLIC]}/feedback"
    # When four different visitors answer from it
    statuses = [api.call("POST", url, {"helpful": True, "visitor": f"visitor-{n:04d}"}).status_code
                for n in range(4)]
    # Then the fourth is told to wait
    assert statuses == [204, 204, 204, 429]


def test_a_category_with_articles_cannot_be_deleted_and_an_empty_one_can(api, kb):
    admin = kb.token("admin")
    cat = kb.ids["kb_category"]
    assert api.call("DELETE", f"/v1/kb/categories/{cat}", token=admin).status_code == 409
    empty = api.call("POST", "/v1/kb/categories", {"name": "Empty"}, token=admin).data
    assert api.call("DELETE", f"/v1/kb/categories/{empty['id']}", token=admin).status_code == 204
    assert api.call("GET", f"/v1/kb/categories/{empty['id']}", token=admin).status_code == 404


def test_categories_are_ordered_by_position_then_name(api, kb):
    admin = kb.token("admin")
    for name, position in (("Billing", 0), ("Accounts", 5), ("Alpha", 0)):
        api.call("POST", "/v1/kb/categories", {"name": name, "position": position}, token=admin)
    listed = api.call("GET", "/v1/kb/categories", token=kb.token("agent_member")).data
    assert [c["name"] for c in listed["items"]] == ["Alpha", "Billing", "Getting started", "Accounts"]
    page = api.call("GET", "/v1/kb/categories?limit=3", token=admin).data
    rest = api.call("GET", f"/v1/kb/categories?limit=3&cursor={page['next_cursor']}", token=admin).data
    assert [c["name"] for c in page["items"] + rest["items"]] == [c["name"] for c in listed["items"]]


def test_an_article_edit_renders_anew_and_moves_the_index(api, kb, container):
    # Given the public article, read with its version
    admin, aid = kb.token("admin"), kb.ids["kb"][PUBLIC]
    first = api.call("GET", f"/v1/kb/articles/{aid}", token=admin)
    # When it is renamed and rewritten (the stream delivering every change twice)
    changed = api.call("PATCH", f"/v1/kb/articles/{aid}", {"title": "Okapi basics", "body_markdown": "# Okapi"},
                       token=admin, headers={"If-Match": first.headers["etag"]})
    pump(container, twice=True)
    # Then the HTML follows the Markdown, the old words no longer find it and the new ones do
    assert changed.status_code == 200 and changed.data["body_html"] == "<h1>Okapi</h1>\n"
    assert changed.headers["etag"] == f'"{first.data["version"] + 1}"'
    found = api.call("GET", "/v1/public/agency/kb?q=okapi").data["items"]
    assert [a["id"] for a in found] == [aid]
    assert aid not in [a["id"] for a in api.call("GET", "/v1/public/agency/kb?q=stripes").data["items"]]
    # And a stale If-Match is refused
    stale = api.call("PATCH", f"/v1/kb/articles/{aid}", {"title": "Again"}, token=admin,
                     headers={"If-Match": first.headers["etag"]})
    assert stale.status_code == 412


def test_a_deleted_article_is_gone_from_every_list_and_the_index(api, kb, container):
    admin, aid = kb.token("admin"), kb.ids["kb"][PUBLIC]
    assert api.call("DELETE", f"/v1/kb/articles/{aid}", token=admin).status_code == 204
    pump(container)
    assert api.call("GET", f"/v1/public/agency/kb/{aid}").status_code == 404
    assert api.call("GET", "/v1/public/agency/kb?q=zebra").data["items"] == []
    assert container.deps.repos.search.lookup(kb.ids["tenant"].id, "article", "basics", limit=10) == []


def test_the_workspace_list_filters_by_state_category_and_words(api, kb):
    agent = kb.token("agent_member")
    drafts = api.call("GET", "/v1/kb/articles?state=draft", token=agent).data["items"]
    assert _names(kb, [a["id"] for a in drafts]) == {DRAFT}
    in_cat = api.call("GET", f"/v1/kb/articles?category_id={kb.ids['kb_category']}&state=published", token=agent)
    assert _names(kb, [a["id"] for a in in_cat.data["items"]]) == {PUBLIC, CUSTOMERS, ORG_A}
    words = api.call("GET", "/v1/kb/articles?q=zebra+custom&state=published", token=agent).data["items"]
    assert _names(kb, [a["id"] for a in words]) == {CUSTOMERS, ORG_A}
    assert api.call("GET", "/v1/kb/articles", token=kb.token("customer_a")).status_code == 403


def test_organisation_limited_articles_name_known_organisations(api, kb):
    admin = kb.token("admin")
    none = api.call("POST", "/v1/kb/articles", {"title": "X", "visibility": "organizations"}, token=admin)
    unknown = api.call("POST", "/v1/kb/articles", {"title": "X", "visibility": "organizations",
                                                   "organization_ids": ["nope"]}, token=admin)
    assert none.status_code == unknown.status_code == 422
    assert none.data["error"]["details"]["field"] == "organization_ids"
    assert unknown.data["error"]["details"]["field"] == "organization_ids[0]"


def test_the_module_switch_hides_the_knowledge_base_and_is_reported(api, kb):
    # Given the knowledge base on by default and chat off by default
    admin = kb.token("admin")
    defaults = {"tasks": True, "portal": True, "knowledge_base": True, "time_tracking": True, "chat": False,
                "integrations": True}
    assert api.call("GET", "/v1/me", token=admin).data["modules"] == defaults
    # When an admin switches the knowledge base off
    resp = api.call("PATCH", "/v1/settings", {"modules": {"knowledge_base": False}}, token=admin)
    assert resp.status_code == 200 and resp.data["modules"] == {**defaults, "knowledge_base": False}
    # Then its routes answer 404 module_disabled for everyone, and the switches are reported where screens look
    aid = kb.ids["kb"][PUBLIC]
    gone = [
        api.call("GET", "/v1/kb/articles", token=admin),
        api.call("GET", f"/v1/kb/articles/{aid}", token=kb.token("agent_member")),
        api.call("POST", "/v1/kb/categories", {"name": "New"}, token=admin),
        api.call("GET", "/v1/public/agency/kb"),
        api.call("GET", f"/v1/public/agency/kb/{aid}", token=kb.token("customer_a")),
        api.call("POST", f"/v1/public/agency/kb/{aid}/feedback", {"helpful": True, "visitor": "visitor-one-123"}),
    ]
    assert [(r.status_code, r.data["error"]["code"]) for r in gone] == [(404, "module_disabled")] * len(gone)
    assert api.call("GET", "/v1/me", token=kb.token("customer_a")).data["modules"]["knowledge_base"] is False
    assert api.call("GET", "/v1/public/agency/forms").data["modules"] == {**defaults, "knowledge_base": False}
    hits = api.call("GET", "/v1/search?q=zebra", token=admin).data["items"]
    assert [h for h in hits if h["kind"] == "article"] == []
    # And switching it on again brings everything back, nothing deleted; chat is switched separately
    api.call("PATCH", "/v1/settings", {"modules": {"knowledge_base": True, "chat": True}}, token=admin)
    assert api.call("GET", f"/v1/public/agency/kb/{aid}").status_code == 200
    assert api.call("GET", "/v1/me", token=admin).data["modules"] == {**defaults, "chat": True}


def test_unknown_modules_and_non_admins_cannot_switch(api, kb):
    unknown = api.call("PATCH", "/v1/settings", {"modules": {"telepathy": True}}, token=kb.token("admin"))
    assert unknown.status_code == 422
    assert unknown.data["error"]["details"]["errors"][0]["field"] == "modules.telepathy"
    agent = api.call("PATCH", "/v1/settings", {"modules": {"chat": True}}, token=kb.token("agent_member"))
    assert agent.status_code == 403


def test_redelivered_article_changes_leave_the_index_as_one_delivery_does(api, kb, container):
    from tandem.dal.memory import drain_events
    from tandem.runtime.handlers import react_to

    # Given the index after the articles' changes were delivered once, and an edit of one of them
    index = container.deps.repos.search.postings[kb.ids["tenant"].id]
    admin, aid = kb.token("admin"), kb.ids["kb"][CUSTOMERS]
    api.call("PATCH", f"/v1/kb/articles/{aid}", {"body_markdown": "Now about *manes*."}, token=admin)
    events = drain_events(container.deps.repos)
    for event in events:
        react_to(container, event)
    once = dict(index)
    # When every change is delivered again, in order, as the stream may
    for event in events:
        react_to(container, event)
    # Then the postings are exactly the same, and the article is found by its new words only
    assert index == once
    assert [a["id"] for a in api.call("GET", "/v1/kb/articles?q=manes", token=admin).data["items"]] == [aid]
    assert aid not in [a["id"] for a in api.call("GET", "/v1/kb/articles?q=stripes", token=admin).data["items"]]


def test_widening_an_organisation_article_forgets_its_organisations(api, kb):
    # Given the article for CustomerA
    admin, aid = kb.token("admin"), kb.ids["kb"][ORG_A]
    # When it is made public without naming organisations, Then they are dropped and Bob reads it
    resp = api.call("PATCH", f"/v1/kb/articles/{aid}", {"visibility": "public"}, token=admin)
    assert resp.status_code == 200 and resp.data["organization_ids"] == []
    assert api.call("GET", f"/v1/public/agency/kb/{aid}", token=kb.token("customer_b")).status_code == 200
    # But organisations given with a visibility that ignores them are a mistake the author hears of
    bad = api.call("PATCH", f"/v1/kb/articles/{aid}", {"visibility": "customers", "organization_ids": [
        kb.ids["org_a"].id]}, token=admin)
    assert bad.status_code == 422 and bad.data["error"]["details"]["field"] == "organization_ids"
