"""Acceptance (issue 15 B): the sample Microsoft Project plan imported through `POST /v1/imports/msproject` and
through `tandem import msproject`, then read back THROUGH THE API (`GET /v1/items?project_id=…`,
`GET /v1/items/{ref}`): hierarchy per WBS, planned dates, predecessors as references, % complete, assignees.
Importing again creates nothing; a dry run writes nothing; hostile XML is a 422, never a 500."""

from __future__ import annotations

import pytest

from integration.test_msproject_import import PARENTS, PREDECESSORS, SAMPLE, UIDS, plan_world
from tandem import cli
from tandem.domain.hierarchy import user_ref
from tandem.runtime import wiring

# What the sample plan says of each task by WBS (see the fixture's header): planned start and finish, % complete.
PLAN = {
    "1": ("2026-03-02", "2026-03-05", 100), "1.1": ("2026-03-02", "2026-03-02", 100),
    "1.2": ("2026-03-03", "2026-03-05", 100), "1.3": ("2026-03-05", "2026-03-05", 100),
    "2": ("2026-03-06", "2026-03-19", 45), "2.1": ("2026-03-06", "2026-03-12", 70),
    "2.1.1": ("2026-03-06", "2026-03-10", 80), "2.1.2": ("2026-03-11", "2026-03-12", 50),
    "2.2": ("2026-03-13", "2026-03-19", 20), "3": ("2026-03-06", "2026-03-27", 5),
    "3.1": ("2026-03-20", "2026-03-26", 0), "3.2": ("2026-03-20", "2026-03-27", 0),
    "3.3": ("2026-03-06", "2026-03-11", 25), "4": ("2026-03-27", "2026-03-27", 0),
}
WBS = dict(zip(UIDS, ["1", "1.1", "1.2", "1.3", "2", "2.1", "2.1.1", "2.1.2", "2.2", "3", "3.1", "3.2", "3.3", "4"],
               strict=True))
TITLES = {"1": "Discovery", "1.1": "Kick-off meeting", "2.1.1": "Home page wireframe", "3.3": "Content migration",
          "4": "Launch"}


def _project_tasks(api, token: str, project_id: str) -> list[dict]:
    page = api.call("GET", f"/v1/items?project_id={project_id}&kind=task&limit=200", token=token)
    assert page.status_code == 200, page.data
    return page.data["items"]


def _by_wbs(api, token: str, answer: dict) -> dict[str, dict]:
    """Each imported task read with GET /v1/items/{ref}, by the WBS of its plan task."""
    out = {}
    for row in answer["items"]:
        resp = api.call("GET", f"/v1/items/{row['ref']}", token=token)
        assert resp.status_code == 200, resp.data
        out[WBS[row["uid"]]] = resp.data
    return out


def _check_the_plan(api, token: str, project_id: str, answer: dict, w) -> None:
    # The project's task list holds exactly the 14 tasks
    listed = _project_tasks(api, token, project_id)
    assert sorted(i["ref"] for i in listed) == sorted(row["ref"] for row in answer["items"])
    items = _by_wbs(api, token, answer)
    ref_of = {wbs: item["ref"] for wbs, item in items.items()}
    wbs_of = {ref: wbs for wbs, ref in ref_of.items()}
    for wbs, item in items.items():
        # Hierarchy per WBS, both sides: "2.1.1" is a child of "2.1", and "2.1" lists it as a child
        parent = wbs.rsplit(".", 1)[0] if "." in wbs else None
        assert [wbs_of[x["ref"]] for x in item["links"] if x["kind"] == "parent"] == ([parent] if parent else [])
        children = sorted(wbs_of[x["ref"]] for x in item["links"] if x["kind"] == "child")
        assert children == sorted(c for c in items if c.rsplit(".", 1)[0] == wbs and "." in c)
        # Dates and progress as planned
        assert (item["planned_start"], item["planned_finish"], item["percent_complete"]) == PLAN[wbs]
        assert item["kind"] == "task" and item["project_id"] == project_id
    # Predecessors are references of the imported items (the links across branches too: 1.3 → 2.1.1, 1.2 → 3.3)
    uid_of = {wbs: uid for uid, wbs in WBS.items()}
    for wbs, item in items.items():
        assert sorted(item["predecessors"]) == sorted(ref_of[WBS[u]] for u in PREDECESSORS.get(uid_of[wbs], []))
    assert ref_of["1.3"] in items["2.1.1"]["predecessors"] and ref_of["1.2"] in items["3.3"]["predecessors"]
    assert {wbs: items[wbs]["title"] for wbs in TITLES} == TITLES
    # Assignees: Mia by her email, Ólaf by his name; the freelancer's tasks stay unassigned
    mia, olaf = user_ref(w.ids["member"].id), user_ref(w.ids["outsider"].id)
    assert items["1.1"]["assignees"] == [mia, olaf] and items["2.1.2"]["assignees"] == [olaf]
    assert items["3.3"]["assignees"] == [] and items["1.3"]["tags"] == ["milestone"]
    assert items["1.2"]["fields"] == {"duration_hours": 24}
    assert len(PARENTS) == sum(1 for i in items.values() for x in i["links"] if x["kind"] == "parent")


