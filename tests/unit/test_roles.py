"""Roles and privileges (issue 15): the vocabulary, the built-ins, and the permission function deciding by them."""

from __future__ import annotations

import pytest

from tandem.domain.errors import ValidationError
from tandem.domain.hierarchy import Project, team_ref
from tandem.domain.items import Item
from tandem.domain.people import Role
from tandem.domain.permissions import (
    Action,
    Area,
    AreaTarget,
    ItemTarget,
    Principal,
    ProjectTarget,
    allowed,
    needs_managers,
    needs_project,
    reads_everyones_time,
    visible,
)
from tandem.domain.roles import AGENT, ALL, BUILTINS, RoleDef, builtin_role, check_privileges, check_role
from tandem.domain.statuses import Category
from tandem.domain.tenants import Tenant

NOW = "2026-11-22T10:00:00.000Z"
TENANT = Tenant("t1", "acme", "Acme", "acme.tandem.local", NOW)
PROJECT = Project("t1", "p1", "Incoming A", NOW, members=[team_ref("support")], followers=["ca"], managers=["max"])
OTHER_PROJECT = Project("t1", "p2", "Incoming B", NOW)


def _item(project_id: str = "p1") -> Item:
    return Item(tenant_id="t1", id="i1", ref="T-1", kind="ticket", type_id="ty", title="x", status="new",
                status_category=Category.NEW, created_at=NOW, updated_at=NOW, requester_id="ca",
                project_id=project_id)


def who(role_id: str, user_id: str = "u1", teams: tuple[str, ...] = ("support",)) -> Principal:
    role = BUILTINS[role_id]
    return Principal("t1", user_id, Role(role.base), teams, privileges=role.grants, role_id=role_id)


def test_a_principal_without_privileges_holds_its_base_roles_builtin():
    assert Principal("t1", "a", Role.ADMIN).privileges == ALL
    assert Principal("t1", "a", Role.AGENT).privileges == AGENT
    assert Principal("t1", "a", Role.AGENT).role_id == "agent"
    assert Principal("t1", "c", Role.CUSTOMER).privileges == frozenset()
    assert Principal("t1", "c", Role.CUSTOMER).role_id is None


def test_customers_and_keys_hold_nothing_even_when_told_so():
    customer = Principal("t1", "c", Role.CUSTOMER, privileges=ALL)
    assert not customer.holds("settings.manage")
    assert not allowed(customer, Action.ADMINISTER, AreaTarget("t1", Area.SETTINGS))


def test_the_builtin_ids_are_fixed_and_read_only():
    assert set(BUILTINS) == {"admin", "agent", "light_agent", "project_manager", "billing"}
    copy = builtin_role("billing", "t1")
    assert copy is not None and copy.builtin and copy.tenant_id == "t1"
    copy.privileges.append("settings.manage")
    assert "settings.manage" not in BUILTINS["billing"].privileges
    assert builtin_role("nope") is None


def test_a_light_agent_writes_private_notes_only_on_items_of_its_projects():
    light = who("light_agent")
    mine, elsewhere = ItemTarget(TENANT, _item(), PROJECT), ItemTarget(TENANT, _item("p2"), OTHER_PROJECT)
    assert visible(light, Action.READ, mine) and not visible(light, Action.READ, elsewhere)
    assert allowed(light, Action.COMMENT_PRIVATE, mine)
    for action in (Action.COMMENT_PUBLIC, Action.UPDATE, Action.CONVERT):
        assert not allowed(light, action, mine), action
    assert allowed(light, Action.READ_HISTORY, mine)
    assert not allowed(light, Action.CREATE, AreaTarget("t1", Area.ITEMS))
    assert not allowed(light, Action.READ, AreaTarget("t1", Area.CHATS))  # live chat is a public reply


def test_billing_reads_every_item_and_everyones_time_and_changes_nothing():
    billing = who("billing", teams=())
    elsewhere = ItemTarget(TENANT, _item("p2"), OTHER_PROJECT)
    assert visible(billing, Action.READ, elsewhere) and not needs_project(billing, TENANT, _item("p2"))
    assert not any(allowed(billing, a, elsewhere) for a in (Action.UPDATE, Action.COMMENT_PRIVATE,
                                                            Action.COMMENT_PUBLIC))
    assert reads_everyones_time(billing)
    someone_elses = AreaTarget("t1", Area.TIMESHEETS, {"owner_id": "mia"})
    assert allowed(billing, Action.READ, someone_elses)
    assert not allowed(billing, Action.UPDATE, someone_elses)
    assert not allowed(billing, Action.ADMINISTER, someone_elses)
    assert not allowed(billing, Action.CREATE, AreaTarget("t1", Area.TIMESHEETS))  # tracks no time of its own
    assert not allowed(billing, Action.READ, AreaTarget("t1", Area.TIMERS))


