"""In-memory twin of dal/dynamo_notes.py (the contract suite runs the same tests on both)."""

from __future__ import annotations

import copy
import threading
from dataclasses import replace

from tandem.domain.notifications import Changes, Notification
from tandem.services.ports import Page, Position, Repos, SessionRecords


class MemoryNotificationRepo:
    def __init__(self, repos: Repos) -> None:
        self._repos = repos  # users and revocations, for changes_and_session
        self._notes: dict[tuple[str, str], dict[str, Notification]] = {}  # (tenant, user) → id → note
        self._state: dict[tuple[str, str], list[int]] = {}  # (tenant, user) → [sequence, unread]
        self._tenants: dict[str, int] = {}
        self._lock = threading.Lock()

    def _bump(self, key: tuple[str, str], unread: int) -> None:
        state = self._state.setdefault(key, [0, 0])
        state[0] += 1
        state[1] += unread

    def add(self, note: Notification) -> bool:
        key = (note.tenant_id, note.user_id)
        with self._lock:
            notes = self._notes.setdefault(key, {})
            if note.id in notes:
                return False
            notes[note.id] = replace(note, read=False)
            self._bump(key, 1)
        return True

    def list(
        self, tenant_id: str, user_id: str, *, unread_only: bool = False, limit: int = 50, after: Position = None
    ) -> Page[Notification]:
        rows = sorted(self._notes.get((tenant_id, user_id), {}).values(), key=lambda n: n.id, reverse=True)
        if after:
            rows = [n for n in rows if n.id < after["k"]]
        # Like the Query: `limit` rows are read, then the filter drops the read ones.
        chunk, more = rows[:limit], len(rows) > limit
        kept = [copy.deepcopy(n) for n in chunk if not (unread_only and n.read)]
        return Page(kept, {"k": chunk[-1].id} if more and chunk else None)

    def mark_read(self, tenant_id: str, user_id: str, ids: list[str]) -> int:
        key = (tenant_id, user_id)
        with self._lock:
            notes = self._notes.get(key, {})
            for note_id in dict.fromkeys(ids):
                note = notes.get(note_id)
                if note is not None and not note.read:
                    note.read = True
                    self._bump(key, -1)
            return self._state.get(key, [0, 0])[1]

    def mark_all_read(self, tenant_id: str, user_id: str) -> int:
        return self.mark_read(tenant_id, user_id, list(self._notes.get((tenant_id, user_id), {})))

    def touch(self, tenant_id: str) -> None:
        with self._lock:
            self._tenants[tenant_id] = self._tenants.get(tenant_id, 0) + 1

    def changes(self, tenant_id: str, user_id: str) -> Changes:
        sequence, unread = self._state.get((tenant_id, user_id), [0, 0])
        return Changes(tenant=self._tenants.get(tenant_id, 0), user=sequence, unread=unread)

    def changes_and_session(self, tenant_id: str, user_id: str, token_id: str) -> tuple[Changes, SessionRecords]:
        user = self._repos.users.get(tenant_id, user_id)
        return self.changes(tenant_id, user_id), SessionRecords(user, self._repos.revocations.is_revoked(tenant_id,
                                                                                                          token_id))
