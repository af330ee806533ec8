"""PynamoDB repo for timers and timesheets (issue 13).

Timers: `pk=T#{tid}#WTIMER#{uid}` `sk=WTIMER#{id}`: a user's timers are one small partition (one Query finds the
running one; a stopped timer is deleted, its time lives on in the timesheet). Beside them `sk=WGUARD`, the person's
run guard: every start or resume moves its version in the same transaction as the timers it writes, so of two
concurrent starts one fails its condition and none leaves a second running timer. Timesheets: `pk=T#{tid}`
`sk=TIMESHEET#{id}` with four listing keys, each sorted `{date}#{id}`: gsi1 by user, gsi2 by project, gsi3 the
tenant's, gsi4 by customer organisation (statements); `portfolio` is copied beside them for a filter. Writes are
conditional on the version read.
"""
from __future__ import annotations

import functools
import operator
from dataclasses import replace
from typing import Any

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError

from tandem.dal.codec import dumps, loads
from tandem.dal.dynamo_base import get, one_page, tkey, transaction
from tandem.dal.table import Record
from tandem.domain.errors import Conflict
from tandem.domain.time_tracking import TimerState, Timesheet, WorkTimer
from tandem.services.ports import Page, SheetQuery

TIMER = "worktimer"
GUARD = "worktimer_guard"
SHEET = "timesheet"
# Cancellation reasons that mean "someone else wrote first": the caller reads again and retries.
LOST_RACE = frozenset({"ConditionalCheckFailed", "TransactionConflict"})


