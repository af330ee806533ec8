"""Lambda-side adapters for the event-driven functions: decode events, call use cases, report failures."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from tandem.runtime.observability import count, logger

if TYPE_CHECKING:
    from tandem.domain.events import Event
    from tandem.runtime.settings import Settings
    from tandem.services.deps import Deps
    from tandem.services.ports import BlobStore
    from tandem.services.stream_batch import StreamBatch


class Container(Protocol):
    """What the handlers use of the composition root's container (runtime/wiring.py builds it and calls the
    handlers; naming its shape here keeps the dependency one way)."""

    deps: Deps
    settings: Settings

    def inbound_blobs(self) -> BlobStore: ...


def envelope_of(record: dict, raw_prefix: str = "inbound/") -> Any:
    """The SES receipt record → our Envelope (verdicts included; missing verdicts count as PASS)."""
    from tandem.domain.mail import Envelope

    ses = record.get("ses") or {}
    mail, receipt = ses.get("mail") or {}, ses.get("receipt") or {}

    def verdict(name: str) -> str:
        return str((receipt.get(name) or {}).get("status", "PASS")).upper()

    message_id = str(mail.get("messageId") or "")
    return Envelope(
        ses_message_id=message_id,
        recipients=list(receipt.get("recipients") or mail.get("destination") or []),
        raw_key=f"{raw_prefix}{message_id}",
        spam=verdict("spamVerdict"),
        virus=verdict("virusVerdict"),
        spf=verdict("spfVerdict"),
        dkim=verdict("dkimVerdict"),
        dmarc=verdict("dmarcVerdict"),
        source=str(mail.get("source") or ""),
    )


def ingest_ses_event(c: Container, event: dict) -> dict:
    """Each SES record names a raw message the receipt rule stored in S3: read, parse, ingest (idempotently).

    Every mail ends as an item, a reply, a duplicate or a stored rejection; only a TransientError (throttling,
    5xx, timeouts) propagates, so Lambda invokes again and SES's stored mail is not given up."""
    from tandem.services.receive_mail import receive

    outcomes = []
    for record in event.get("Records") or []:
        env = envelope_of(record)
        if not env.ses_message_id:
            logger.warning("ses record without a message id", extra={"record": record})
            continue
        for outcome in receive(c.deps, c.inbound_blobs(), env, secret=c.settings.token_secret):
            extra = {
                "ses_message_id": env.ses_message_id,
                "raw_key": env.raw_key,
                "result": outcome.result,
                "tenant_id": outcome.tenant_id,
                "item_ref": outcome.ref,
                "reason": outcome.reason,
            }
            if outcome.error is not None:
                logger.error("mail ingest failed, kept as a rejection", exc_info=outcome.error, extra=extra)
            else:
                logger.info("mail ingested", extra=extra)
            if outcome.result == "rejected":
                count("MailRejected", reason=outcome.reason or "unknown")
            else:
                count("MailIngested", result=outcome.result)
            outcomes.append(
                {"result": outcome.result, "tenant_id": outcome.tenant_id, "ref": outcome.ref, "reason": outcome.reason}
            )
    return {"outcomes": outcomes}


