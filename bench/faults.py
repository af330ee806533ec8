"""Fault injection: the 300-message peer set through ingest, the stream and the timers with AWS calls failing.

Usage: python bench/faults.py [--mails /tmp/peer/mails] [--rate 0.1] [--seed 7] [--lost-responses 0.0]

Two runs on moto (in process), the same work each time: a tenant with a rule on mail received (tag, private
note, templated mail to the requester, a signed webhook call to a receiver on 127.0.0.1), an SLA policy
(warning and breach timers) and a rule on SLA breach (private note, tag).
1. ingest every message through the `on_ses_receipt` handler code (raw mail from S3);
2. the table's stream through `on_table_change`'s batch handler, 300 records per invocation, until it is dry;
3. the timers through `on_tick`, ticking to each due time, draining the stream after each tick.

The first run has no faults and is the expected set. In the second, a botocore `before-call` hook fails
`--rate` of every DynamoDB, S3 and SES call our code makes (half ThrottlingException, half a 500: the calls
that failed even after the SDK's own retries, which this hook bypasses); `--lost-responses` makes that share
of the failures happen after the call instead (it took effect, the caller sees an error: a Lambda timing out
on a slow response). Failed work is redelivered the way Lambda does: a mail until it is ingested, a stream
batch from its first failed record on (later records again too), a tick until it completes. Each invocation
has a 2 s lease for once-only records, so an attempt that died IN_PROGRESS is retried after 2 s.

Then items, messages, mails (as SES received them), SLA timers fired, tags and rejections are compared with
the expected set as multisets: "lost" is expected but missing, "duplicated" is there more often than expected.
Writes bench/results/faults.md.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path
from typing import Any

from bench_env import prepare

ROOT = prepare(TANDEM_TABLE="tandem-faults", TANDEM_LOG_LEVEL="CRITICAL", TANDEM_INBOUND_BUCKET="faults-inbound",
               TANDEM_ATTACHMENT_BUCKET="faults-attachments", POWERTOOLS_METRICS_DISABLED="true",
               TANDEM_ALLOW_PRIVATE_WEBHOOKS="1")

ADDRESS = "support@bench.tandem.local"
BATCH = 300
LEASE_MS = 2_000
FAULTED = {"dynamodb", "s3", "ses"}
ERRORS = {  # (code, HTTP status) per service: a throttle and a server error
    "dynamodb": [("ThrottlingException", 400), ("InternalServerError", 500)],
    "s3": [("SlowDown", 503), ("InternalError", 500)],
    "ses": [("Throttling", 400), ("InternalFailure", 500)],
}


class Faults:
    """Fails a share of our AWS calls from botocore's own event hooks (every client, PynamoDB's included)."""

    def __init__(self, rate: float, seed: int, lost_share: float) -> None:
        self.rate, self.lost_share = rate, lost_share
        self.random = random.Random(seed)
        self.enabled = False
        self.injected: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()

    def install(self) -> None:
        """Register on botocore's built-in handlers: every session made from now on carries the hooks."""
        import botocore.handlers

        botocore.handlers.BUILTIN_HANDLERS.extend([("before-call", self.before), ("after-call", self.after)])

    def _error(self, service: str, operation: str) -> Exception:
        from botocore.exceptions import ClientError

        code, status = self.random.choice(ERRORS[service])
        body = {"Error": {"Code": code, "Message": "injected fault"}, "ResponseMetadata": {"HTTPStatusCode": status}}
        return ClientError(body, operation)

    def before(self, model: Any, context: dict, **_: Any) -> None:
        service = model.service_model.service_name.split("-")[0]
        if not self.enabled or service not in FAULTED:
            return
        self.calls[service] += 1
        if self.random.random() >= self.rate:
            return
        self.injected[f"{service} {model.name}"] += 1
        if self.random.random() < self.lost_share:
            context["bench_fault"] = True  # let the call happen, fail it afterwards
            return
        raise self._error(service, model.name)

    def after(self, model: Any, context: dict, **_: Any) -> None:
        if context.pop("bench_fault", False):
            raise self._error(model.service_model.service_name.split("-")[0], model.name)


