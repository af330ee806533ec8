"""Saved views: a named item list (the filters of `GET /v1/items`), the columns shown, an order and a grouping.

A view is private to its owner, or shared with the whole tenant, or with one team when `team_id` is set.
Columns name item fields as the API spells them; `cell` turns an item's field into a value for a table
(numbers stay numbers, dates become dates) so exports keep their types.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tandem.domain.errors import ValidationError
from tandem.domain.items import Item
from tandem.domain.queues import DEFAULT_SORT, SORTS

# Item fields a view may show, as the API names them (the item model's scalar and list fields; nested ones like
# `fields`, `links` and `sla` have no single cell).
COLUMNS = (
    "ref", "id", "kind", "type_id", "title", "status", "status_category", "priority", "requester",
    "organization_id", "assignees", "followers", "project_id", "tags", "due_date", "planned_start",
    "planned_finish", "actual_start", "actual_finish", "start_no_earlier_than", "finish_no_later_than",
    "percent_complete", "points", "created_at", "updated_at", "via", "portal_visible", "description",
)
# What a list can be grouped by: fields with few distinct values.
GROUPS = ("kind", "type_id", "status", "status_category", "priority", "requester", "organization_id",
          "project_id", "assignees", "tags")
DEFAULT_COLUMNS = ("ref", "title", "status", "priority", "assignees", "updated_at")
DATES = {"due_date", "planned_start", "planned_finish", "actual_start", "actual_finish", "start_no_earlier_than",
         "finish_no_later_than"}
TIMES = {"created_at", "updated_at"}
ATTRIBUTE = {"requester": "requester_id"}  # API name → dataclass field where they differ
EXPORT_CAP = 10_000  # rows in one export: a bigger list is cut there (the answer says so)
# A Lambda answer is at most 6 MB, and a binary body travels base64-encoded (4/3 larger): beyond this a download
# is refused with 413 (fewer columns or a narrower filter) rather than failing at the gateway.
EXPORT_MAX_BYTES = 4_000_000


@dataclass
class SavedView:
    tenant_id: str
    id: str
    owner_id: str
    name: str
    created_at: str
    updated_at: str
    shared: bool = False
    team_id: str | None = None
    filters: dict[str, Any] = field(default_factory=dict)
    columns: list[str] = field(default_factory=lambda: list(DEFAULT_COLUMNS))
    sort: str = DEFAULT_SORT
    group_by: str | None = None
    version: int = 0


def seen_by(view: SavedView, user_id: str, team_ids: tuple[str, ...], *, admin: bool) -> bool:
    """Whether a staff person sees the view: its owner always; others only shared ones (of their team, unless
    admin: admins look after every team)."""
    if view.owner_id == user_id:
        return True
    if not view.shared:
        return False
    return view.team_id is None or admin or view.team_id in team_ids


def check_view(view: SavedView) -> None:
    """Columns, order and grouping must name item fields: each unknown one is reported with its path."""
    errors = [{"field": f"columns[{n}]", "message": f"unknown column {c!r}"}
              for n, c in enumerate(view.columns) if c not in COLUMNS]
    if not view.columns:
        errors.append({"field": "columns", "message": "a view shows at least one column"})
    dupes = sorted({c for c in view.columns if view.columns.count(c) > 1})
    if dupes:
        errors.append({"field": "columns", "message": f"columns named twice: {', '.join(dupes)}"})
    if view.sort not in SORTS:
        errors.append({"field": "sort", "message": f"unknown order {view.sort!r}"})
    if view.group_by is not None and view.group_by not in GROUPS:
        errors.append({"field": "group_by", "message": f"cannot group by {view.group_by!r}"})
    if errors:
        raise ValidationError(errors[0]["message"], {"errors": errors})


def cell(item: Item, column: str) -> Any:
    """An item's field as a table cell: dates as dates, times as datetimes, lists joined, numbers as they are."""
    value = getattr(item, ATTRIBUTE.get(column, column), None)
    if value is None:
        return None
    if column in DATES:
        return _parse(dt.date.fromisoformat, value)
    if column in TIMES:
        return _parse(lambda v: dt.datetime.fromisoformat(v.replace("Z", "+00:00")).replace(tzinfo=None), value)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def _parse(parse: Any, value: Any) -> Any:
    try:
        return parse(str(value))
    except ValueError:
        return str(value)  # written by older code in another form: shown as stored
