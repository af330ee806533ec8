"""Importing a Microsoft Project plan through the use case (issue 15 B), on the agency world in memory: what each
task becomes, who may import, and that importing again, or again after a crash, creates nothing twice.

The plan is tests/fixtures/msproject/sample_plan.xml (14 tasks on 3 levels, see its header)."""

from __future__ import annotations

from pathlib import Path

import pytest

from integration.world import PASSWORD, _principal, build_world
from tandem.domain.errors import Forbidden, ValidationError
from tandem.domain.hierarchy import user_ref
from tandem.domain.msproject import PlanResource
from tandem.domain.people import Role
from tandem.domain.permissions import Principal
from tandem.services import manage_item_types, manage_people, manage_projects
from tandem.services.import_msproject import import_plan, match_resources, scope_of
from tandem.services.update_item import update_item

SAMPLE = (Path(__file__).resolve().parents[1] / "fixtures" / "msproject" / "sample_plan.xml").read_bytes()
PARENTS = {2: 1, 3: 1, 4: 1, 6: 5, 8: 5, 7: 6, 16: 6, 10: 9, 11: 9, 12: 9}
PREDECESSORS = {3: [2], 4: [3], 7: [4], 16: [7], 8: [6], 10: [8], 12: [3], 13: [11, 12]}
UIDS = [1, 2, 3, 4, 5, 6, 7, 16, 8, 9, 10, 11, 12, 13]


def plan_world(deps, *, duration_field: bool = True):
    """The agency world, Max an agent who manages Incoming (A) (and is a member of it), and the task type's form
    with a `duration_hours` number field (unless told otherwise)."""
    w = build_world(deps)
    admin = _principal(w.ids["admin"])
    project = w.ids["incoming_a"]
    max_ = manage_people.create_user(deps, admin, email="max@agency.example", name="Max Manager", password=PASSWORD)
    manage_projects.update_project(deps, admin, project.id, {"members": [*project.members, user_ref(max_.id)],
                                                             "managers": [max_.id]})
    task_type = next(t for t in deps.repos.item_types.list(admin.tenant_id).items if t.kind == "task")
    if duration_field:
        form = {"fields": [{"key": "duration_hours", "label": "Duration (hours)", "type": "number"}]}
        manage_item_types.update_item_type(deps, admin, task_type.id, {"form": form})
    w.ids.update(manager=max_, task_type=task_type, admin_p=admin)
    return w


def items_by_uid(deps, w, result) -> dict:
    refs = {row["uid"]: row["ref"] for row in result.items}
    return {uid: deps.repos.items.get(w.ids["tenant"].id, ref) for uid, ref in refs.items()}


def link_sets(items: dict) -> dict:
    """Per task UID: (parent UID, child UIDs, predecessor UIDs) read back from the stored items."""
    uid_of = {i.ref: uid for uid, i in items.items()}
    out = {}
    for uid, i in items.items():
        parents = [uid_of[link.ref] for link in i.links if link.kind == "parent"]
        children = sorted(uid_of[link.ref] for link in i.links if link.kind == "child")
        out[uid] = (parents[0] if parents else None, children, sorted(uid_of[r] for r in i.predecessors))
    return out


EXPECTED_LINKS = {
    uid: (PARENTS.get(uid), sorted(c for c, p in PARENTS.items() if p == uid), sorted(PREDECESSORS.get(uid, [])))
    for uid in UIDS
}


def test_every_task_becomes_a_task_item_with_its_plan_people_and_links(container):
    # Given the agency world and the sample plan; when the admin imports it into Incoming (A)
    deps = container.deps
    w = plan_world(deps)
    result = import_plan(deps, w.ids["admin_p"], w.ids["incoming_a"].id, SAMPLE)
    # Then all 14 tasks are created (the project summary is not), with nothing refused
    assert (result.tasks, result.created, result.skipped, result.errors) == (14, 14, 0, [])
    items = items_by_uid(deps, w, result)
    assert sorted(items) == sorted(UIDS)
    assert all(i.kind == "task" and i.type_id == w.ids["task_type"].id and i.project_id == w.ids["incoming_a"].id
               and i.via == "import" for i in items.values())
    # And the hierarchy is kept on both sides, the predecessors as references (the one across branches too)
    assert link_sets(items) == EXPECTED_LINKS
    # And dates, progress, duration, milestones, notes and assignees come over
    kickoff, signoff, visual = items[2], items[4], items[8]
    assert (kickoff.planned_start, kickoff.planned_finish, kickoff.percent_complete) == ("2026-03-02", "2026-03-02",
                                                                                         100)
    assert kickoff.fields == {"duration_hours": 4.5} and kickoff.description.startswith("Agenda:")
    mia, olaf = user_ref(w.ids["member"].id), user_ref(w.ids["outsider"].id)
    assert kickoff.assignees == [mia, olaf] and items[7].assignees == [olaf] and visual.assignees == []
    assert signoff.tags == ["milestone"] and signoff.planned_start == signoff.planned_finish == "2026-03-05"
    assert [items[u].percent_complete for u in (7, 16, 8, 12)] == [80, 50, 20, 25]
    # And what was left out is said: the freelancer matches nobody, the start-to-start link is not kept
    assert [r["name"] for r in result.unmatched_resources] == ["Freelance Designer"]
    assert [(x["uid"], "start-to-start" in x["message"]) for x in result.warnings] == [(11, True)]