def react_to(
    c: Container,
    event: Event,
    load: Any = None,
    policies: dict | None = None,
    hooks: Any = None,
    dispatch: Any = None,
    batch: StreamBatch | None = None,
) -> int:
    """One change → its rules, SLA clocks and time-based checks, then its mail, its webhooks, the search index, the
    queue counts, the time aggregates, its in-app notifications and the tenant's change count (what open workspaces
    poll).

    Each part runs even when an earlier one raised: a failing rule must not cost the item its acknowledgement
    or its SLA clock. The first error is raised afterwards so the record is redelivered; every part is
    idempotent, so the repeat only does what did not happen. `load` and `policies` cache the tenant's rules
    and SLA policies for the whole batch, `hooks` its webhook subscriptions; `dispatch` runs first webhook attempts
    in the batch's thread pool (inline without one). `batch` holds what the whole batch read once (people, done-
    markers); with it the tenant's change count is left to the batch's end (`process_stream_batch`)."""
    from tandem.domain.events import ItemCreated
    from tandem.services import in_app
    from tandem.services.apply_rules import apply_rules, rule_loader
    from tandem.services.emit_hooks import emit
    from tandem.services.index_search import index_change
    from tandem.services.notify import react
    from tandem.services.queues import count_change
    from tandem.services.run_timers import schedule_time_rules
    from tandem.services.sla_clocks import track
    from tandem.services.time_reports import count_time

    deps = batch.deps if batch is not None else c.deps
    load = load or rule_loader(deps)
    done = batch.done if batch is not None else None
    errors: list[Exception] = []

    def guarded(part: Callable[[], Any], metric: str | None = None) -> Any:
        try:
            return part()
        except Exception as exc:  # raised again below, once the other parts ran
            logger.exception("stream part failed", extra={"event_id": event.event_id})
            if metric:
                count(metric)
            errors.append(exc)
            return None

    if isinstance(event, ItemCreated):
        count("ItemsCreated", channel=event.item.via or "unknown")
    defer = batch.saves.defer_for(event.event_id) if batch is not None else None  # shared writes at the end
    guarded(lambda: apply_rules(deps, event, load, c.settings.token_secret, done, defer), "RuleFailures")
    guarded(lambda: track(deps, event, policies))
    guarded(lambda: schedule_time_rules(deps, event, load))
    sent = guarded(lambda: react(deps, event, c.settings.token_secret))
    guarded(lambda: emit(deps, event, hooks, dispatch, event.event_id), "WebhookFailures")
    staged = batch.staging(event) if batch is not None else deps  # written at the batch's end, shared
    guarded(lambda: index_change(staged, event), "SearchIndexFailures")
    guarded(lambda: count_change(staged, event), "QueueCountFailures")
    guarded(lambda: count_time(deps, event), "TimeReportFailures")
    guarded(lambda: in_app.react(deps, event), "NotificationFailures")
    if batch is None:
        guarded(lambda: in_app.touch(deps, event))  # last: the stamp moves once everything above is visible
    if errors:
        raise errors[0]
    return sent


def process_stream_batch(c: Container, event: dict) -> dict:
    """Run every stream record through the record handler; failures are reported per record."""
    from tandem.dal.stream import decode
    from tandem.services.apply_rules import rule_loader
    from tandem.services.emit_hooks import Dispatch, HookLoader
    from tandem.services.stream_batch import StreamBatch

    changes = _decode_all(event, decode)
    # The batch's people and done-markers in batch reads, its tenants' rules, SLA policies and webhook
    # subscriptions one Query each: a record costs only its own writes.
    batch = StreamBatch(c.deps, [e for e in changes.values() if e is not None])
    load = rule_loader(batch.deps)
    policies: dict = {}
    hooks = HookLoader(batch.deps)
    dispatch = Dispatch(workers=WEBHOOK_WORKERS)

    def handle(raw: dict) -> None:
        change = changes[id(raw)] if id(raw) in changes else decode(raw)  # undecodable: raises here, alone
        if change is not None:
            react_to(c, change, load, policies, hooks, dispatch, batch)

    try:
        answer = process_partial(event, handle)
    except Exception:  # every record failed: the whole batch comes back
        count("StreamRecordFailures", len(event.get("Records") or []))
        raise
    finally:
        failed_hooks = dispatch.wait()
        dispatch.close()
    answer = _add_failures(event, answer, failed_hooks)
    answer = _fail_events(event, answer, _flush(batch))  # the batch's shared writes, before the change stamp
    answer = _touch_tenants(c, event, changes, answer)
    if answer.get("batchItemFailures"):
        count("StreamRecordFailures", len(answer["batchItemFailures"]))
    return answer


class BatchFailed(Exception):
    """Every record of a stream batch failed: the Lambda fails, so the whole batch is delivered again."""


def process_partial(event: dict, handle: Callable[[dict], None]) -> dict:
    """Run `handle` on each record of a DynamoDB stream batch; the answer names the records that raised by their
    sequence numbers (Lambda's partial batch response). All failed: raise, chained to the first failure. (What
    powertools' BatchProcessor does for DynamoDB streams, without importing its event classes and asyncio.)"""
    records = event.get("Records")
    if not records or not isinstance(records, list):
        raise ValueError("not a DynamoDB stream batch: no Records")
    failed: list[dict] = []
    errors: list[BaseException] = []
    for record in records:
        try:
            handle(record)
        except Exception as exc:
            failed.append(record)
            errors.append(exc)
    if failed and len(failed) == len(records):
        raise BatchFailed(f"All {len(errors)} records failed processing; the first: {errors[0]!r}") from errors[0]
    return {"batchItemFailures": [{"itemIdentifier": (r.get("dynamodb") or {}).get("SequenceNumber")} for r in failed]}