def test_a_project_manager_manages_every_project_and_decides_everyones_time():
    pm = who("project_manager", teams=())
    assert allowed(pm, Action.UPDATE, ProjectTarget(TENANT, OTHER_PROJECT))
    assert allowed(pm, Action.ADMINISTER, ProjectTarget(TENANT, OTHER_PROJECT))
    assert allowed(pm, Action.CREATE, AreaTarget("t1", Area.PROJECTS))
    assert allowed(pm, Action.ADMINISTER, AreaTarget("t1", Area.TIMESHEETS, {"owner_id": "*"}))
    assert not needs_managers(pm, "mia", Action.ADMINISTER)
    assert not allowed(pm, Action.UPDATE, AreaTarget("t1", Area.TIMESHEETS, {"owner_id": "mia"}))  # no time.manage
    assert not allowed(pm, Action.ADMINISTER, AreaTarget("t1", Area.SETTINGS))


def test_a_projects_own_manager_administers_that_project_only():
    max_ = Principal("t1", "max", Role.AGENT)
    assert allowed(max_, Action.ADMINISTER, ProjectTarget(TENANT, PROJECT))
    assert not allowed(max_, Action.UPDATE, ProjectTarget(TENANT, PROJECT))  # changing it stays projects.manage
    assert not allowed(max_, Action.ADMINISTER, ProjectTarget(TENANT, OTHER_PROJECT))
    assert allowed(Principal("t1", "ad", Role.ADMIN), Action.ADMINISTER, ProjectTarget(TENANT, OTHER_PROJECT))


def test_a_custom_role_is_decided_by_its_privileges_alone():
    notes_only = Principal("t1", "u", Role.AGENT, ("support",), privileges=frozenset({"items.note"}),
                           role_id="r-custom")
    target = ItemTarget(TENANT, _item(), PROJECT)
    assert allowed(notes_only, Action.COMMENT_PRIVATE, target)
    assert not allowed(notes_only, Action.COMMENT_PUBLIC, target)
    assert not allowed(notes_only, Action.READ, AreaTarget("t1", Area.USERS))  # no directory.read
    assert not allowed(notes_only, Action.READ, AreaTarget("t1", Area.VIEWS))
    settings_admin = Principal("t1", "s", Role.AGENT, privileges=frozenset({"settings.manage"}))
    assert allowed(settings_admin, Action.ADMINISTER, AreaTarget("t1", Area.INBOUND_WEBHOOKS))
    assert not allowed(settings_admin, Action.CREATE, AreaTarget("t1", Area.USERS))


def test_roles_are_managed_by_people_managers():
    assert allowed(who("admin"), Action.CREATE, AreaTarget("t1", Area.ROLES))
    for role_id in ("agent", "light_agent", "project_manager", "billing"):
        assert not allowed(who(role_id), Action.READ, AreaTarget("t1", Area.ROLES)), role_id


def test_chats_another_agent_took_are_stepped_into_by_those_who_see_every_item():
    taken = AreaTarget("t1", Area.CHATS, {"agent_id": "mia"})
    assert allowed(who("admin"), Action.UPDATE, taken)
    assert not allowed(who("agent"), Action.UPDATE, taken)
    assert allowed(who("agent", user_id="mia"), Action.UPDATE, taken)


def test_unknown_privileges_are_named_by_index():
    assert check_privileges(["views.save", "items.note", "items.note"]) == ["items.note", "views.save"]
    with pytest.raises(ValidationError) as caught:
        check_privileges(["items.note", "items.fly", "kb.write", "root"])
    fields = [e["field"] for e in caught.value.details["errors"]]
    assert fields == ["privileges[1]", "privileges[3]"]


def test_a_custom_role_may_not_take_a_builtin_name_or_another_base():
    with pytest.raises(ValidationError):
        check_role(RoleDef("t1", "r1", " light AGENT ", NOW))
    with pytest.raises(ValidationError):
        check_role(RoleDef("t1", "r1", "Support lead", NOW, base="customer"))  # type: ignore[arg-type]
    assert check_role(RoleDef("t1", "r1", " Support lead ", NOW)).name == "Support lead"


def test_keys_and_hooks_are_handed_out_only_by_those_who_reach_every_item():
    # An API key reads and changes every item; a REST hook is sent every item's events.
    configurator = Principal("t1", "s", Role.AGENT, privileges=frozenset({"settings.manage", "items.edit"}))
    overseer = Principal("t1", "o", Role.AGENT, privileges=frozenset({"settings.manage", "items.see_all"}))
    assert not allowed(configurator, Action.ADMINISTER, AreaTarget("t1", Area.API_KEYS))
    assert not allowed(configurator, Action.ADMINISTER, AreaTarget("t1", Area.HOOKS))
    assert allowed(overseer, Action.ADMINISTER, AreaTarget("t1", Area.HOOKS))
    assert not allowed(overseer, Action.ADMINISTER, AreaTarget("t1", Area.API_KEYS))
    assert allowed(who("admin"), Action.ADMINISTER, AreaTarget("t1", Area.API_KEYS))