def test_importing_the_same_plan_again_creates_and_changes_nothing(container):
    deps = container.deps
    w = plan_world(deps)
    first = import_plan(deps, w.ids["admin_p"], w.ids["incoming_a"].id, SAMPLE)
    versions = {uid: i.version for uid, i in items_by_uid(deps, w, first).items()}
    # When the same plan is imported again (by the project's manager this time)
    again = import_plan(deps, _principal(w.ids["manager"]), w.ids["incoming_a"].id, SAMPLE)
    # Then nothing is created and no item is written again
    assert (again.created, again.skipped, again.errors) == (0, 14, [])
    assert again.items == first.items
    assert {uid: i.version for uid, i in items_by_uid(deps, w, again).items()} == versions


def crash_on_call(monkeypatch, repo, name: str, nth: int, reason: str) -> None:
    """`repo.name` fails on its `nth` call as a crash would (nothing after it happens); earlier calls go through."""
    real, calls = getattr(repo, name), []

    def crashing(*args, **kwargs):
        calls.append(1)
        if len(calls) == nth:
            raise RuntimeError(reason)
        return real(*args, **kwargs)

    monkeypatch.setattr(repo, name, crashing)


def test_a_run_that_crashed_half_way_is_completed_by_running_it_again(container, monkeypatch):
    # Given an import whose sixth create fails as a crash would (nothing after it happens)
    deps = container.deps
    w = plan_world(deps)
    crash_on_call(monkeypatch, deps.repos.items, "create", 6, "Lambda timed out")
    with pytest.raises(RuntimeError):
        import_plan(deps, w.ids["admin_p"], w.ids["incoming_a"].id, SAMPLE)
    monkeypatch.undo()
    # When it runs again
    result = import_plan(deps, w.ids["admin_p"], w.ids["incoming_a"].id, SAMPLE)
    # Then the five made before are skipped, the rest created, and the plan is whole: links as a clean run makes them
    assert (result.created, result.skipped, result.errors) == (9, 5, [])
    items = items_by_uid(deps, w, result)
    assert link_sets(items) == EXPECTED_LINKS
    project_tasks = [i for i in deps.repos.items._items.values() if i.project_id == w.ids["incoming_a"].id
                     and i.kind == "task"]
    assert len(project_tasks) == 14


def test_a_run_that_crashed_while_linking_is_completed_by_running_it_again(container, monkeypatch):
    deps = container.deps
    w = plan_world(deps)
    crash_on_call(monkeypatch, deps.repos.items, "save", 4, "connection lost")
    with pytest.raises(RuntimeError):
        import_plan(deps, w.ids["admin_p"], w.ids["incoming_a"].id, SAMPLE)
    monkeypatch.undo()
    result = import_plan(deps, w.ids["admin_p"], w.ids["incoming_a"].id, SAMPLE)
    assert (result.created, result.skipped, result.errors) == (0, 14, [])
    assert link_sets(items_by_uid(deps, w, result)) == EXPECTED_LINKS


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(container):
    deps = container.deps
    w = plan_world(deps)
    before = len(deps.repos.items._items)
    result = import_plan(deps, w.ids["admin_p"], w.ids["incoming_a"].id, SAMPLE, dry_run=True)
    assert (result.tasks, result.created, result.skipped, result.items) == (14, 14, 0, [])
    assert [r["name"] for r in result.unmatched_resources] == ["Freelance Designer"]
    assert len(deps.repos.items._items) == before
    assert deps.repos.imports.made(w.ids["tenant"].id, scope_of(w.ids["incoming_a"].id), ["1", "2"]) == {}


def test_tasks_the_create_use_case_refuses_are_listed_by_uid_in_a_dry_run_and_a_real_one(container):
    # Given a task type whose form requires an answer the plan cannot give
    deps = container.deps
    w = plan_world(deps, duration_field=False)
    form = {"fields": [{"key": "budget_code", "label": "Budget code", "type": "text", "required": True}]}
    manage_item_types.update_item_type(deps, w.ids["admin_p"], w.ids["task_type"].id, {"form": form})
    # When the plan is imported, dry and for real
    dry = import_plan(deps, w.ids["admin_p"], w.ids["incoming_a"].id, SAMPLE, dry_run=True)
    real = import_plan(deps, w.ids["admin_p"], w.ids["incoming_a"].id, SAMPLE)
    # Then both list every task with the field at fault, and nothing is created
    for result in (dry, real):
        assert result.created == 0
        assert [(e["uid"], e["field"]) for e in result.errors] == [(u, "budget_code") for u in UIDS]