def progress(text: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


class Invocation:
    """A Lambda context whose remaining time is the once-only lease."""

    aws_request_id = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return LEASE_MS


# --------------------------------------------------------------------------- the workload


def peer_mails(folder: str | None) -> list[bytes]:
    """The 300 peer messages: /tmp/peer/mails when prepared, else made the same way by the peer's script."""
    if folder and Path(folder).is_dir() and any(Path(folder).iterdir()):
        return [p.read_bytes() for p in sorted(Path(folder).iterdir()) if p.is_file()]
    spec = importlib.util.spec_from_file_location("peer", ROOT.parent / "shared" / "peers" / "bench_django_helpdesk.py")
    peer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(peer)  # type: ignore[union-attr]
    with tempfile.TemporaryDirectory() as tmp:
        peer.PEER, peer.MAILS = tmp, os.path.join(tmp, "mails")
        peer.CORPUS_ROOT = str(ROOT.parent / "shared" / "corpus")
        peer.prepare_mails(300)
        return [p.read_bytes() for p in sorted(Path(peer.MAILS).iterdir())]


def ses_event(ses_id: str) -> dict:
    verdicts = {k: {"status": "PASS"} for k in ("spamVerdict", "virusVerdict", "spfVerdict", "dkimVerdict",
                                                 "dmarcVerdict")}
    return {"Records": [{"eventSource": "aws:ses", "ses": {"mail": {"messageId": ses_id, "destination": [ADDRESS]},
                                                          "receipt": {"recipients": [ADDRESS], **verdicts}}}]}


def set_up_tenant(c: Any) -> None:
    from tandem.domain.people import Role
    from tandem.domain.permissions import Principal
    from tandem.services import manage_rules, manage_sla
    from tandem.services.sign_up import sign_up

    made = sign_up(c.deps, organization="Bench", slug="bench", email="admin@bench.example", name="Admin",
                   password="benchmark password")
    admin = Principal(made.tenant.id, made.user.id, Role.ADMIN)
    manage_rules.create_rule(c.deps, admin, {"name": "triage", "trigger": "email_received", "actions": [
        {"type": "add_tag", "value": "triaged"},
        {"type": "post_message", "visibility": "private", "body": "Triage: look at this"},
        {"type": "send_email", "to": "requester", "subject": "We are on [{{ item.ref }}]", "body": "Hello"},
        {"type": "call_webhook", "url": RECEIVER.url}]})
    manage_rules.create_rule(c.deps, admin, {"name": "breach", "trigger": "sla_breach", "actions": [
        {"type": "add_tag", "value": "breached"},
        {"type": "post_message", "visibility": "private", "body": "SLA breached"}]})
    manage_sla.create_policy(c.deps, admin, {"name": "Round the clock", "resolution_minutes": 120, "calendar": {
        "working_days": [0, 1, 2, 3, 4, 5, 6], "start": "00:00", "end": "24:00"}})


class Receiver:
    """A webhook receiver on 127.0.0.1 answering 200 and keeping what it got (the rule's `call_webhook`)."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                received.append((self.headers.get("webhook-id") or "", json.loads(body)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/triage"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


RECEIVER = Receiver()


class Stream:
    """The table's stream, read as the Lambda service does (its client is not one of ours: no faults)."""

    def __init__(self, table: str) -> None:
        import boto3

        self.streams = boto3.client("dynamodbstreams", region_name="us-east-1")
        arn = boto3.client("dynamodb", region_name="us-east-1").describe_table(TableName=table)["Table"]
        self.arn, self.iterators = arn["LatestStreamArn"], {}

    def read(self) -> list[dict]:
        records = []
        for shard in self.streams.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]:
            sid = shard["ShardId"]
            if sid not in self.iterators:
                self.iterators[sid] = self.streams.get_shard_iterator(
                    StreamArn=self.arn, ShardId=sid, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            while True:
                out = self.streams.get_records(ShardIterator=self.iterators[sid], Limit=1000)
                self.iterators[sid] = out["NextShardIterator"]
                records += out["Records"]
                if not out["Records"]:
                    break
        for r in records:
            r["eventSourceARN"] = self.arn
            created = r["dynamodb"].get("ApproximateCreationDateTime")
            if hasattr(created, "timestamp"):
                r["dynamodb"]["ApproximateCreationDateTime"] = created.timestamp()
        return json.loads(json.dumps(records, default=str))


class Runner:
    """Invokes the Lambdas' handler code and redelivers what failed; counts invocations and give-ups."""

    MAX_ATTEMPTS = 60

    def __init__(self, c: Any, stream: Stream) -> None:
        self.c, self.stream = c, stream
        self.stats: Counter[str] = Counter()

    def _invoke(self, what: str, call: Any) -> Any:
        from tandem.runtime.invocation import bound
        from tandem.runtime.observability import flush_counts

        self.stats[f"{what} invocations"] += 1
        try:
            with bound(Invocation()):
                return call()
        finally:
            flush_counts()

    def ingest(self, index: int) -> None:
        for attempt in range(self.MAX_ATTEMPTS):
            try:
                self._invoke("ingest", lambda: self.c.ingest_ses_event(ses_event(f"faults-{index}")))
                return
            except Exception:
                self.stats["ingest failed invocations"] += 1
                time.sleep(0.05 * min(attempt, 10))
        self.stats["ingest given up"] += 1

    def deliver(self, records: list[dict]) -> None:
        """One batch until every record went through, then the whole batch once more: at-least-once delivery
        hands a consumer records it already processed."""
        self.stats["stream records given up"] += self._until_done(records)
        self.stats["stream records delivered twice"] += len(records)
        self.stats["stream records given up"] += self._until_done(records)

    def _until_done(self, records: list[dict]) -> int:
        """Deliver, then the failed records again each round (Lambda for streams resumes from the first failed
        record and so also repeats later ones; the second delivery above covers repeats); returns given-up ones."""
        for attempt in range(self.MAX_ATTEMPTS):
            if not records:
                return 0
            try:
                answer = self._invoke("stream", lambda todo=records: self.c.process_stream_batch({"Records": todo}))
                failed = {f["itemIdentifier"] for f in answer["batchItemFailures"]}
            except Exception:  # every record failed: the whole batch again
                failed = {r["dynamodb"]["SequenceNumber"] for r in records}
            self.stats["stream failed records"] += len(failed)
            records = [r for r in records if r["dynamodb"]["SequenceNumber"] in failed]
            if records:
                time.sleep(0.1 * min(attempt + 1, 10))  # past an IN_PROGRESS lease after a few rounds
        return len(records)

    def drain(self) -> None:
        for _ in range(200):
            records = self.stream.read()
            if not records:
                return
            for start in range(0, len(records), BATCH):
                self.deliver(records[start : start + BATCH])
                progress(f"stream: {len(records[start : start + BATCH])} records done")

    def tick(self, now: str) -> None:
        from tandem.runtime.handlers import run_timers

        for attempt in range(self.MAX_ATTEMPTS):
            try:
                self._invoke("timers", lambda: run_timers(self.c, now=now))
                return
            except Exception:
                self.stats["timers failed ticks"] += 1
                time.sleep(0.1 * min(attempt + 1, 10))
        self.stats["timers ticks given up"] += 1


def pending_timers() -> list[str]:
    from tandem.dal.table import Record

    return sorted(r.due_at for r in Record.scan(Record.kind == "timer") if r.due_at)


def run_timers_until_done(runner: Runner, faults: Faults) -> None:
    """Tick at the latest due time the one-hour look-back still covers, until no timer is left."""
    from datetime import timedelta

    from tandem.domain.clock import iso, parse_iso

    for _ in range(50):
        faults.enabled = False
        due = pending_timers()
        faults.enabled = True
        if not due:
            return
        horizon = iso(parse_iso(due[0]) + timedelta(minutes=59))
        runner.tick(max(d for d in due if d <= horizon))
        runner.drain()


# --------------------------------------------------------------------------- what came out


def outcome() -> dict[str, Counter]:
    """Everything the run produced, as multisets of run-independent signatures."""
    from moto.ses.models import ses_backends

    from tandem.dal.table import Record

    records = list(Record.scan())
    users = {json.loads(r.data)["id"]: json.loads(r.data)["email"] for r in records if r.kind == "user"}
    items = {}
    for r in records:
        if r.kind == "item":
            item = json.loads(r.data)
            items[item["id"]] = (item["kind"], item["title"][:60], users.get(item.get("requester_id"), "-"))
    found: dict[str, Counter] = {k: Counter() for k in ("items", "tags", "messages", "mails", "webhook calls",
                                                        "timers fired", "timers pending", "rejections",
                                                        "rule failures")}
    for r in records:
        data = json.loads(r.data) if r.data else {}
        if r.kind == "item":
            sig = items[data["id"]]
            found["items"][sig] += 1
            found["tags"].update((sig, tag) for tag in data.get("tags") or [])
            for target, clock in ((data.get("sla") or {}).get("clocks") or {}).items():
                found["timers fired"].update((sig, target, s) for s in ("warned", "breached") if clock.get(s))
        elif r.kind == "message":
            found["messages"][(items.get(data["item_id"]), data["via"], data["visibility"], data["body"][:40])] += 1
        elif r.kind == "timer":
            found["timers pending"][(r.owner, r.pk.split("#TIMER#", 1)[1].split(":")[0])] += 1
        elif r.kind == "activity" and data.get("action") == "rule_failed":
            found["rule failures"][(items.get(data["item_id"]), data.get("note", "")[:120])] += 1
        elif r.kind == "rejection":
            found["rejections"][(data.get("reason"), data.get("message_id"))] += 1
    for sent in ses_backends["123456789012"]["us-east-1"].sent_messages:
        mail = message_from_bytes(sent.raw_data.encode() if isinstance(sent.raw_data, str) else sent.raw_data)
        path = "notify" if mail["X-Tandem-Ref"] else "rule send_email"
        found["mails"][(path, str(mail["To"]), str(mail["Subject"]))] += 1
    # Every HTTP request the receiver got (a repeated `webhook-id` counts again: that is a duplicate here).
    for _webhook_id, body in RECEIVER.received:
        item = (body.get("data") or {}).get("item") or {}
        found["webhook calls"][(item.get("kind"), (item.get("title") or "")[:60], body.get("type"))] += 1
    return found


def run(mails: list[bytes], faults: Faults) -> tuple[dict[str, Counter], Counter]:
    from moto import mock_aws

    from tandem.local import moto_speedups
    from tandem.services import notify

    # The acknowledgement flood limit (3 per sender and hour) is lifted in both runs: redelivery changes the order
    # in which a flooding sender's tickets are acknowledged, so the limit would pick other tickets (same count),
    # which a per-mail comparison reports as one lost and one duplicated mail.
    notify.ACKS_PER_SENDER_PER_HOUR = 1_000_000

    moto_speedups.install()
    RECEIVER.received.clear()
    faults.enabled = False
    with mock_aws():
        import boto3

        from tandem.dal import table
        from tandem.runtime import health, wiring
        from tandem.runtime.settings import read_settings

        table.configure("tandem-faults", host=None, region="us-east-1")
        table.create_table()
        for bucket in ("faults-inbound", "faults-attachments"):
            boto3.client("s3").create_bucket(Bucket=bucket)
        boto3.client("ses", region_name="us-east-1").verify_domain_identity(Domain="bench.tandem.local")
        health.forget()
        c = wiring.build(read_settings(), password_costs={"time_cost": 1, "memory_cost": 1024, "parallelism": 1})
        set_up_tenant(c)
        for i, raw in enumerate(mails):
            c.inbound_blobs().put(f"inbound/faults-{i}", raw, "message/rfc822")
        stream = Stream("tandem-faults")
        stream.read()  # the set-up's own records: no item or message among them
        runner = Runner(c, stream)
        faults.enabled = True
        try:
            for i in range(len(mails)):
                runner.ingest(i)
            progress(f"ingested {len(mails)} mails")
            runner.drain()
            progress("stream drained")
            run_timers_until_done(runner, faults)
            progress("timers done")
        finally:
            faults.enabled = False
        return outcome(), runner.stats


# --------------------------------------------------------------------------- report


def compare(expected: dict[str, Counter], got: dict[str, Counter]) -> list[tuple[str, int, int, int, int, Counter,
                                                                                 Counter]]:
    rows = []
    for kind, want in expected.items():
        have = got[kind]
        lost, duplicated = want - have, have - want
        rows.append((kind, sum(want.values()), sum(have.values()), sum(lost.values()), sum(duplicated.values()),
                     lost, duplicated))
    return rows


def by_path(kind: str, diff: Counter) -> str:
    """Which code path the differences came from (mail: notify or a rule's send_email; messages: via)."""
    paths: Counter[str] = Counter()
    for sig, n in diff.items():
        if kind == "mails":
            paths[sig[0]] += n
        elif kind == "messages":
            paths[f"via {sig[1]}"] += n
        elif kind in ("tags", "timers fired"):
            paths[str(sig[-1])] += n
        else:
            paths[kind] += n
    return ", ".join(f"{p} {n}" for p, n in sorted(paths.items())) or "-"


def report(args: argparse.Namespace, mails: int, rows: list, stats: Counter, faults: Faults, seconds: float) -> str:
    calls = sum(faults.calls.values())
    injected = sum(faults.injected.values())
    lines = [
        f"Fault injection: {mails} peer messages → ingest → stream ({BATCH} records per invocation) → timers, on moto, "
        f"with {args.rate:.0%} of our DynamoDB, S3 and SES calls failing (seed {args.seed}; "
        f"{args.lost_responses:.0%} of failures after the call took effect). {injected} faults in {calls} calls "
        f"({', '.join(f'{k} {v}' for k, v in sorted(faults.calls.items()))}); {seconds:.0f} s.",
        "",
        "| what | expected | with faults | lost | duplicated | lost by path | duplicated by path |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for kind, want, have, lost, dup, lost_c, dup_c in rows:
        lines.append(f"| {kind} | {want} | {have} | {lost} | {dup} | {by_path(kind, lost_c)} | "
                     f"{by_path(kind, dup_c)} |")
    lines += ["", "Redelivery: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.items())) + ".", "",
              "Faults by operation: " + ", ".join(f"{k} {v}" for k, v in faults.injected.most_common()) + "."]
    samples = [f"- {kind} {what}: {sig!r} ×{n}" for kind, *_, lost_c, dup_c in rows
               for what, diff in (("lost", lost_c), ("duplicated", dup_c)) for sig, n in list(diff.items())[:6]]
    if samples:
        lines += ["", "Samples of the differences (signature ×count):", "", *samples]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", default="/tmp/peer/mails")
    parser.add_argument("--rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lost-responses", type=float, default=0.0)
    parser.add_argument("--limit", type=int, default=300, help="use only the first N messages")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "faults.md"))
    args = parser.parse_args(argv)
    mails = peer_mails(args.mails)[: args.limit]
    clean = Faults(0.0, args.seed, 0.0)
    faulty = Faults(args.rate, args.seed, args.lost_responses)
    clean.install()
    faulty.install()
    expected, _ = run(mails, clean)
    started = time.monotonic()
    got, stats = run(mails, faulty)
    text = report(args, len(mails), compare(expected, got), stats, faulty, time.monotonic() - started)
    print(text)
    with contextlib.suppress(OSError):
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
