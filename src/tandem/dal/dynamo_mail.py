"""PynamoDB repos for bookkeeping: mail rejections, once-only claims, rate counters, revoked tokens, timers, jobs,
responses."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError

from tandem.dal.codec import dumps, loads
from tandem.dal.dynamo_base import (
    check_premises,
    done_record,
    failed_items,
    get,
    one_page,
    stale_premises,
    tkey,
    transaction,
    ttl,
)
from tandem.dal.table import Record
from tandem.domain.clock import iso, parse_iso
from tandem.domain.mail import Rejection
from tandem.services.ports import Page, Position, Premise, StalePremise, Timer

REJECTION_TTL = 90 * 24 * 3600
RESPONSE_TTL = 24 * 3600


def _conditional_failure(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


class DynamoMailLog:
    def reject(self, rejection: Rejection, premises: tuple[Premise, ...] = ()) -> None:
        owner = tkey(rejection.tenant_id) if rejection.tenant_id else "T#-"
        record = Record(pk=f"{owner}#REJECT", sk=f"{rejection.at}#{rejection.id}", kind="rejection",
                        data=dumps(rejection), expires_at=ttl(REJECTION_TTL))
        if not premises:
            record.save()
            return
        try:
            with transaction() as tx:  # the reason holds only while its premises do: one request all the same
                checked = check_premises(tx, premises)
                tx.save(record)
        except TransactWriteError as exc:
            stale = stale_premises(exc, checked)
            if not stale:
                raise
            raise StalePremise(stale) from exc

    def rejections(self, tenant_id: str | None, *, limit: int = 50, after: Position = None,
                   since: str | None = None) -> Page[Rejection]:
        owner = tkey(tenant_id) if tenant_id else "T#-"
        from_time = Record.sk >= since if since else None
        records, last = one_page(lambda **kw: Record.query(f"{owner}#REJECT", from_time, **kw), limit, after)
        return Page([loads(Rejection, r.data) for r in records], last)

    def claim(self, tenant_id: str, key: str, ttl_seconds: int) -> bool:
        try:
            Record(pk=f"{tkey(tenant_id)}#ONCE#{key}", sk="ONCE", kind="once", expires_at=ttl(ttl_seconds)).save(
                condition=Record.pk.does_not_exist())
        except PutError as exc:
            if _conditional_failure(exc):
                return False
            raise
        return True

    def release(self, tenant_id: str, key: str) -> None:
        Record(pk=f"{tkey(tenant_id)}#ONCE#{key}", sk="ONCE", kind="once").delete()

    def bump(self, tenant_id: str, key: str, window: str, ttl_seconds: int) -> int:
        record = Record(pk=f"{tkey(tenant_id)}#COUNT#{key}#{window}", sk="COUNT", kind="count")
        record.update(actions=[Record.n.add(1), Record.expires_at.set(ttl(ttl_seconds))])
        return int(record.n or 0)


    def count_once(self, tenant_id: str, key: str, window: str, ttl_seconds: int, change_id: str,
                   limit: int) -> bool:
        # One transaction: the change's done-marker and the count, the count only while under the limit.
        record = Record(pk=f"{tkey(tenant_id)}#COUNT#{key}#{window}", sk="COUNT", kind="count")
        try:
            with transaction() as tx:
                tx.save(done_record(tenant_id, change_id), condition=Record.pk.does_not_exist())
                tx.update(record, actions=[Record.n.add(1), Record.expires_at.set(ttl(ttl_seconds))],
                          condition=Record.n.does_not_exist() | (Record.n < limit))
        except TransactWriteError as exc:
            failed = failed_items(exc)
            if 0 in failed:
                return True  # counted by an earlier attempt: that attempt was under the limit
            if 1 in failed:
                return False
            raise
        return True


class DynamoCounters:
    """Throttle counters outside any tenant (`T#-`): an IP or a sign-in name is not yet a tenant's."""

    def add(self, key: str, window: str, amount: int, ttl_seconds: int) -> int:
        record = Record(pk=f"T#-#COUNT#{key}#{window}", sk="COUNT", kind="count")
        record.update(actions=[Record.n.add(amount), Record.expires_at.set(ttl(ttl_seconds))])
        return int(record.n or 0)


class DynamoRevocations:
    def revoke(self, tenant_id: str, token_id: str, ttl_seconds: int) -> None:
        Record(pk=f"{tkey(tenant_id)}#REVOKED#{token_id}", sk="REVOKED", kind="revoked",
               expires_at=ttl(ttl_seconds)).save()

    def is_revoked(self, tenant_id: str, token_id: str) -> bool:
        # DynamoDB deletes expired records late, but a revoked token's own expiry has passed by then anyway.
        return get(f"{tkey(tenant_id)}#REVOKED#{token_id}", "REVOKED") is not None


def _bucket(at: str) -> str:
    return at[:13]  # one bucket per hour: YYYY-MM-DDTHH


class DynamoTimerRepo:
    def schedule(self, timer: Timer) -> None:
        Record(pk=f"{tkey(timer.tenant_id)}#TIMER#{timer.key}", sk="TIMER", kind="timer", owner=timer.kind,
               due_bucket=_bucket(timer.due_at), due_at=timer.due_at, data=json.dumps(timer.payload)).save()

    def cancel(self, tenant_id: str, key: str) -> None:
        Record(pk=f"{tkey(tenant_id)}#TIMER#{key}", sk="TIMER", kind="timer").delete()

    def due(self, now: str, *, since: str, limit: int = 100) -> list[Timer]:
        """One Query per hour bucket between `since` and `now` on the `timers` index."""
        found: list[Timer] = []
        hour = parse_iso(since).replace(minute=0, second=0, microsecond=0)
        while iso(hour) <= now and len(found) < limit:
            bucket = _bucket(iso(hour))
            for r in Record.timers.query(bucket, Record.due_at.between(since, now), limit=limit - len(found)):
                tenant_id = r.pk.split("#TIMER#", 1)[0].removeprefix("T#")
                key = r.pk.split("#TIMER#", 1)[1]
                found.append(Timer(tenant_id, key, r.due_at or "", r.owner or "", json.loads(r.data or "{}")))
            hour += timedelta(hours=1)
        return found

    def take(self, timer: Timer) -> bool:
        record = Record(pk=f"{tkey(timer.tenant_id)}#TIMER#{timer.key}", sk="TIMER", kind="timer")
        try:
            record.delete(condition=Record.due_at == timer.due_at)
        except DeleteError as exc:
            if _conditional_failure(exc):
                return False
            raise
        return True


class DynamoIdempotencyStore:
    def get(self, tenant_id: str, key: str) -> dict[str, Any] | None:
        found = get(f"{tkey(tenant_id)}#RESPONSE#{key}", "RESPONSE")
        return json.loads(found.data) if found is not None and found.data else None

    def put(self, tenant_id: str, key: str, response: dict[str, Any]) -> None:
        try:
            Record(pk=f"{tkey(tenant_id)}#RESPONSE#{key}", sk="RESPONSE", kind="response", data=json.dumps(response),
                   expires_at=ttl(RESPONSE_TTL)).save(condition=Record.pk.does_not_exist())
        except PutError as exc:
            if not _conditional_failure(exc):
                raise