def test_the_sample_plan_imported_through_the_api_reads_back_whole_and_again_creates_nothing(api, container):
    # Given the agency world; when the admin posts the plan into Incoming (A)
    w = plan_world(container.deps)
    token, project_id = w.token("admin"), w.ids["incoming_a"].id
    body = {"project_id": project_id, "xml": SAMPLE.decode()}
    first = api.call("POST", "/v1/imports/msproject", body, token=token)
    # Then every task is created and what was left out is said
    assert first.status_code == 200, first.data
    assert {k: first.data[k] for k in ("tasks", "created", "skipped", "errors")} == {
        "tasks": 14, "created": 14, "skipped": 0, "errors": []}
    assert first.data["unmatched_resources"] == [
        {"uid": 3, "name": "Freelance Designer", "email": "studio@freelance.example"}]
    # And the API shows the plan as it was
    _check_the_plan(api, token, project_id, first.data, w)
    # When the same plan is posted again
    again = api.call("POST", "/v1/imports/msproject", body, token=token)
    # Then nothing is created, and the project still holds 14 tasks
    assert (again.status_code, again.data["created"], again.data["skipped"]) == (200, 0, 14)
    assert again.data["items"] == first.data["items"]
    assert len(_project_tasks(api, token, project_id)) == 14


def test_a_dry_run_through_the_api_answers_the_counts_and_writes_nothing(api, container):
    w = plan_world(container.deps)
    token, project_id = w.token("admin"), w.ids["incoming_b"].id
    body = {"project_id": project_id, "xml": SAMPLE.decode(), "dry_run": True}
    resp = api.call("POST", "/v1/imports/msproject", body, token=token)
    assert (resp.status_code, resp.data["created"], resp.data["skipped"], resp.data["items"]) == (200, 14, 0, [])
    assert _project_tasks(api, token, project_id) == []
    # And the real import afterwards still creates every task (a dry run leaves no marker)
    body["dry_run"] = False
    assert api.call("POST", "/v1/imports/msproject", body, token=token).data["created"] == 14


def test_the_projects_manager_imports_through_the_api(api, container):
    from tandem.services.authenticate import issue_token

    w = plan_world(container.deps)
    token = issue_token(container.deps, w.ids["manager"])
    resp = api.call("POST", "/v1/imports/msproject", {"project_id": w.ids["incoming_a"].id, "xml": SAMPLE.decode()},
                    token=token)
    assert (resp.status_code, resp.data["created"]) == (200, 14)


HOSTILE = [
    ('<?xml version="1.0"?><!DOCTYPE P [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
     '<Project xmlns="http://schemas.microsoft.com/project"><Title>&b;</Title></Project>', "xml"),
    ('<?xml version="1.0"?><!DOCTYPE P [<!ENTITY x SYSTEM "file:///etc/passwd">]><Project>&x;</Project>', "xml"),
    ("<Project><Tasks><Task>", "xml"),
    ("not xml at all", "xml"),
    (SAMPLE.decode().replace("<Duration>PT24H0M0S</Duration>", "<Duration>three days</Duration>", 1), "xml"),
]


@pytest.mark.parametrize(("xml", "field"), HOSTILE, ids=["entities", "external_entity", "truncated", "text",
                                                           "bad_duration"])
