"""In-memory twin of dal/dynamo_time.py (the contract suite runs the same tests on both). Timesheet writes go to the
fake table's stream (`emit`) as the table's stream decoder makes them (dal/stream.py): the time aggregates follow."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from tandem.domain.errors import Conflict
from tandem.domain.events import TimesheetChanged
from tandem.domain.time_tracking import TimerState, Timesheet, WorkTimer
from tandem.services.ports import Page, SheetQuery


class MemoryTimeRepo:
    def __init__(self, emit: Callable[..., Any] | None = None) -> None:
        self._timers: dict[tuple[str, str, str], WorkTimer] = {}
        self._sheets: dict[tuple[str, str], Timesheet] = {}
        self._guards: dict[tuple[str, str], int] = {}  # each person's run guard: its version
        self._lock = threading.Lock()
        # What the table's stream would carry for timesheet records (the shared store's `emit`, when given).
        self._emit = emit or (lambda *args: None)

    def add_timer(self, timer: WorkTimer) -> WorkTimer:
        stored = replace(timer, version=1)
        with self._lock:
            key = (timer.tenant_id, timer.user_id, timer.id)
            if key in self._timers:
                raise Conflict("timer already exists")
            self._timers[key] = copy.deepcopy(stored)
        return stored

    def get_timer(self, tenant_id: str, user_id: str, timer_id: str) -> WorkTimer | None:
        return copy.deepcopy(self._timers.get((tenant_id, user_id, timer_id)))

    def timers_of(self, tenant_id: str, user_id: str) -> list[WorkTimer]:
        found = [t for (tid, uid, _), t in self._timers.items() if tid == tenant_id and uid == user_id]
        return [copy.deepcopy(t) for t in sorted(found, key=lambda t: t.id)]

    def save_timer(self, timer: WorkTimer) -> WorkTimer:
        key = (timer.tenant_id, timer.user_id, timer.id)
        stored = replace(timer, version=timer.version + 1)
        with self._lock:
            current = self._timers.get(key)
            if current is None or current.version != timer.version:
                raise Conflict("timer changed meanwhile, read it again")
            if timer.state is TimerState.STOPPED:
                del self._timers[key]
            else:
                self._timers[key] = copy.deepcopy(stored)
        return stored

    def timers_and_guard(self, tenant_id: str, user_id: str) -> tuple[list[WorkTimer], int]:
        with self._lock:
            return self.timers_of(tenant_id, user_id), self._guards.get((tenant_id, user_id), 0)

    def run_timer(self, timer: WorkTimer, paused: list[WorkTimer], guard: int) -> WorkTimer:
        person = (timer.tenant_id, timer.user_id)
        writes = [(t, replace(t, version=t.version + 1)) for t in (timer, *paused)]
        with self._lock:
            if self._guards.get(person, 0) != guard:
                raise Conflict("another start or resume of your timers came first")
            for before, _ in writes:
                current = self._timers.get((before.tenant_id, before.user_id, before.id))
                if (current.version if current else 0) != before.version:
                    raise Conflict("timer changed meanwhile, read it again")
            for _, after in writes:
                self._timers[(after.tenant_id, after.user_id, after.id)] = copy.deepcopy(after)
            self._guards[person] = guard + 1
        return writes[0][1]

    def add_sheet(self, sheet: Timesheet) -> Timesheet:
        stored = replace(sheet, version=1)
        with self._lock:
            if (sheet.tenant_id, sheet.id) in self._sheets:
                raise Conflict("timesheet already exists")
            self._sheets[(sheet.tenant_id, sheet.id)] = copy.deepcopy(stored)
        self._emit(TimesheetChanged, None, stored)
        return stored

    def get_sheet(self, tenant_id: str, sheet_id: str) -> Timesheet | None:
        return copy.deepcopy(self._sheets.get((tenant_id, sheet_id)))

    def save_sheet(self, sheet: Timesheet) -> Timesheet:
        stored = replace(sheet, version=sheet.version + 1)
        with self._lock:
            current = self._sheets.get((sheet.tenant_id, sheet.id))
            if current is None or current.version != sheet.version:
                raise Conflict("timesheet changed meanwhile, read it again")
            self._sheets[(sheet.tenant_id, sheet.id)] = copy.deepcopy(stored)
        self._emit(TimesheetChanged, current, stored)
        return stored

    def delete_sheet(self, sheet: Timesheet) -> None:
        with self._lock:
            current = self._sheets.get((sheet.tenant_id, sheet.id))
            if current is not None and current.version != sheet.version:
                raise Conflict("timesheet changed meanwhile, read it again")
            self._sheets.pop((sheet.tenant_id, sheet.id), None)
        if current is not None:
            self._emit(TimesheetChanged, current, None)

    def sheets(self, q: SheetQuery) -> Page[Timesheet]:
        rows = [
            s for (tid, _), s in self._sheets.items()
            if tid == q.tenant_id
            and (q.user_id is None or s.user_id == q.user_id)
            and (q.project_id is None or s.project_id == q.project_id)
            and (q.portfolio_id is None or s.portfolio_id == q.portfolio_id)
            and (q.organization_id is None or s.organization_id == q.organization_id)
            and (q.date_from is None or s.date >= q.date_from)
            and (q.date_to is None or s.date <= q.date_to)
        ]
        def order(s: Timesheet) -> str:
            return f"{s.date}#{s.id}"

        rows.sort(key=order, reverse=not q.oldest_first)
        if q.after:
            after = q.after["k"]
            rows = [s for s in rows if (order(s) > after if q.oldest_first else order(s) < after)]
        chunk = rows[: q.limit]
        more = len(rows) > q.limit and chunk
        return Page([copy.deepcopy(s) for s in chunk], {"k": f"{chunk[-1].date}#{chunk[-1].id}"} if more else None)
