"""The one permission function, decided on plain dataclasses."""

from __future__ import annotations

import pytest

from tandem.domain.hierarchy import Project, team_ref, user_ref
from tandem.domain.items import Item
from tandem.domain.messages import Message, Visibility
from tandem.domain.people import Role
from tandem.domain.permissions import (
    Action,
    Area,
    AreaTarget,
    ItemTarget,
    MessageTarget,
    Principal,
    ProjectTarget,
    allowed,
    needs_project,
    visible,
)
from tandem.domain.statuses import Category
from tandem.domain.tenants import PortalVisibility, Tenant

NOW = "2026-11-22T10:00:00.000Z"


def tenant(visibility=PortalVisibility.OWN_AND_FOLLOWED, see_all=False) -> Tenant:
    t = Tenant("t1", "acme", "Acme", "acme.tandem.local", NOW, agents_see_all=see_all)
    t.portal.visibility = visibility
    return t


def item(**kw) -> Item:
    base = dict(
        tenant_id="t1",
        id="i1",
        ref="T-1",
        kind="ticket",
        type_id="ty",
        title="x",
        status="new",
        status_category=Category.NEW,
        created_at=NOW,
        updated_at=NOW,
        requester_id="ca",
        organization_id="oa",
        project_id="p1",
    )
    return Item(**{**base, **kw})


PROJECT = Project("t1", "p1", "Incoming A", NOW, members=[team_ref("support")], followers=["ca"])
ADMIN = Principal("t1", "admin", Role.ADMIN)
MEMBER = Principal("t1", "mia", Role.AGENT, team_ids=("support",))
OUTSIDER = Principal("t1", "olaf", Role.AGENT)
CUST_A = Principal("t1", "ca", Role.CUSTOMER, organization_id="oa")
CUST_A2 = Principal("t1", "ca2", Role.CUSTOMER, organization_id="oa")
CUST_B = Principal("t1", "cb", Role.CUSTOMER, organization_id="ob")
FOREIGN_ADMIN = Principal("t2", "admin", Role.ADMIN)


def sees(p, t=None, i=None, project=PROJECT) -> bool:
    return visible(p, Action.READ, ItemTarget(t or tenant(), i or item(), project))


def test_admins_see_everything_in_their_tenant_and_nothing_elsewhere():
    assert sees(ADMIN)
    assert not sees(FOREIGN_ADMIN)
    assert not allowed(FOREIGN_ADMIN, Action.ADMINISTER, AreaTarget("t1", Area.SETTINGS))


def test_agents_see_projects_they_belong_to_directly_or_through_a_team():
    assert sees(MEMBER)
    assert not sees(OUTSIDER)
    direct = Project("t1", "p1", "Incoming A", NOW, members=[user_ref("olaf")])
    assert sees(OUTSIDER, project=direct)
    assert sees(OUTSIDER, t=tenant(see_all=True))  # open tenant
    assert sees(OUTSIDER, i=item(assignees=[user_ref("olaf")]))  # assigned to them


@pytest.mark.parametrize(
    ("mode", "a", "a2_same_org", "b"),
    [
        (PortalVisibility.NONE, False, False, False),
        (PortalVisibility.OWN, True, False, False),
        (PortalVisibility.OWN_AND_FOLLOWED, True, False, False),
        (PortalVisibility.OWN_AND_ORGANIZATION, True, True, False),
        (PortalVisibility.ALL_PUBLIC, True, True, True),
    ],
)
def test_customers_per_portal_mode(mode, a, a2_same_org, b):
    t = tenant(mode)
    assert sees(CUST_A, t) is a
    assert sees(CUST_A2, t) is a2_same_org
    assert sees(CUST_B, t) is b


def test_followed_project_items_reach_followers_only_in_that_mode():
    agent_item = item(requester_id="mia", organization_id=None)
    assert sees(CUST_A, tenant(PortalVisibility.OWN_AND_FOLLOWED), agent_item)
    assert not sees(CUST_A, tenant(PortalVisibility.OWN), agent_item)
    assert not sees(CUST_B, tenant(PortalVisibility.OWN_AND_FOLLOWED), agent_item)
    assert not sees(CUST_A, tenant(PortalVisibility.OWN_AND_FOLLOWED), item(requester_id="x", portal_visible=False))


def test_private_messages_never_reach_customers():
    private = Message("t1", "m1", "i1", "admin", "secret", Visibility.PRIVATE, "web", NOW)
    public = Message("t1", "m2", "i1", "admin", "hello", Visibility.PUBLIC, "web", NOW)
    for mode in PortalVisibility:
        target = MessageTarget(tenant(mode), item(), private, PROJECT)
        assert not allowed(CUST_A, Action.READ, target)
    assert allowed(CUST_A, Action.READ, MessageTarget(tenant(), item(), public, PROJECT))
    assert allowed(MEMBER, Action.READ, MessageTarget(tenant(), item(), private, PROJECT))


def test_customers_comment_publicly_but_never_change_fields():
    target = ItemTarget(tenant(), item(), PROJECT)
    assert allowed(CUST_A, Action.COMMENT_PUBLIC, target)
    for action in (Action.UPDATE, Action.COMMENT_PRIVATE, Action.CONVERT):
        assert not allowed(CUST_A, action, target)


