"""Timers and timesheets (issue 13): staff track their time; admins and the projects' managers approve it."""

from __future__ import annotations

from typing import Any

from api.http import (
    current,
    decode_cursor,
    idempotency_key,
    if_match,
    page_body,
    principal,
    remembered_create,
    with_etag,
)
from api.ops import Call, op
from tandem.domain.errors import PreconditionFailed
from tandem.domain.time_tracking import SheetState, Timesheet, WorkTimer
from tandem.schemas import time as m
from tandem.schemas.codec import given
from tandem.schemas.common import page_of
from tandem.services import approvals, timesheets, track_time
from tandem.services.open_item import fingerprint

TAG = "time"


def _timer(t: WorkTimer) -> m.TimerOut:
    return m.TimerOut(id=t.id, item_ref=t.item_ref, state=t.state.value, started_at=t.started_at,  # type: ignore[arg-type]
                      elapsed_seconds=t.elapsed(current().deps.clock()))


def _sheet(s: Timesheet) -> m.SheetOut:
    return m.SheetOut(id=s.id, item_ref=s.item_ref, user_id=s.user_id, project_id=s.project_id,
                      portfolio_id=s.portfolio_id, organization_id=s.organization_id, date=s.date,
                      minutes=s.minutes, billable=s.billable, note=s.note, percent_complete=s.percent_complete,
                      status=s.status, state=s.state.value, reason=s.reason, decided_by=s.decided_by,  # type: ignore[arg-type]
                      created_at=s.created_at, updated_at=s.updated_at)


@op("POST", "/v1/timers", summary="Start a timer on an item (pauses the caller's running one)", tag=TAG,
    body=m.TimerStart, returns=m.TimerOut, status=201, headers=("Idempotency-Key",))
def start_timer(call: Call) -> Any:
    p, data = principal(call.request), given(call.body)
    key = idempotency_key(call.request)
    return remembered_create(call.request, p, "/v1/timers", lambda: _timer(
        track_time.start_timer(current().deps, p, data["item_ref"], idempotency_key=key)), fingerprint(data))


@op("GET", "/v1/timers", summary="The caller's running and paused timers (running first)", tag=TAG,
    returns=page_of(m.TimerOut))
def list_timers(call: Call) -> Any:
    timers = track_time.list_timers(current().deps, principal(call.request))
    return {"items": [_timer(t) for t in timers], "next_cursor": None}


@op("GET", "/v1/timers/current", summary="The caller's running timer, else their last paused one", tag=TAG,
    returns=m.CurrentTimerOut)
def current_timer(call: Call) -> Any:
    found = track_time.current_timer(current().deps, principal(call.request))
    return m.CurrentTimerOut(timer=_timer(found) if found else None)


@op("POST", "/v1/timers/{id}/pause", summary="Pause a running timer", tag=TAG, returns=m.TimerOut, errors=(409,))
def pause_timer(call: Call, id: str) -> Any:
    return _timer(track_time.pause_timer(current().deps, principal(call.request), id))


@op("POST", "/v1/timers/{id}/resume", summary="Resume a paused timer (pauses the running one)", tag=TAG,
    returns=m.TimerOut, errors=(409,))
def resume_timer(call: Call, id: str) -> Any:
    return _timer(track_time.resume_timer(current().deps, principal(call.request), id))


@op("POST", "/v1/timers/{id}/stop", summary="Stop a timer: the answer holds a prefilled timesheet draft", tag=TAG,
    returns=m.TimerStopped, errors=(409,))
def stop_timer(call: Call, id: str) -> Any:
    timer, draft = track_time.stop_timer(current().deps, principal(call.request), id)
    return m.TimerStopped(timer=_timer(timer), draft=m.DraftOut(
        item_ref=draft.item_ref, date=draft.date, minutes=draft.minutes, billable=draft.billable, note=draft.note,
        percent_complete=draft.percent_complete, status=draft.status))


@op("GET", "/v1/timesheets", summary="List timesheets (agents: their own and those of projects they manage; "
    "approvable=true: the submitted ones the caller may decide)", tag=TAG, query=m.SheetQuery,
    returns=page_of(m.SheetOut))
def list_timesheets(call: Call) -> Any:
    p = principal(call.request)
    q = call.query
    f = timesheets.SheetFilters(user_id=q.user_id, project_id=q.project_id, portfolio_id=q.portfolio_id,
                                organization_id=q.organization_id, billable=q.billable,
                                state=SheetState(q.state) if q.state else None, date_from=q.date_from,
                                date_to=q.date_to)
    listing = approvals.approvable_sheets if q.approvable else timesheets.list_sheets
    scope = f"{p.user_id}/timesheets" + ("?approvable" if q.approvable else "")
    page = listing(current().deps, p, f, limit=q.limit, after=decode_cursor(q.cursor, scope))
    return page_body(page, _sheet, scope)


@op("POST", "/v1/timesheets", summary="Record time on an item (a draft)", tag=TAG, body=m.SheetCreate,
    returns=m.SheetOut, status=201, headers=("Idempotency-Key",))
def create_timesheet(call: Call) -> Any:
    p = principal(call.request)
    data = given(call.body)
    return remembered_create(call.request, p, "/v1/timesheets",
                             lambda: _sheet(timesheets.create_sheet(current().deps, p, data)), fingerprint(data))


@op("GET", "/v1/timesheets/{id}", summary="One timesheet", tag=TAG, returns=m.SheetOut)
def get_timesheet(call: Call, id: str) -> Any:
    sheet = timesheets.get_sheet(current().deps, principal(call.request), id)
    return with_etag(_sheet(sheet), sheet.version)


@op("PATCH", "/v1/timesheets/{id}", summary="Change a draft or rejected timesheet (approved ones are locked)",
    tag=TAG, body=m.SheetPatch, returns=m.SheetOut, errors=(409, 412), headers=("If-Match",))
def update_timesheet(call: Call, id: str) -> Any:
    p, deps = principal(call.request), current().deps
    expected = if_match(call.request)
    if expected is not None and timesheets.get_sheet(deps, p, id).version != expected:
        raise PreconditionFailed("the timesheet changed since you read it")
    sheet = timesheets.update_sheet(deps, p, id, given(call.body))
    return with_etag(_sheet(sheet), sheet.version)


@op("DELETE", "/v1/timesheets/{id}", summary="Delete a draft or rejected timesheet", tag=TAG, status=204,
    errors=(409,))
def delete_timesheet(call: Call, id: str) -> None:
    timesheets.delete_sheet(current().deps, principal(call.request), id)


@op("POST", "/v1/timesheets/{id}/submit", summary="Submit for approval (applies % complete and status to the item)",
    tag=TAG, returns=m.SheetOut, errors=(409,))
def submit_timesheet(call: Call, id: str) -> Any:
    return _sheet(timesheets.submit_sheet(current().deps, principal(call.request), id))


@op("POST", "/v1/timesheets/{id}/approve", summary="Approve a submitted timesheet (admins, the project's managers); "
    "it is then locked", tag=TAG, returns=m.SheetOut, errors=(409,))
def approve_timesheet(call: Call, id: str) -> Any:
    return _sheet(approvals.decide_sheet(current().deps, principal(call.request), id, approve=True))


@op("POST", "/v1/timesheets/{id}/reject", summary="Reject a submitted timesheet with a reason (admins, the "
    "project's managers)", tag=TAG, body=m.SheetReject, returns=m.SheetOut, errors=(409,))
def reject_timesheet(call: Call, id: str) -> Any:
    return _sheet(approvals.decide_sheet(current().deps, principal(call.request), id, approve=False,
                                         reason=call.body.reason))
