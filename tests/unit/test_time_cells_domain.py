"""Time aggregates (domain/time_cells.py, domain/time_report.py): what a sheet adds, which reads answer a report,
and that the cells give the same rows as summing the timesheets themselves, for every grouping and filter."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace

import pytest

from tandem.dal.memory_time_cells import MemoryTimeCells
from tandem.domain import time_report as tr
from tandem.domain.errors import ValidationError
from tandem.domain.time_cells import cells_of, deltas
from tandem.domain.time_report import GROUPS, ReportQuery
from tandem.domain.time_tracking import SheetState, Timesheet

T = "t1"


def _sheet(sid: str, **kw) -> Timesheet:
    base = dict(item_ref="TCK-1", user_id="u1", date="2026-03-02", minutes=30, project_id="p1",
                portfolio_id="f1", organization_id="o1")
    base.update(kw)
    return Timesheet(T, sid, base.pop("item_ref"), base.pop("user_id"), base.pop("date"), base.pop("minutes"), **base)


def test_an_edit_of_the_note_changes_no_cell_and_a_move_takes_the_minutes_along():
    old = _sheet("s1")
    # Given the same sheet with another note
    assert deltas(old, replace(old, note="more words")) == {}
    # When it moves a day and is submitted
    moved = deltas(old, replace(old, date="2026-03-03", state=SheetState.SUBMITTED))
    # Then the old day's cells lose its draft minutes and the new day's gain submitted ones; the month is unchanged
    # in total but moves from draft to submitted
    day_cells = {k.sort: v for k, v in moved.items() if k.part == "TR#D#*#T"}
    assert day_cells == {"2026-03-02#-": {"m_draft_b": -30, "c_draft_b": -1},
                         "2026-03-03#-": {"m_submitted_b": 30, "c_submitted_b": 1}}
    month = next(v for k, v in moved.items() if k.part == "TR#M#*#T")
    assert month == {"m_draft_b": -30, "c_draft_b": -1, "m_submitted_b": 30, "c_submitted_b": 1}


def test_a_sheet_counts_in_a_bounded_number_of_cells_that_fits_one_transaction():
    full, bare = _sheet("s1"), _sheet("s2", project_id=None, portfolio_id=None, organization_id=None)
    # Both grains × (tenant 5 + project, portfolio, organisation 4 each + the person's detail 1) + the item
    assert len(cells_of(full)) == 2 * (5 + 3 * 4 + 1) + 1
    assert len(cells_of(bare)) == 2 * (5 + 1) + 1
    # A change of date across months touches both versions' cells: still under TransactWriteItems' 100 with marker
    assert len(deltas(full, replace(full, date="2026-04-01"))) + 1 <= 100


@pytest.mark.parametrize(("f", "t", "expected"), [
    ("2026-03-01", "2026-03-31", [("M", "2026-03", "2026-03~")]),
    ("2026-03-05", "2026-03-20", [("D", "2026-03-05", "2026-03-20~")]),
    ("2026-03-05", "2026-05-10", [("D", "2026-03-05", "2026-03-31~"), ("M", "2026-04", "2026-04~"),
                                  ("D", "2026-05-01", "2026-05-10~")]),
    ("2026-12-15", "2027-01-31", [("D", "2026-12-15", "2026-12-31~"), ("M", "2027-01", "2027-01~")]),
    ("2026-03-05", "2026-04-10", [("D", "2026-03-05", "2026-03-31~"), ("D", "2026-04-01", "2026-04-10~")]),
    (None, None, [("M", None, None)]),
    ("2026-02-01", None, [("M", "2026-02", None)]),
    (None, "2024-02-29", [("M", None, "2024-02~")]),
])
def test_a_range_reads_whole_months_from_month_cells_and_cut_months_from_day_cells(f, t, expected):
    assert tr.segments(ReportQuery("project", f, t)) == expected


def test_day_and_week_reports_read_day_cells_throughout():
    assert tr.segments(ReportQuery("week", "2026-03-01", "2026-04-30")) == [("D", "2026-03-01", "2026-04-30~")]


def test_a_month_report_is_one_read_and_a_person_is_always_answered_from_their_own_cells():
    month = ReportQuery("user", "2026-03-01", "2026-03-31", project_id="p1")
    assert [(r.part, r.value) for r in tr.plan(month)] == [("TR#M#P:p1#U", None)]
    mine = ReportQuery("organization", "2026-03-01", "2026-03-31", user_id="u1", project_id="p1", portfolio_id="f")
    assert [r.part for r in tr.plan(mine)] == ["TR#M#U:u1#X"]
    # Two entity filters and a third entity grouped: no cells hold that, the timesheets answer
    assert tr.plan(ReportQuery("user", project_id="p1", organization_id="o1")) is None


def test_a_bad_range_or_grouping_is_refused_with_its_field():
    with pytest.raises(ValidationError) as err:
        tr.check_query(ReportQuery("project", "2026-03-31", "2026-03-01"))
    assert err.value.details == {"field": "from"}
    with pytest.raises(ValidationError):
        tr.check_query(ReportQuery("colour"))


def _world(seed: int) -> list[Timesheet]:
    rnd = random.Random(seed)
    sheets = []
    for n in range(120):
        project = rnd.choice(["p1", "p2", "p3", None])
        sheets.append(_sheet(
            f"s{n}", user_id=rnd.choice(["u1", "u2", "u3"]), minutes=rnd.randint(1, 300),
            date=f"2026-{rnd.choice(['02', '03', '04'])}-{rnd.randint(1, 28):02d}",
            project_id=project, portfolio_id={"p1": "f1", "p2": "f1", "p3": "f2", None: None}[project],
            organization_id=rnd.choice(["o1", "o2", None]), billable=rnd.random() < 0.6,
            state=rnd.choice(list(SheetState))))
    return sheets


def _cells(sheets: list[Timesheet]) -> MemoryTimeCells:
    store = MemoryTimeCells()
    for n, sheet in enumerate(sheets):
        # Written as drafts, then changed to their final state: old and new versions both go through deltas()
        draft = replace(sheet, state=SheetState.DRAFT, minutes=sheet.minutes + 7, date="2026-03-15")
        store.apply(T, f"add-{n}", deltas(None, draft))
        store.apply(T, f"edit-{n}", deltas(draft, sheet))
    doomed = _sheet("gone", minutes=999)
    store.apply(T, "add-gone", deltas(None, doomed))
    store.apply(T, "del-gone", deltas(doomed, None))
    return store


RANGES = [(None, None), ("2026-03-01", "2026-03-31"), ("2026-02-10", "2026-04-05"), ("2026-03-03", "2026-03-09")]
FILTERS = {"user_id": "u2", "project_id": "p1", "portfolio_id": "f1", "organization_id": "o1"}


def test_every_grouping_and_filter_adds_up_as_the_timesheets_do():
    sheets = _world(13)
    store = _cells(sheets)
    checked = asked = 0
    for group_by, (f, t), billable in itertools.product(GROUPS, RANGES, (None, True, False)):
        for n in range(len(FILTERS) + 1):
            for names in itertools.combinations(FILTERS, n):
                q = ReportQuery(group_by, f, t, billable=billable, **{k: FILTERS[k] for k in names})
                asked += 1
                expected = tr.rows(q, [tr.fact_of_sheet(s) for s in sheets])
                reads = tr.plan(q)
                if reads is None:
                    continue
                facts = [tr.fact_of_cell(r, sort, fields) for r in reads for sort, fields in store.cells(T, r)]
                assert tr.rows(q, facts) == expected, q
                checked += 1
    # Cells answer all but the reports with two of project / portfolio / organisation and a third entity grouped
    assert asked == 8 * 4 * 3 * 16 and checked == asked - 168, (asked, checked)


def test_rejected_time_counts_only_when_asked_for():
    sheets = [_sheet("a", minutes=10), _sheet("b", minutes=20, state=SheetState.REJECTED)]
    store = _cells(sheets)
    for states, minutes in ((tr.COUNTED, 10), ((SheetState.REJECTED,), 20)):
        q = ReportQuery("project", states=states)
        facts = [tr.fact_of_cell(r, s, f) for r in tr.plan(q) for s, f in store.cells(T, r)]
        assert [(row.group, row.minutes, row.count) for row in tr.rows(q, facts)] == [("p1", minutes, 1)]


def test_weeks_group_by_their_monday_and_time_without_a_project_is_a_row_of_its_own():
    sheets = [_sheet("a", project_id=None, date="2026-03-04"), _sheet("b", date="2026-03-08")]
    q = ReportQuery("week")
    assert [(r.group, r.minutes) for r in tr.rows(q, [tr.fact_of_sheet(s) for s in sheets])] == [("2026-03-02", 60)]
    q = ReportQuery("project")
    assert [r.group for r in tr.rows(q, [tr.fact_of_sheet(s) for s in sheets])] == ["p1", None]
