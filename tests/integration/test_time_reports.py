"""Time reports, time spent on an item and itemised statements through the API (issue 13), on the agency world:
the stream handler keeps the aggregates, the reports add up to the timesheets written, in JSON, CSV and XLSX."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io

import pytest

from integration.test_notifications import pump
from integration.test_stream_dynamodb import drain, stack  # noqa: F401  (stack: the moto table with its stream)
from integration.world import build_world

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MARCH = "from=2026-03-01&to=2026-03-31"


@pytest.fixture
def world(api, container):
    return build_world(container.deps)


def _sheet(api, w, who: str, item: str, day: str, minutes: int, billable: bool = True, note: str = "") -> dict:
    body = {"item_ref": w.ids[item].ref, "date": day, "minutes": minutes, "billable": billable, "note": note}
    resp = api.call("POST", "/v1/timesheets", body, token=w.token(who))
    assert resp.status_code == 201, resp.data
    return resp.data


@pytest.fixture
def timed(api, container, world):
    """Timesheets of three people on A's and B's tickets in March (one rejected, one in April), the stream pumped."""
    w = world
    made = [
        _sheet(api, w, "admin", "item_a", "2026-03-02", 60, note="kick-off"),
        _sheet(api, w, "admin", "item_a", "2026-03-10", 30, billable=False),
        _sheet(api, w, "agent_member", "item_a", "2026-03-05", 45, note="=SUM(A1)"),
        _sheet(api, w, "agent_nonmember", "item_b", "2026-03-06", 90),
        _sheet(api, w, "agent_nonmember", "item_b", "2026-04-01", 20),
        _sheet(api, w, "admin", "item_b", "2026-03-31", 15),
    ]
    rejected = _sheet(api, w, "agent_member", "item_a", "2026-03-09", 500)
    assert api.call("POST", f"/v1/timesheets/{rejected['id']}/submit", token=w.token("agent_member")).status_code == 200
    assert api.call("POST", f"/v1/timesheets/{rejected['id']}/reject", {"reason": "twice"},
                    token=w.token("admin")).status_code == 200
    pump(container)
    return [s for s in made if s["date"].startswith("2026-03")]


def _sums(sheets: list[dict], key: str) -> dict:
    found: dict = {}
    for s in sheets:
        minutes, billable, count = found.get(s[key], (0, 0, 0))
        found[s[key]] = (minutes + s["minutes"], billable + (s["minutes"] if s["billable"] else 0), count + 1)
    return found


@pytest.mark.parametrize("group_by", ["project", "organization"])
def test_a_months_report_adds_up_to_the_timesheets_in_json_csv_and_xlsx(api, world, timed, group_by):
    w, admin = world, world.token("admin")
    expected = _sums(timed, f"{group_by}_id")
    # The sheets were placed by their items: A's ticket is project Incoming A and organisation CustomerA
    assert {s["organization_id"] for s in timed} == {w.ids["org_a"].id, w.ids["org_b"].id}
    # When the admin asks for March grouped by project / organisation
    resp = api.call("GET", f"/v1/reports/time?group_by={group_by}&{MARCH}", token=admin)
    assert resp.status_code == 200, resp.data
    rows = {r["group"]: (r["minutes"], r["billable_minutes"], r["count"]) for r in resp.data["rows"]}
    # Then each row is the sum of its timesheets (not the rejected one, not April's) and the total the sum of all
    assert rows == expected
    assert resp.data["total"] == {"minutes": 240, "billable_minutes": 210, "count": 5}
    names = {w.ids["incoming_a"].id: "Incoming tickets (A)", w.ids["org_a"].id: "CustomerA"}
    assert {r["name"] for r in resp.data["rows"]} & set(names.values())
    # The CSV has the same rows, minutes and hours as numbers, and a total row
    text = api.call("GET", f"/v1/reports/time?group_by={group_by}&{MARCH}&format=csv", token=admin)
    assert text.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(text.body.decode() if isinstance(text.body, bytes) else text.body)))
    assert {r[group_by]: (int(r["minutes"]), int(r["billable_minutes"]), int(r["count"]))
            for r in table if r["name"] != "Total"} == expected
    assert [float(r["hours"]) for r in table if r["name"] == "Total"] == [4.0]
    # And the XLSX, opened with openpyxl, has typed numbers with the same sums
    book = _xlsx(api, f"/v1/reports/time?group_by={group_by}&{MARCH}&format=xlsx", admin)
    cells = list(book.active.iter_rows(values_only=True))
    assert cells[0][:4] == (group_by, "name", "minutes", "hours")
    assert {r[0]: (r[2], r[4], r[6]) for r in cells[1:-1]} == expected
    assert cells[-1][1:4] == ("Total", 240, 4)


def _xlsx(api, path: str, token: str):
    from openpyxl import load_workbook

    resp = api.call("GET", path, token=token, headers={"Accept": XLSX})
    assert resp.status_code == 200 and resp.headers["content-type"] == XLSX
    return load_workbook(io.BytesIO(resp.body))


def test_day_reports_download_real_dates(api, world, timed):
    book = _xlsx(api, f"/v1/reports/time?group_by=day&{MARCH}&format=xlsx", world.token("admin"))
    days = [r[0] for r in book.active.iter_rows(min_row=2, values_only=True) if r[1] != "Total"]
    assert days == sorted(days) and dt.datetime(2026, 3, 2) in days and all(isinstance(d, dt.datetime) for d in days)
    weeks = api.call("GET", f"/v1/reports/time?group_by=week&{MARCH}", token=world.token("admin")).data["rows"]
    assert [(r["group"], r["name"]) for r in weeks][:2] == [("2026-03-02", "2026-W10"), ("2026-03-09", "2026-W11")]


def test_filters_narrow_the_report(api, world, timed):
    w, admin = world, world.token("admin")

    def total(query: str) -> dict:
        resp = api.call("GET", f"/v1/reports/time?{query}", token=admin)
        assert resp.status_code == 200, resp.data
        return resp.data["total"]

    assert total(f"group_by=user&{MARCH}&billable=false") == {"minutes": 30, "billable_minutes": 0, "count": 1}
    assert total(f"group_by=user&{MARCH}&project_id={w.ids['incoming_a'].id}")["minutes"] == 135
    assert total(f"group_by=month&user_id={w.ids['outsider'].id}")["minutes"] == 110  # all time: March and April
    assert total(f"group_by=day&{MARCH}&state=rejected")["minutes"] == 500
    assert total("group_by=portfolio&from=2026-03-05&to=2026-04-30")["minutes"] == 45 + 30 + 90 + 20 + 15
    both = f"group_by=user&{MARCH}&project_id={w.ids['incoming_a'].id}&organization_id={w.ids['org_a'].id}"
    assert total(both)["minutes"] == 135  # summed from the timesheets: no cell holds that combination
    bad = api.call("GET", "/v1/reports/time?group_by=colour", token=admin)
    assert bad.status_code in (400, 422) and bad.data["error"]["code"]
    reversed_range = api.call("GET", "/v1/reports/time?from=2026-03-31&to=2026-03-01", token=admin)
    assert reversed_range.status_code == 422 and reversed_range.data["error"]["details"]["field"] == "from"


def test_an_agent_sees_only_their_own_time_and_a_customer_none(api, world, timed):
    w = world
    member = w.token("agent_member")
    mine = api.call("GET", f"/v1/reports/time?group_by=user&{MARCH}", token=member)
    assert mine.status_code == 200
    assert [(r["group"], r["minutes"]) for r in mine.data["rows"]] == [(w.ids["member"].id, 45)]
    other = api.call("GET", f"/v1/reports/time?user_id={w.ids['admin'].id}", token=member)
    assert other.status_code == 403
    for role in ("customer_a", "customer_b"):
        assert api.call("GET", "/v1/reports/time", token=w.token(role)).status_code == 403
        assert api.call("GET", f"/v1/reports/time/statement?organization_id={w.ids['org_a'].id}&{MARCH}",
                        token=w.token(role)).status_code == 403


def test_a_projects_manager_reports_on_everyones_time_in_that_project_only(api, world, timed):
    # Given the member agent made manager of A's project (Incoming A)
    w = world
    project = w.ids["incoming_a"].id
    body = {"managers": [w.ids["member"].id]}
    assert api.call("PATCH", f"/v1/projects/{project}", body, token=w.token("admin")).status_code == 200
    member = w.token("agent_member")
    # When she reports on that project by person
    report = api.call("GET", f"/v1/reports/time?group_by=user&project_id={project}&{MARCH}", token=member)
    # Then everyone's time on it is there (the admin's 60 + 30 and her own 45), not only her own
    assert report.status_code == 200, report.data
    rows = {r["group"]: r["minutes"] for r in report.data["rows"]}
    assert rows == {w.ids["admin"].id: 90, w.ids["member"].id: 45}
    # But without the project, or on another one, she still sees only her own time
    own = api.call("GET", f"/v1/reports/time?group_by=user&{MARCH}", token=member).data["rows"]
    assert [r["group"] for r in own] == [w.ids["member"].id]
    other = api.call("GET", f"/v1/reports/time?group_by=user&project_id={w.ids['incoming_b'].id}&{MARCH}",
                     token=member).data["rows"]
    assert [r["group"] for r in other] in ([], [w.ids["member"].id])


def test_a_redelivered_stream_record_counts_once(api, container, world):
    w = world
    _sheet(api, w, "admin", "item_a", "2026-03-02", 60)
    # When every event of the new sheet is delivered twice (at-least-once delivery)
    pump(container, twice=True)
    resp = api.call("GET", f"/v1/reports/time?group_by=project&{MARCH}", token=w.token("admin"))
    assert resp.data["total"] == {"minutes": 60, "billable_minutes": 60, "count": 1}
    assert api.call("GET", f"/v1/items/{w.ids['item_a'].ref}/time", token=w.token("admin")).data["minutes"] == 60


def test_time_spent_on_an_item_follows_edits_and_deletes(api, container, world, timed):
    w = world
    ref = w.ids["item_a"].ref
    assert api.call("GET", f"/v1/items/{ref}/time", token=w.token("agent_member")).data == {
        "minutes": 135, "billable_minutes": 105, "count": 3}
    # When the member's sheet grows to an hour and the admin's unbillable one is deleted
    mine = next(s for s in timed if s["user_id"] == w.ids["member"].id)
    assert api.call("PATCH", f"/v1/timesheets/{mine['id']}", {"minutes": 60},
                    token=w.token("agent_member")).status_code == 200
    gone = next(s for s in timed if not s["billable"])
    assert api.call("DELETE", f"/v1/timesheets/{gone['id']}", token=w.token("admin")).status_code == 204
    pump(container)
    assert api.call("GET", f"/v1/items/{ref}/time", token=w.token("admin")).data == {
        "minutes": 120, "billable_minutes": 120, "count": 2}
    # Customers: the requester sees the item but not its time (403); another customer does not see it (404)
    assert api.call("GET", f"/v1/items/{ref}/time", token=w.token("customer_a")).status_code == 403
    assert api.call("GET", f"/v1/items/{ref}/time", token=w.token("customer_b")).status_code == 404
    assert api.call("GET", f"/v1/items/{ref}/time", token=w.token("agent_nonmember")).status_code == 404


def test_timesheets_filter_by_portfolio_and_organisation(api, world, timed):
    w, admin = world, world.token("admin")
    by_org = api.call("GET", f"/v1/timesheets?organization_id={w.ids['org_b'].id}&{MARCH}", token=admin).data
    assert sorted(s["minutes"] for s in by_org["items"]) == [15, 90]
    by_pf = api.call("GET", f"/v1/timesheets?portfolio_id={w.ids['pf_a'].id}&state=draft", token=admin).data
    assert sorted(s["minutes"] for s in by_pf["items"]) == [30, 45, 60]
    assert {s["portfolio_id"] for s in by_pf["items"]} == {w.ids["pf_a"].id}


def test_an_organisations_statement_lists_its_lines_in_json_html_and_csv(api, world, timed):
    w, admin = world, world.token("admin")
    path = f"/v1/reports/time/statement?organization_id={w.ids['org_a'].id}&{MARCH}"
    st = api.call("GET", path, token=admin)
    assert st.status_code == 200, st.data
    assert st.data["organization"] == {"id": w.ids["org_a"].id, "name": "CustomerA"}
    assert [(ln["date"], ln["minutes"], ln["user"]["name"]) for ln in st.data["lines"]] == [
        ("2026-03-02", 60, "Ada Admin"), ("2026-03-05", 45, "Mia Member"), ("2026-03-10", 30, "Ada Admin")]
    assert (st.data["total_minutes"], st.data["billable_minutes"]) == (135, 105)
    assert {ln["item_title"] for ln in st.data["lines"]} == {"A's ticket"}
    # The printable page: the lines, escaped, and the totals as hours
    page = api.call("GET", path + "&format=html", token=admin)
    html = page.body.decode() if isinstance(page.body, bytes) else page.body
    assert page.headers["content-type"].startswith("text/html") and "script-src" not in page.headers[
        "content-security-policy"]
    assert "A&#39;s ticket" in html and "2:15" in html and "1:45" in html and "kick-off" in html
    # The CSV: one row per line (a note that looks like a formula stays text) and the totals
    text = api.call("GET", path + "&format=csv", token=admin).body
    rows = list(csv.reader(io.StringIO(text.decode() if isinstance(text, bytes) else text)))
    assert rows[0][:5] == ["date", "item_ref", "item_title", "user", "minutes"]
    assert [r[4] for r in rows[1:]] == ["60", "45", "30", "135", "105"] and "'=SUM(A1)" in rows[2]
    # The XLSX: real dates and numbers
    sheet = _xlsx(api, path + "&format=xlsx", admin).active
    cells = list(sheet.iter_rows(min_row=2, values_only=True))
    day = dt.datetime
    assert [(c[0], c[4], c[5]) for c in cells[:3]] == [(day(2026, 3, 2), 60, 1), (day(2026, 3, 5), 45, 0.75),
                                                       (day(2026, 3, 10), 30, 0.5)]
    assert [c[4] for c in cells[3:]] == [135, 105]
    # An agent's statement holds their own lines only
    own = api.call("GET", path, token=w.token("agent_member")).data
    assert [ln["minutes"] for ln in own["lines"]] == [45]
    assert api.call("GET", path.replace(w.ids["org_a"].id, "nope"), token=admin).status_code == 404


def test_on_dynamodb_a_redelivered_stream_batch_counts_each_timesheet_once(stack):  # noqa: F811 (the fixture)
    from tandem.local import moto_speedups

    moto_speedups.install()  # moto copies the whole table per transaction item otherwise (minutes, not seconds)
    c, api, reader = stack
    w = build_world(c.deps)
    drain(c, reader)
    admin = w.token("admin")
    # Given timesheets written, changed and deleted through the API on DynamoDB (moto) with its stream
    first = _sheet(api, w, "admin", "item_a", "2026-03-02", 60)
    _sheet(api, w, "agent_nonmember", "item_b", "2026-03-20", 25, billable=False)
    doomed = _sheet(api, w, "admin", "item_b", "2026-03-03", 99)
    assert api.call("PATCH", f"/v1/timesheets/{first['id']}", {"minutes": 50}, token=admin).status_code == 200
    assert api.call("DELETE", f"/v1/timesheets/{doomed['id']}", token=admin).status_code == 204
    batches = drain(c, reader)
    # When the Lambda service delivers the same batches again
    for batch in batches:
        assert c.process_stream_batch(copy.deepcopy(batch)) == {"batchItemFailures": []}
    # Then the month's report and the items' time count each timesheet's last version once
    report = api.call("GET", f"/v1/reports/time?group_by=project&{MARCH}", token=admin).data
    assert [(r["name"], r["minutes"]) for r in report["rows"]] == [("Incoming tickets (A)", 50),
                                                                   ("Incoming tickets (B)", 25)]
    assert report["total"] == {"minutes": 75, "billable_minutes": 50, "count": 2}
    assert api.call("GET", f"/v1/items/{w.ids['item_b'].ref}/time", token=admin).data == {
        "minutes": 25, "billable_minutes": 0, "count": 1}
