"""What one stream batch reads once: the people its changes name and the done-markers of its changes; what it
learns on the way (a sender over its acknowledgement limit).

A batch of stream records is many changes of few items and fewer people: each record reading the requester
again (rule conditions, the acknowledgement, the search index) and asking the store whether its rules ran
already costs a request each. A `StreamBatch` reads both up front in batch reads, and the batch's changes use
those answers. The answers are only as old as the batch (seconds), like any stream handler's view.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

from tandem.domain.events import Event, ItemChanged, ItemCreated, MessageAdded
from tandem.domain.people import User
from tandem.services.apply_rules import done_keys
from tandem.services.batch_writes import StagedCounts, StagedPostings, StagedSaves, staging
from tandem.services.deps import Deps
from tandem.services.notify import ack_key

BATCH_READ = 100  # keys a batch read takes (DynamoDB's BatchGetItem limit)


class BatchUsers:
    """The users repo of one batch: people read once (in batch reads), answers kept for the batch."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._known: dict[tuple[str, str], User | None] = {}

    def prefetch(self, tenant_id: str, user_ids: list[str]) -> None:
        """Read these people in batch reads; the ones not found are remembered as missing too."""
        wanted = [u for u in dict.fromkeys(user_ids) if u and (tenant_id, u) not in self._known]
        for start in range(0, len(wanted), BATCH_READ):
            chunk = wanted[start : start + BATCH_READ]
            found = {u.id: u for u in self._inner.get_many(tenant_id, chunk)}
            for user_id in chunk:
                self._known[(tenant_id, user_id)] = found.get(user_id)

    def get(self, tenant_id: str, user_id: str) -> User | None:
        key = (tenant_id, user_id)
        if key not in self._known:
            self._known[key] = self._inner.get(tenant_id, user_id)
        return copy.deepcopy(self._known[key])

    def save(self, user: User, **kwargs: Any) -> User:
        self._known.pop((user.tenant_id, user.id), None)
        return self._inner.save(user, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class BatchMail:
    """The mail log of one batch: a sender found over a count's limit stays over for the batch.

    A count in a window only grows, so once a count was refused (the limit reached) every later count of the
    same key and window in the batch would be refused too: it is answered without a request. Except for a change
    the batch's read found counted already (an earlier delivery counted it, under the limit then): that one is
    asked, and answers True, so its mail is still sent."""

    def __init__(self, inner: Any, counted: Any) -> None:
        self._inner = inner
        self._counted = counted  # (tenant, done-marker key) → whether the batch's read found it
        self._over: set[tuple[str, str, str]] = set()

    def count_once(self, tenant_id: str, key: str, window: str, ttl_seconds: int, change_id: str, limit: int) -> bool:
        if (tenant_id, key, window) in self._over and not self._counted(tenant_id, change_id):
            return False
        counted = self._inner.count_once(tenant_id, key, window, ttl_seconds, change_id, limit)
        if not counted:
            self._over.add((tenant_id, key, window))
        return counted

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class StreamBatch:
    """One batch's shared reads (`deps` answers people from them) and the tenants whose change stamp moves once
    at the batch's end (`touched`)."""

    def __init__(self, deps: Deps, events: list[Event]) -> None:
        self.users = BatchUsers(deps.repos.users)
        self.mail = BatchMail(deps.repos.mail, self.done)
        self.deps = replace(deps, repos=replace(deps.repos, users=self.users, mail=self.mail))
        self.postings = StagedPostings(deps.repos.search) if deps.repos.search is not None else None
        self.counts = StagedCounts(deps.repos.queue_counts)
        self.saves = StagedSaves(deps.repos.items)
        self.touched: dict[str, list[str]] = {}  # tenant → the batch's event ids of it
        self._done: set[tuple[str, str]] = set()
        self._read(deps, events)

    def _read(self, deps: Deps, events: list[Event]) -> None:
        people: dict[str, list[str]] = {}
        markers: dict[str, list[str]] = {}
        for event in events:
            tenant_id, user_ids = _people(event)
            if tenant_id is None:
                continue
            people.setdefault(tenant_id, []).extend(user_ids)
            markers.setdefault(tenant_id, []).extend(_markers(event))
        for tenant_id, user_ids in people.items():
            self.users.prefetch(tenant_id, user_ids)
        for tenant_id, keys in markers.items():
            for start in range(0, len(keys), BATCH_READ):
                found = deps.repos.items.done(tenant_id, keys[start : start + BATCH_READ])
                self._done |= {(tenant_id, k) for k in found}

    def staging(self, event: Event) -> Deps:
        """The batch's deps for one record's shared writes (search postings, queue counts): staged, written by
        `flush`."""
        return staging(self.deps, event.event_id, self.postings, self.counts)

    def flush(self) -> set[str]:
        """Write what the batch's records staged; answers the event ids of the records whose writes failed."""
        failed = self.saves.flush()  # first: a conflicting save runs again alone, and may stage nothing more
        failed |= self.postings.flush() if self.postings is not None else set()
        return failed | self.counts.flush()

    def done(self, tenant_id: str, key: str) -> bool:
        """Whether the batch's read found this done-marker (a change an earlier delivery made)."""
        return (tenant_id, key) in self._done


def _markers(event: Event) -> list[str]:
    """The done-markers reacting to a change may write: its rules' and its acknowledgement count's."""
    return [*done_keys(event), ack_key(event.event_id)] if isinstance(event, ItemCreated) else done_keys(event)


def _people(event: Event) -> tuple[str | None, list[str]]:
    """The tenant of a change and the people reacting to it reads (requester, author)."""
    if isinstance(event, ItemCreated):
        return event.item.tenant_id, [event.item.requester_id or ""]
    if isinstance(event, ItemChanged):
        return event.new.tenant_id, [event.new.requester_id or ""]
    if isinstance(event, MessageAdded):
        return event.message.tenant_id, [event.message.author_id or ""]
    return None, []
