"""Writes a stream batch shares across its records: each record stages them, the batch writes them at its end.

Search postings are idempotent puts and deletes keyed by their content: the batch's postings go out in shared
batch writes (25 a request) instead of one request per record. Queue counts are counted once per stream event
by the event's marker: the batch's events go out together, per tenant, in as few transactions as fit (the
markers with the merged counter updates, `QueueCounters.apply_many`). Rule writes of different items (each with its
done-marker) go out together too (`ItemRepo.save_many`). Every staged write remembers the records (stream
event ids) it came from; a write that fails names them, and they come back (batchItemFailures), so nothing staged
is lost silently. A redelivered record stages the same and leaves the same.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from tandem.domain.errors import Conflict
from tandem.services.deps import Deps
from tandem.services.ports import AlreadyDone, Posting

log = logging.getLogger(__name__)

POSTINGS_PER_WRITE = 25  # DynamoDB's BatchWriteItem limit


class StagedPostings:
    """The batch's postings in record order: a later put or delete of the same posting replaces an earlier one
    (a title changed twice in the batch keeps only the last words), as writing them one record at a time would."""

    def __init__(self, index: Any) -> None:
        self._index = index
        self._ops: dict[tuple[str, Any], tuple[bool, Posting]] = {}  # (tenant, posting) → (put?, posting)
        self._owners: dict[tuple[str, Any], set[str]] = {}  # the event ids that staged each posting

    def stage(self, event_id: str, tenant_id: str, put: list[Posting], delete: list[Posting]) -> None:
        puts = {_key(p) for p in put}
        for p in delete:
            if _key(p) not in puts:  # within one write a put wins, as in `SearchIndex.write`
                self._add(event_id, tenant_id, False, p)
        for p in put:
            self._add(event_id, tenant_id, True, p)

    def _add(self, event_id: str, tenant_id: str, is_put: bool, p: Posting) -> None:
        key = (tenant_id, _key(p))
        self._ops.pop(key, None)  # re-inserted last: the order of writes is the order of the last change
        self._ops[key] = (is_put, p)
        self._owners.setdefault(key, set()).add(event_id)

    def flush(self) -> set[str]:
        """Write what was staged, POSTINGS_PER_WRITE a request; answers the event ids whose postings failed."""
        failed: set[str] = set()
        by_tenant: dict[str, list[tuple[Any, bool, Posting]]] = {}
        for (tenant_id, key), (is_put, p) in self._ops.items():
            by_tenant.setdefault(tenant_id, []).append((key, is_put, p))
        for tenant_id, ops in by_tenant.items():
            for start in range(0, len(ops), POSTINGS_PER_WRITE):
                chunk = ops[start : start + POSTINGS_PER_WRITE]
                puts, deletes = [p for _, put, p in chunk if put], [p for _, put, p in chunk if not put]
                try:
                    self._index.write(tenant_id, puts, deletes)
                except Exception:  # the records come back; their postings are written again then
                    log.exception("search postings write failed", extra={"tenant_id": tenant_id})
                    for key, _, _ in chunk:
                        failed |= self._owners[(tenant_id, key)]
        self._ops.clear()
        self._owners.clear()
        return failed


def staging(deps: Deps, event_id: str, postings: StagedPostings | None, counts: StagedCounts) -> Deps:
    """`deps` whose search index and queue counters stage one record's writes (reads go to the stores)."""
    search = _Stager(postings, event_id) if postings is not None else None
    return replace(deps, repos=replace(deps.repos, search=search, queue_counts=_CountStager(counts, event_id)))


def _key(p: Posting) -> tuple[str, str, str, str]:
    return (p.word, p.doc_kind, p.doc_id, p.source)


class _Stager:
    """A search index whose writes are staged in the batch under one record's event id."""

    def __init__(self, staged: StagedPostings, event_id: str) -> None:
        self._staged, self._event_id = staged, event_id

    def write(self, tenant_id: str, put: list[Posting], delete: list[Posting]) -> None:
        self._staged.stage(self._event_id, tenant_id, put, delete)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._staged._index, name)


class StagedCounts:
    """The batch's queue-count changes, per tenant in record order, each under its stream event's id."""

    def __init__(self, counters: Any) -> None:
        self._counters = counters
        self._changes: dict[str, list[tuple[str, dict[str, dict[str, int]]]]] = {}
        self._owners: dict[tuple[str, str], str] = {}  # (tenant, change id) → the event id that staged it

    def stage(self, event_id: str, tenant_id: str, change_id: str, deltas: dict[str, dict[str, int]]) -> None:
        self._changes.setdefault(tenant_id, []).append((change_id, deltas))
        self._owners[(tenant_id, change_id)] = event_id

    def flush(self) -> set[str]:
        """Apply what was staged; answers the event ids whose changes failed (none of their deltas counted)."""
        failed: set[str] = set()
        for tenant_id, changes in self._changes.items():
            try:
                errors = self._counters.apply_many(tenant_id, changes)
            except Exception:  # nothing says which: every change of the tenant comes back (each counts once)
                log.exception("queue counts write failed", extra={"tenant_id": tenant_id})
                errors = {change_id: None for change_id, _ in changes}
            for change_id, error in errors.items():
                log.error("queue count change failed", exc_info=error, extra={"change_id": change_id})
                failed.add(self._owners[(tenant_id, change_id)])
        self._changes.clear()
        self._owners.clear()
        return failed


class _CountStager:
    """Queue counters whose changes are staged in the batch under one record's event id."""

    def __init__(self, staged: StagedCounts, event_id: str) -> None:
        self._staged, self._event_id = staged, event_id

    def apply(self, tenant_id: str, change_id: str, deltas: dict[str, dict[str, int]]) -> bool:
        self._staged.stage(self._event_id, tenant_id, change_id, deltas)
        return True  # staged: counted at the batch's end, unless counted before

    def __getattr__(self, name: str) -> Any:
        return getattr(self._staged._counters, name)


class StagedSaves:
    """The batch's rule writes (a situation's field rules: the item, its activity entries, its done-marker), written
    together at the batch's end (`ItemRepo.save_many`). A save that finds its done-marker did its work before; one
    that finds the item moved on runs again alone (`again`); after a save, `saved` marks the rules' outcomes."""

    def __init__(self, items: Any) -> None:
        self._items = items
        self._saves: list[tuple[str, tuple[Any, tuple[Any, ...], str], Callable[[], None], Callable[[], None]]] = []

    def defer_for(self, event_id: str) -> Callable[..., None]:
        def defer(item: Any, entries: tuple[Any, ...], done: str, saved: Callable[[], None],
                  again: Callable[[], None]) -> None:
            self._saves.append((event_id, (item, entries, done), saved, again))

        return defer

    def flush(self) -> set[str]:
        """Write the staged saves; answers the event ids whose save (or its follow-up) failed."""
        saves, self._saves = self._saves, []
        if not saves:
            return set()
        try:
            answers = self._items.save_many([save for _, save, _, _ in saves])
        except Exception as exc:  # nothing says which: each save answers the same
            answers = [exc] * len(saves)
        failed: set[str] = set()
        for (event_id, _, saved, again), answer in zip(saves, answers, strict=True):
            try:
                if answer is None:
                    saved()
                elif isinstance(answer, Conflict):
                    again()
                elif not isinstance(answer, AlreadyDone):
                    raise answer
            except Exception:  # the record comes back; its done-marker keeps what was written from repeating
                log.exception("rule write failed", extra={"event_id": event_id})
                failed.add(event_id)
        return failed