def _decode_all(event: dict, decode: Callable[[dict], Event | None]) -> dict[int, Event | None]:
    """Each record's change, by the record's identity; a record that does not decode is left out (its handler
    decodes it again and fails alone)."""
    changes: dict[int, Event | None] = {}
    for record in event.get("Records") or []:
        try:
            changes[id(record)] = decode(record)
        except Exception:  # reported by the record's own handler
            continue
    return changes


def _touch_tenants(c: Container, event: dict, changes: dict[int, Event | None], answer: dict) -> dict:
    """Once per tenant per batch, after everything else: count the change on the tenant's change record, so
    every open workspace refetches once (in_app.touch). When that fails, the tenant's records come back."""
    from tandem.services import in_app

    last: dict[str, Event] = {}
    sequences: dict[str, list[str]] = {}
    for record in event.get("Records") or []:
        change = changes.get(id(record))
        tenant_id = in_app.tenant_of(change) if change is not None else None
        if tenant_id:
            last[tenant_id] = change  # type: ignore[assignment]
            sequences.setdefault(tenant_id, []).append(str((record.get("dynamodb") or {}).get("SequenceNumber")))
    for tenant_id, change in last.items():
        try:
            in_app.touch(c.deps, change)
        except Exception:
            logger.exception("tenant change stamp failed", extra={"tenant_id": tenant_id})
            known = {f["itemIdentifier"] for f in answer.get("batchItemFailures") or []}
            failures = answer.setdefault("batchItemFailures", [])
            failures += [{"itemIdentifier": s} for s in sequences[tenant_id] if s not in known]
    return answer


# First webhook attempts of a batch run this many at a time (each waits at most the sender's 10 s timeout).
WEBHOOK_WORKERS = 16


def _add_failures(event: dict, answer: dict, failed: dict[str, Exception]) -> dict:
    """Records whose pooled webhook attempt raised (a store error, not a receiver's answer) come back too."""
    if not failed:
        return answer
    for exc in failed.values():
        logger.error("webhook attempt failed", exc_info=exc)
    count("WebhookFailures", len(failed))
    return _fail_events(event, answer, set(failed))


def _flush(batch: StreamBatch) -> set[str]:
    """Write the records' staged writes; the event ids whose writes failed (the whole batch's when it raised)."""
    try:
        failed = batch.flush()
    except Exception:
        logger.exception("stream batch writes failed")
        return {"*"}
    if failed:
        count("StreamWriteFailures", len(failed))
    return failed


def _fail_events(event: dict, answer: dict, event_ids: set[str]) -> dict:
    """The records of these stream event ids ("*": all of them) come back, each named once."""
    if not event_ids:
        return answer
    known = {f["itemIdentifier"] for f in answer.get("batchItemFailures") or []}
    for record in event.get("Records") or []:
        seq = str((record.get("dynamodb") or {}).get("SequenceNumber") or "")
        if ("*" in event_ids or str(record.get("eventID") or "") in event_ids) and seq and seq not in known:
            known.add(seq)
            answer.setdefault("batchItemFailures", []).append({"itemIdentifier": seq})
    return answer


def run_timers(c: Container, now: str | None = None) -> dict:
    """Fire every due timer once: SLA warnings and breaches, idle and due-soon rules."""
    from tandem.services.run_timers import run_timers as fire_due

    loader: list[Callable[[str], list]] = []

    def load(tenant_id: str) -> list:  # the rules machinery is imported when a due timer first needs rules
        if not loader:
            from tandem.services.apply_rules import rule_loader

            loader.append(rule_loader(c.deps))
        return loader[0](tenant_id)

    fired = fire_due(c.deps, load, c.settings.token_secret, now=now)
    for kind, n in fired.items():
        count("TimersFired", n, kind=kind)
    logger.info("timers tick", extra={"fired": fired})
    return {"fired": fired}
