"""Saved views without the API: who sees a view, what a view may name, and how cells and downloads are written."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from tandem.domain.errors import ValidationError
from tandem.domain.items import Item
from tandem.domain.people import Role
from tandem.domain.permissions import Action, Principal, ViewTarget, allowed, visible
from tandem.domain.views import SavedView, cell, check_view
from tandem.services.tabular import to_csv

NOW = "2026-11-24T10:00:00Z"


def _view(**fields) -> SavedView:
    return SavedView("t1", "v1", "owner", "Board", NOW, NOW, **fields)


def _p(user: str, role: Role = Role.AGENT, teams: tuple[str, ...] = (), tenant: str = "t1") -> Principal:
    return Principal(tenant, user, role, teams)


@pytest.mark.parametrize(
    ("view", "caller", "sees", "edits"),
    [
        (_view(), _p("owner"), True, True),
        (_view(), _p("other"), False, False),
        (_view(), _p("admin", Role.ADMIN), False, False),  # private means private, even to admins
        (_view(shared=True), _p("other"), True, False),
        (_view(shared=True), _p("admin", Role.ADMIN), True, True),
        (_view(shared=True, team_id="team1"), _p("other", teams=("team1",)), True, False),
        (_view(shared=True, team_id="team1"), _p("other", teams=("team2",)), False, False),
        (_view(shared=True), _p("cust", Role.CUSTOMER), False, False),
        (_view(shared=True), _p("owner", tenant="t2"), False, False),
    ],
)
def test_who_sees_and_who_changes_a_view(view, caller, sees, edits):
    assert visible(caller, Action.READ, ViewTarget(view)) is sees
    assert allowed(caller, Action.UPDATE, ViewTarget(view)) is edits


def test_every_unknown_column_and_grouping_is_named():
    with pytest.raises(ValidationError) as caught:
        check_view(_view(columns=["title", "colour", "title"], group_by="title"))
    errors = caught.value.details["errors"]
    assert {"field": "columns[1]", "message": "unknown column 'colour'"} in errors
    assert [e["field"] for e in errors] == ["columns[1]", "columns", "group_by"]


def test_cells_keep_numbers_dates_and_times():
    item = Item("t1", "i1", "T-1", "ticket", "type", "Title", "open", "open", NOW, NOW, due_date="2026-12-24",
                percent_complete=40, assignees=["user:a", "team:b"], requester_id="c1")
    assert cell(item, "due_date") == dt.date(2026, 12, 24)
    assert cell(item, "created_at") == dt.datetime(2026, 11, 24, 10, 0, 0)
    assert cell(item, "percent_complete") == 40
    assert cell(item, "assignees") == "user:a, team:b"
    assert cell(item, "requester") == "c1" and cell(item, "points") is None


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"])
def test_csv_text_a_spreadsheet_would_run_is_made_plain(text):
    rows = list(csv.reader(io.StringIO(to_csv(["title", "n"], [[text, -5]]))))
    assert rows == [["title", "n"], ["'" + text, "-5"]]  # the negative number stays a number
