"""Planning (issue 13): a project's schedule for the Gantt chart and the calendar."""

from __future__ import annotations

from typing import Any

from api import render
from api.http import current, decode_cursor, page_body, principal
from api.ops import Call, op
from tandem.schemas import planning as m
from tandem.schemas.common import page_of
from tandem.services.planning import ScheduleRow, project_schedule


@op("GET", "/v1/projects/{id}/schedule", summary="A project's items with their plan, actuals and conflicts",
    tag="planning", query=m.ScheduleQuery, returns=page_of(m.ScheduleRowOut))
def schedule(call: Call, id: str) -> Any:
    p = principal(call.request)
    q = call.query
    scope = f"{p.user_id}/projects/{id}/schedule?{q.date_from}..{q.date_to}"
    page = project_schedule(current().deps, p, id, start=q.date_from, end=q.date_to, limit=q.limit,
                            after=decode_cursor(q.cursor, scope))
    return page_body(page, _row, scope)


def _row(row: ScheduleRow) -> Any:
    return render.schedule_row(row.item, row.conflicts)