def test_directory_areas_by_role():
    assert allowed(MEMBER, Action.READ, AreaTarget("t1", Area.USERS))
    assert not allowed(MEMBER, Action.CREATE, AreaTarget("t1", Area.USERS))
    assert allowed(MEMBER, Action.CREATE, AreaTarget("t1", Area.CUSTOMERS))
    assert not allowed(CUST_A, Action.READ, AreaTarget("t1", Area.USERS))
    assert allowed(CUST_A, Action.READ, AreaTarget("t1", Area.PROJECTS))
    assert not allowed(None, Action.READ, AreaTarget("t1", Area.PROJECTS))


def test_project_visibility():
    assert visible(CUST_A, Action.READ, ProjectTarget(tenant(), PROJECT))
    assert not visible(CUST_B, Action.READ, ProjectTarget(tenant(), PROJECT))
    assert not visible(OUTSIDER, Action.READ, ProjectTarget(tenant(), PROJECT))


def test_project_is_loaded_only_when_the_decision_needs_it():
    assert not needs_project(ADMIN, tenant(), item())
    assert not needs_project(CUST_A, tenant(), item())  # own request
    assert needs_project(CUST_B, tenant(), item())
    assert not needs_project(CUST_B, tenant(PortalVisibility.OWN), item())
    assert needs_project(OUTSIDER, tenant(), item())
    assert not needs_project(OUTSIDER, tenant(see_all=True), item())


def _article(state: str = "published", visibility: str = "public", orgs: tuple[str, ...] = ()):
    from tandem.domain.kb import Article, ArticleState, ArticleVisibility

    return Article("t1", "a1", "Help", NOW, NOW, state=ArticleState(state), visibility=ArticleVisibility(visibility),
                   organization_ids=list(orgs))


KB_READERS = {
    "anonymous": None,
    "customer_a": Principal("t1", "c1", Role.CUSTOMER, organization_id="org-a"),
    "customer_b": Principal("t1", "c2", Role.CUSTOMER, organization_id="org-b"),
    "customer_none": Principal("t1", "c3", Role.CUSTOMER),
    "agent": Principal("t1", "a1", Role.AGENT),
    "admin": Principal("t1", "ad", Role.ADMIN),
    "api_key": Principal("t1", "k1", Role.INTEGRATION, scopes=frozenset({"items:read"})),
    "other_tenant_admin": Principal("t2", "x", Role.ADMIN),
}
# Columns: public, customers, organisation A only, draft (public).
KB_TABLE = {
    "anonymous": (True, False, False, False),
    "customer_a": (True, True, True, False),
    "customer_b": (True, True, False, False),
    "customer_none": (True, True, False, False),
    "agent": (True, True, True, True),
    "admin": (True, True, True, True),
    "api_key": (True, False, False, False),
    "other_tenant_admin": (False, False, False, False),
}


@pytest.mark.parametrize("who", sorted(KB_TABLE))
def test_who_reads_which_article(who):
    from tandem.domain.permissions import ArticleTarget

    articles = (_article(), _article(visibility="customers"), _article(visibility="organizations", orgs=("org-a",)),
                _article(state="draft"))
    p = KB_READERS[who]
    assert tuple(allowed(p, Action.READ, ArticleTarget(a)) for a in articles) == KB_TABLE[who]
    assert tuple(visible(p, Action.READ, ArticleTarget(a)) for a in articles) == KB_TABLE[who]


def test_only_staff_change_articles_and_admins_categories():
    from tandem.domain.permissions import ArticleTarget

    public = ArticleTarget(_article())
    assert allowed(KB_READERS["agent"], Action.UPDATE, public)
    assert not allowed(KB_READERS["customer_a"], Action.UPDATE, public)
    assert not allowed(None, Action.UPDATE, public)
    categories = AreaTarget("t1", Area.KB_CATEGORIES)
    assert allowed(KB_READERS["agent"], Action.READ, categories)
    assert not allowed(KB_READERS["agent"], Action.CREATE, categories)
    assert allowed(KB_READERS["admin"], Action.CREATE, categories)
    assert not allowed(KB_READERS["customer_a"], Action.READ, AreaTarget("t1", Area.KB_ARTICLES))
    assert not allowed(KB_READERS["api_key"], Action.READ, AreaTarget("t1", Area.KB_ARTICLES))


def test_agents_ask_to_join_projects_and_their_managers_and_admins_decide():
    # Given a project managed by Max, who is no member of it
    managed = Project("t1", "p1", "Incoming A", NOW, members=[team_ref("support")], managers=["max"])
    target = ProjectTarget(tenant(), managed)
    max_ = Principal("t1", "max", Role.AGENT)
    key = Principal("t1", "key", Role.INTEGRATION, scopes=frozenset({"items:read", "items:write", "hooks"}))
    # Then every agent may ask (members too: the request says they are one already), nobody else
    assert [allowed(p, Action.JOIN, target) for p in (MEMBER, OUTSIDER, max_)] == [True, True, True]
    assert [allowed(p, Action.JOIN, target) for p in (ADMIN, CUST_A, key, FOREIGN_ADMIN)] == [False] * 4
    # And admins and the project's managers decide (administer), members and outsiders do not
    assert [allowed(p, Action.ADMINISTER, target) for p in (ADMIN, max_)] == [True, True]
    assert [allowed(p, Action.ADMINISTER, target) for p in (MEMBER, OUTSIDER, CUST_A, key)] == [False] * 4
    # While reading the project is unchanged: the manager reads it, the outsider does not
    assert visible(max_, Action.READ, target) and not visible(OUTSIDER, Action.READ, target)