def _conditional_failed(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def _timer_key(tenant_id: str, user_id: str, timer_id: str) -> tuple[str, str]:
    return f"{tkey(tenant_id)}#WTIMER#{user_id}", f"WTIMER#{timer_id}"


def _timer_record(t: WorkTimer) -> Record:
    pk, sk = _timer_key(t.tenant_id, t.user_id, t.id)
    return Record(pk=pk, sk=sk, kind=TIMER, data=dumps(t), version=t.version)


def _sheet_record(s: Timesheet) -> Record:
    order = f"{s.date}#{s.id}"
    t = tkey(s.tenant_id)
    return Record(pk=t, sk=f"TIMESHEET#{s.id}", kind=SHEET, data=dumps(s), version=s.version,
                  gsi1pk=f"{t}#TS#USER#{s.user_id}", gsi1sk=order,
                  gsi2pk=f"{t}#TS#PROJ#{s.project_id}" if s.project_id else None,
                  gsi2sk=order if s.project_id else None,
                  gsi3pk=f"{t}#TS", gsi3sk=order,
                  gsi4pk=f"{t}#TS#ORG#{s.organization_id}" if s.organization_id else None,
                  gsi4sk=order if s.organization_id else None, portfolio=s.portfolio_id)


def _on_version(version: int) -> Any:
    """The record is still at `version` (0: it does not exist yet)."""
    return Record.pk.does_not_exist() if version == 0 else Record.version == version


def _put(record: Record, version: int, what: str) -> None:
    condition = _on_version(version)
    try:
        record.save(condition=condition)
    except PutError as exc:
        if _conditional_failed(exc):
            raise Conflict(f"{what} changed meanwhile or already exists") from exc
        raise


class DynamoTimeRepo:
    def add_timer(self, timer: WorkTimer) -> WorkTimer:
        stored = replace(timer, version=1)
        _put(_timer_record(stored), 0, "timer")
        return stored

    def get_timer(self, tenant_id: str, user_id: str, timer_id: str) -> WorkTimer | None:
        found = get(*_timer_key(tenant_id, user_id, timer_id))
        return loads(WorkTimer, found.data) if found is not None and found.kind == TIMER else None

    def timers_of(self, tenant_id: str, user_id: str) -> list[WorkTimer]:
        pk, _ = _timer_key(tenant_id, user_id, "")
        records = Record.query(pk, Record.sk.startswith("WTIMER#"), consistent_read=True)
        return [loads(WorkTimer, r.data) for r in records if r.kind == TIMER]

    def save_timer(self, timer: WorkTimer) -> WorkTimer:
        stored = replace(timer, version=timer.version + 1)
        if timer.state is TimerState.STOPPED:
            try:
                _timer_record(timer).delete(condition=Record.version == timer.version)
            except DeleteError as exc:
                if _conditional_failed(exc):
                    raise Conflict("timer changed meanwhile, read it again") from exc
                raise
            return stored
        _put(_timer_record(stored), timer.version, "timer")
        return stored

    def timers_and_guard(self, tenant_id: str, user_id: str) -> tuple[list[WorkTimer], int]:
        pk, _ = _timer_key(tenant_id, user_id, "")
        records = list(Record.query(pk, consistent_read=True))
        guard = next((int(r.version or 0) for r in records if r.kind == GUARD), 0)
        return [loads(WorkTimer, r.data) for r in records if r.kind == TIMER], guard

    def run_timer(self, timer: WorkTimer, paused: list[WorkTimer], guard: int) -> WorkTimer:
        pk, _ = _timer_key(timer.tenant_id, timer.user_id, "")
        stored = replace(timer, version=timer.version + 1)
        try:
            with transaction() as tx:
                tx.update(Record(pk=pk, sk="WGUARD"), actions=[Record.kind.set(GUARD), Record.version.set(guard + 1)],
                          condition=_on_version(guard))
                tx.save(_timer_record(stored), condition=_on_version(timer.version))
                for t in paused:
                    tx.save(_timer_record(replace(t, version=t.version + 1)), condition=_on_version(t.version))
        except TransactWriteError as exc:
            if any(r is not None and r.code in LOST_RACE for r in exc.cancellation_reasons or []):
                raise Conflict("another start or resume of your timers came first") from exc
            raise
        return stored

    def add_sheet(self, sheet: Timesheet) -> Timesheet:
        stored = replace(sheet, version=1)
        _put(_sheet_record(stored), 0, "timesheet")
        return stored

    def get_sheet(self, tenant_id: str, sheet_id: str) -> Timesheet | None:
        found = get(tkey(tenant_id), f"TIMESHEET#{sheet_id}")
        return loads(Timesheet, found.data) if found is not None and found.kind == SHEET else None

    def save_sheet(self, sheet: Timesheet) -> Timesheet:
        stored = replace(sheet, version=sheet.version + 1)
        _put(_sheet_record(stored), sheet.version, "timesheet")
        return stored

    def delete_sheet(self, sheet: Timesheet) -> None:
        try:
            _sheet_record(sheet).delete(condition=Record.version == sheet.version)
        except DeleteError as exc:
            if _conditional_failed(exc):
                raise Conflict("timesheet changed meanwhile, read it again") from exc
            raise

    def sheets(self, q: SheetQuery) -> Page[Timesheet]:
        index, pk, attr, filters = _listing(q)
        sk = _range(attr, q.date_from, q.date_to)
        extra: dict[str, Any] = {}
        if filters:
            extra["filter_condition"] = functools.reduce(operator.and_, filters)
        records, last = one_page(lambda **kw: index.query(pk, sk, scan_index_forward=q.oldest_first, **kw, **extra),
                                 q.limit, q.after)
        return Page([loads(Timesheet, r.data) for r in records if r.kind == SHEET], last)


def _listing(q: SheetQuery) -> tuple[Any, str, Any, list[Any]]:
    """The index and key of the first id given (user → project → organisation → the tenant), and a filter on
    each other id given."""
    t = tkey(q.tenant_id)
    keys = [(q.user_id, Record.gsi1, Record.gsi1pk, Record.gsi1sk, f"{t}#TS#USER#{q.user_id}"),
            (q.project_id, Record.gsi2, Record.gsi2pk, Record.gsi2sk, f"{t}#TS#PROJ#{q.project_id}"),
            (q.organization_id, Record.gsi4, Record.gsi4pk, Record.gsi4sk, f"{t}#TS#ORG#{q.organization_id}")]
    given = [k for k in keys if k[0] is not None]
    filters = [attr == value for _, _, attr, _, value in given[1:]]
    if q.portfolio_id is not None:
        filters.append(Record.portfolio == q.portfolio_id)
    if given:
        _, index, _, sort, pk = given[0]
        return index, pk, sort, filters
    return Record.gsi3, f"{t}#TS", Record.gsi3sk, filters


def _range(attr: Any, date_from: str | None, date_to: str | None) -> Any:
    """The date range as a key condition on `{date}#{id}` ('~' sorts after every id character)."""
    if date_from and date_to:
        return attr.between(date_from, f"{date_to}~")
    if date_from:
        return attr >= date_from
    if date_to:
        return attr <= f"{date_to}~"
    return None
