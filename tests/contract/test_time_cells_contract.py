"""Time aggregates and the timesheet listings reports use, on both backends (memory twin and moto)."""

from __future__ import annotations

from dataclasses import replace

from tandem.domain import time_report as tr
from tandem.domain.time_cells import deltas, item_key
from tandem.domain.time_report import CellRead, ReportQuery
from tandem.domain.time_tracking import SheetState, Timesheet
from tandem.services.ports import SheetQuery

T = "t1"


def _sheet(sid: str, day: str = "2026-03-02", minutes: int = 30, user_id: str = "u1", **kw) -> Timesheet:
    placed = {"project_id": "p1", "portfolio_id": "f1", "organization_id": "o1", **kw}
    return Timesheet(T, sid, "TCK-1", user_id, day, minutes, **placed)


def _report(repos, q: ReportQuery) -> list[tuple[str | None, int, int, int]]:
    facts = [tr.fact_of_cell(r, s, f) for r in tr.plan(q) for s, f in repos.time_cells.cells(T, r)]
    return [(row.group, row.minutes, row.billable_minutes, row.count) for row in tr.rows(q, facts)]


def test_a_change_is_added_once_however_often_it_is_delivered(repos):
    sheet = _sheet("s1")
    # Given a sheet's creation applied, then delivered again
    assert repos.time_cells.apply(T, "ev-1", deltas(None, sheet)) is True
    assert repos.time_cells.apply(T, "ev-1", deltas(None, sheet)) is False
    # Then the item's total and the month's report count it once
    assert repos.time_cells.cell(T, item_key("TCK-1")) == {"m_draft_b": 30, "c_draft_b": 1}
    assert _report(repos, ReportQuery("project", "2026-03-01", "2026-03-31")) == [("p1", 30, 30, 1)]
    # And another tenant's cells are its own
    assert repos.time_cells.cell("t2", item_key("TCK-1")) is None


def test_changes_and_deletes_take_the_old_version_out(repos):
    sheet = _sheet("s1")
    repos.time_cells.apply(T, "ev-1", deltas(None, sheet))
    # When the sheet gets 45 minutes, not billable, submitted, and a second person's sheet comes and goes
    changed = replace(sheet, minutes=45, billable=False, state=SheetState.SUBMITTED)
    repos.time_cells.apply(T, "ev-2", deltas(sheet, changed))
    other = _sheet("s2", user_id="u2", minutes=15)
    repos.time_cells.apply(T, "ev-3", deltas(None, other))
    repos.time_cells.apply(T, "ev-4", deltas(other, None))
    # Then the report holds the new version only
    assert _report(repos, ReportQuery("user")) == [("u1", 45, 0, 1)]
    assert _report(repos, ReportQuery("billable", "2026-03-02", "2026-03-02")) == [("false", 45, 0, 1)]
    assert repos.time_cells.cell(T, item_key("TCK-1")) == {
        "m_draft_b": 0, "c_draft_b": 0, "m_submitted_n": 45, "c_submitted_n": 1}


def test_a_read_keeps_its_range_and_its_value(repos):
    for n, (day, project) in enumerate([("2026-03-01", "p1"), ("2026-03-02", "p2"), ("2026-03-03", "p1"),
                                        ("2026-04-01", "p1")]):
        repos.time_cells.apply(T, f"ev-{n}", deltas(None, _sheet(f"s{n}", day, project_id=project)))
    read = CellRead("TR#D#*#P", "2026-03-02", "2026-03-31~", "P")
    assert [s for s, _ in repos.time_cells.cells(T, read)] == ["2026-03-02#p2", "2026-03-03#p1"]
    only_p1 = replace(read, lo=None, value="p1")
    assert [s for s, _ in repos.time_cells.cells(T, only_p1)] == ["2026-03-01#p1", "2026-03-03#p1"]
    assert [s for s, _ in repos.time_cells.cells(T, replace(read, lo=None, hi=None))] == [
        "2026-03-01#p1", "2026-03-02#p2", "2026-03-03#p1", "2026-04-01#p1"]
    assert repos.time_cells.cells(T, CellRead("TR#D#*#nothing", None, None, "P")) == []


def test_timesheets_list_by_organisation_and_portfolio_oldest_first_when_asked(repos):
    repos.time.add_sheet(_sheet("s1", "2026-03-01"))
    repos.time.add_sheet(_sheet("s2", "2026-03-05", organization_id="o2"))
    repos.time.add_sheet(_sheet("s3", "2026-03-03", portfolio_id="f2", user_id="u2"))
    repos.time.add_sheet(_sheet("s4", "2026-03-04", organization_id=None, portfolio_id=None, project_id=None))

    def ids(**kw) -> list[str]:
        return [s.id for s in repos.time.sheets(SheetQuery(T, **kw)).items]

    assert ids(organization_id="o1") == ["s3", "s1"]
    assert ids(organization_id="o1", oldest_first=True) == ["s1", "s3"]
    assert ids(organization_id="o1", date_from="2026-03-02", date_to="2026-03-31") == ["s3"]
    assert ids(portfolio_id="f1") == ["s2", "s1"]
    assert ids(organization_id="o1", user_id="u2") == ["s3"]
    assert ids(organization_id="o1", project_id="p1", portfolio_id="f2") == ["s3"]
    first = repos.time.sheets(SheetQuery(T, oldest_first=True, limit=2))
    second = repos.time.sheets(SheetQuery(T, oldest_first=True, limit=2, after=first.after))
    assert [s.id for s in first.items + second.items] == ["s1", "s3", "s4", "s2"]
    stored = repos.time.get_sheet(T, "s3")
    assert (stored.portfolio_id, stored.organization_id) == ("f2", "o1")
