"""Planning (issue 13): conflicts of a plan, a project's schedule."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from msgspec import UNSET, Meta, Struct, UnsetType, field

from tandem.domain.exposure import exposure
from tandem.domain.items import Item
from tandem.domain.planning import ConflictCode
from tandem.schemas.common import Cursor, Limit
from tandem.schemas.derive import derive

Day = Annotated[str, Meta(pattern=r"^\d{4}-\d{2}-\d{2}$", max_length=10)]


class ConflictOut(Struct, kw_only=True, omit_defaults=True):
    """A constraint or finish-to-start dependency the plan breaks; `ref` names the predecessor concerned."""

    code: ConflictCode
    message: str
    ref: str | UnsetType = UNSET


# `GET /v1/items/{ref}`: the item with the conflicts of its plan.
ItemDetailOut = derive(Item, "ItemDetail", extra=[("conflicts", list[ConflictOut])])

# What a schedule row carries of an item (its version is the If-Match of a PATCH that moves it).
ROW_FIELDS = ("ref", "title", "kind", "status", "status_category", "planned_start", "planned_finish", "actual_start",
              "actual_finish", "start_no_earlier_than", "finish_no_later_than", "percent_complete", "predecessors",
              "assignees", "version")
_OTHERS = tuple(n for n in (exposure(f).name or f.name for f in dataclasses.fields(Item)) if n not in ROW_FIELDS)
ScheduleRowOut = derive(Item, "ScheduleRow", exclude=_OTHERS, extra=[("conflicts", list[ConflictOut])])


class ScheduleQuery(Struct, kw_only=True):
    """A window of days (both included; either end optional) and paging: rows whose plan or actuals touch it."""

    limit: Limit = 200
    cursor: Cursor | None = None
    # `from` and `to` are Python keywords: the Struct names differ, the query names do not.
    date_from: Day | None = field(default=None, name="from")
    date_to: Day | None = field(default=None, name="to")