def test_without_a_duration_field_the_duration_is_not_stored(container):
    deps = container.deps
    w = plan_world(deps, duration_field=False)
    result = import_plan(deps, w.ids["admin_p"], w.ids["incoming_a"].id, SAMPLE)
    assert result.errors == [] and all(i.fields == {} for i in items_by_uid(deps, w, result).values())


def test_admins_and_the_projects_managers_import_members_and_customers_do_not(container):
    deps = container.deps
    w = plan_world(deps)
    project_id = w.ids["incoming_a"].id
    # A member agent who does not manage it: 403; an agent who cannot see it, a customer of another project: 422
    m = w.ids["member"]
    member = Principal(m.tenant_id, m.id, m.role, (w.ids["team"].id,))  # a member through the support team
    with pytest.raises(Forbidden):
        import_plan(deps, member, project_id, SAMPLE)
    with pytest.raises(Forbidden):
        import_plan(deps, _principal(w.ids["cust_a"]), project_id, SAMPLE)  # follows it, administers nothing
    for who in ("outsider", "cust_b"):
        with pytest.raises(ValidationError) as caught:
            import_plan(deps, _principal(w.ids[who]), project_id, SAMPLE)
        assert caught.value.details["field"] == "project_id"
    assert import_plan(deps, _principal(w.ids["manager"]), project_id, SAMPLE).created == 14


def test_a_plan_with_wrong_values_imports_nothing(container):
    deps = container.deps
    w = plan_world(deps)
    broken = SAMPLE.replace(b"<PercentComplete>80</PercentComplete>", b"<PercentComplete>180</PercentComplete>")
    with pytest.raises(ValidationError) as caught:
        import_plan(deps, w.ids["admin_p"], w.ids["incoming_a"].id, broken)
    assert [(e["uid"], e["field"]) for e in caught.value.details["errors"]] == [(7, "Task[UID=7].PercentComplete")]
    assert deps.repos.imports.made(w.ids["tenant"].id, scope_of(w.ids["incoming_a"].id), ["1"]) == {}


def test_resources_match_active_staff_by_email_then_by_name_without_case_or_accents(container):
    deps = container.deps
    w = plan_world(deps)
    admin = w.ids["admin_p"]
    twin_a = manage_people.create_user(deps, admin, email="sam1@agency.example", name="Sam Same", password=PASSWORD)
    manage_people.create_user(deps, admin, email="sam2@agency.example", name="Sam Same", password=PASSWORD)
    resources = [
        PlanResource(1, "Someone Else", "MIA@agency.example"),  # the email wins over the name
        PlanResource(2, "ÓLAF   outsider", None),
        PlanResource(3, "Alice A", "alice@customer-a.example"),  # a customer: not staff
        PlanResource(4, "Sam Same", None),  # two staff users share the name: neither
        PlanResource(5, "Nobody", "sam1@agency.example"),
    ]
    matched, unmatched = match_resources(deps, w.ids["tenant"].id, resources)
    assert matched == {1: user_ref(w.ids["member"].id), 2: user_ref(w.ids["outsider"].id), 5: user_ref(twin_a.id)}
    assert [r.uid for r in unmatched] == [3, 4]
    assert w.ids["cust_a"].role is Role.CUSTOMER


def test_a_task_added_to_the_plan_is_created_and_linked_on_the_next_import_and_the_rest_left_as_it_is(container):
    # Given the plan imported, then a task renamed in Tandem, and a new task added to the plan under Wireframes
    deps = container.deps
    w = plan_world(deps)
    project_id = w.ids["incoming_a"].id
    first = import_plan(deps, w.ids["admin_p"], project_id, SAMPLE)
    refs = {row["uid"]: row["ref"] for row in first.items}
    update_item(deps, w.ids["admin_p"], refs[7], {"title": "Home page wireframe (v2)"})
    added = ("<Task><UID>17</UID><ID>9</ID><Name>Checkout wireframe</Name><WBS>2.1.3</WBS><OutlineNumber>2.1.3"
             "</OutlineNumber><OutlineLevel>3</OutlineLevel><PredecessorLink><PredecessorUID>16</PredecessorUID>"
             "<Type>1</Type></PredecessorLink></Task>")
    grown = SAMPLE.replace(b"<Task>\n      <UID>8</UID>", added.encode() + b"<Task>\n      <UID>8</UID>")
    # When the grown plan is imported
    again = import_plan(deps, w.ids["admin_p"], project_id, grown)
    # Then only the new task is created, under Wireframes and after the product page; nothing else is overwritten
    assert (again.tasks, again.created, again.skipped, again.errors) == (15, 1, 14, [])
    items = items_by_uid(deps, w, again)
    assert link_sets(items)[17] == (6, [], [16]) and 17 in link_sets(items)[6][1]
    assert items[7].title == "Home page wireframe (v2)"