def test_unsafe_or_wrong_xml_is_a_422_naming_the_problem_and_nothing_is_created(api, container, xml, field):
    w = plan_world(container.deps)
    token, project_id = w.token("admin"), w.ids["incoming_a"].id
    resp = api.call("POST", "/v1/imports/msproject", {"project_id": project_id, "xml": xml}, token=token)
    assert resp.status_code == 422, resp.data
    assert resp.data["error"]["details"]["field"] == field
    assert _project_tasks(api, token, project_id) == []


def test_a_wrong_value_is_reported_with_its_task_uid(api, container):
    w = plan_world(container.deps)
    xml = SAMPLE.decode().replace("<Duration>PT24H0M0S</Duration>", "<Duration>three days</Duration>", 1)
    resp = api.call("POST", "/v1/imports/msproject", {"project_id": w.ids["incoming_a"].id, "xml": xml},
                    token=w.token("admin"))
    assert [(e["uid"], e["field"]) for e in resp.data["error"]["details"]["errors"]] == [(3, "Task[UID=3].Duration")]


@pytest.mark.parametrize("body", [{}, {"project_id": "p"}, {"xml": "<Project/>"}, {"project_id": "", "xml": "x"},
                                  {"project_id": "p", "xml": "<Project/>", "extra": 1}])
def test_a_body_that_breaks_the_model_is_a_422(api, container, body):
    w = plan_world(container.deps)
    resp = api.call("POST", "/v1/imports/msproject", body, token=w.token("admin"))
    assert resp.status_code == 422 and resp.data["error"]["code"] == "validation_error"


# --------------------------------------------------------------------------- the CLI


def _tandem(*argv: str) -> int:
    with pytest.raises(SystemExit) as done:
        cli.main(list(argv))
    return done.value.code


@pytest.fixture
def cli_world(container, monkeypatch):
    """The CLI builds its deps from the environment: here, the test's container."""
    monkeypatch.setattr(wiring, "build", lambda settings, **kwargs: container)
    return plan_world(container.deps)


def test_the_cli_imports_the_plan_prints_a_summary_and_again_creates_nothing(api, cli_world, tmp_path, capsys):
    # Given the plan as a file; when `tandem import msproject` runs it as a dry run, then for real, then again
    w = cli_world
    path = tmp_path / "plan.xml"
    path.write_bytes(SAMPLE)
    args = ("import", "msproject", str(path), "--tenant", "agency", "--project", w.ids["incoming_a"].id)
    assert _tandem(*args, "--dry-run") == 0
    dry = capsys.readouterr().out
    assert _tandem(*args) == 0
    real = capsys.readouterr().out
    assert _tandem(*args) == 0
    again = capsys.readouterr().out
    # Then it says what it would do, does it, and the second time skips everything
    assert "14 task(s), would create 14, skipped 0" in dry and "dry run: nothing was written" in dry
    assert "14 task(s), created 14, skipped 0" in real
    assert "unmatched resource: Freelance Designer <studio@freelance.example>" in real
    assert "warning: UID 11" in real and "start-to-start" in real
    assert "created 0, skipped 14" in again
    # And the API shows the 14 tasks
    assert len(_project_tasks(api, w.token("admin"), w.ids["incoming_a"].id)) == 14


def test_the_cli_says_why_it_cannot_import(cli_world, tmp_path, capsys):
    w = cli_world
    bad = tmp_path / "bad.xml"
    bad.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Project/>')
    project = ("--project", w.ids["incoming_a"].id)
    assert _tandem("import", "msproject", str(tmp_path / "missing.xml"), "--tenant", "agency", *project) == 2
    assert _tandem("import", "msproject", str(bad), "--tenant", "nobody", *project) == 2
    assert _tandem("import", "msproject", str(bad), "--tenant", "agency", *project) == 1
    assert _tandem("import", "msproject", str(bad), "--tenant", "agency", *project,
                   "--as", "mia@agency.example") == 1  # an agent who does not manage the project
    err = capsys.readouterr().err
    assert "cannot read" in err and "no tenant 'nobody'" in err and "DOCTYPE" in err and "managers" in err


def test_the_cli_help_has_examples(capsys):
    assert _tandem("import", "msproject", "--help") == 0
    out = capsys.readouterr().out
    assert "examples:" in out and "--dry-run" in out and "--tenant acme --project" in out
