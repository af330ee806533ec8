"""In-memory twin of dal/dynamo_projects.py's join requests (the contract suite runs on both); the folders' twin is
dal/memory.py::MemoryFolderRepo, a configuration record like the others there."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from threading import RLock
from typing import Any

from tandem.domain.errors import Conflict
from tandem.domain.events import JoinRequestChanged
from tandem.domain.hierarchy import Project
from tandem.domain.join_requests import JoinRequest
from tandem.services.ports import Page, Position


class MemoryJoinRequestRepo:
    """Requests per (tenant, project), with the asker's pending mark; writes reach the stream as the table's do.
    Shares the fake table's lock with the project repo, so a decision and its new member are one write."""

    def __init__(self, lock: RLock, emit: Callable[..., None], projects: Any) -> None:
        self._lock, self._emit, self._projects = lock, emit, projects
        self._requests: dict[tuple[str, str, str], JoinRequest] = {}
        self._pending: dict[tuple[str, str, str], str] = {}  # (tenant, project, user) → request id

    def add(self, request: JoinRequest) -> tuple[JoinRequest, bool]:
        with self._lock:
            mark = (request.tenant_id, request.project_id, request.user_id)
            if mark in self._pending:
                existing = self._requests[(request.tenant_id, request.project_id, self._pending[mark])]
                return copy.deepcopy(existing), False
            key = (request.tenant_id, request.project_id, request.id)
            if key in self._requests:
                raise Conflict("join request exists")
            stored = replace(request, version=1)
            self._requests[key] = copy.deepcopy(stored)
            self._pending[mark] = request.id
            self._emit(JoinRequestChanged, None, stored)
        return stored, True

    def get(self, tenant_id: str, project_id: str, request_id: str) -> JoinRequest | None:
        return copy.deepcopy(self._requests.get((tenant_id, project_id, request_id)))

    def list(self, tenant_id: str, project_id: str, *, state: str | None = None, user_id: str | None = None,
             limit: int = 50, after: Position = None) -> Page[JoinRequest]:
        rows = sorted((r for (t, p, _), r in self._requests.items() if (t, p) == (tenant_id, project_id)),
                      key=lambda r: r.id)
        if after:
            rows = [r for r in rows if r.id > after["k"]]
        # Like the Query: `limit` rows are read, then the filter keeps what matches (a page may be short).
        chunk, more = rows[:limit], len(rows) > limit
        kept = [copy.deepcopy(r) for r in chunk if state in (None, r.state.value) and user_id in (None, r.user_id)]
        return Page(kept, {"k": chunk[-1].id} if more and chunk else None)

    def decide(self, request: JoinRequest, project: Project | None = None) -> JoinRequest:
        with self._lock:
            key = (request.tenant_id, request.project_id, request.id)
            current = self._requests.get(key)
            if current is None or current.version != request.version:
                raise Conflict("the request or its project changed meanwhile, read them again")
            if project is not None:
                self._projects.save(project)  # Conflict on a stale project, before anything changed
            stored = replace(request, version=request.version + 1)
            self._requests[key] = copy.deepcopy(stored)
            self._pending.pop((request.tenant_id, request.project_id, request.user_id), None)
            self._emit(JoinRequestChanged, current, stored)
        return stored

