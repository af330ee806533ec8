"""The local event-source mapping: poll the table's stream and feed batches to the rules handler.

moto keeps the stream but runs no mappings, so this thread does what Lambda's poller does: read a batch,
shape it as the Lambda event (`eventSourceARN`, a numeric `ApproximateCreationDateTime`), invoke the handler,
and honour its `batchItemFailures` by redelivering from the first failed record (a few times, then skip it).
Every record is also handed to a journal hook first, which is how the local stack persists the table.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

log = logging.getLogger("tandem.local.stream")

MAX_ATTEMPTS = 3
BATCH_SIZE = 50

Handler = Callable[[dict], dict]
Journal = Callable[[list[dict]], None]


def lambda_record(record: dict, arn: str) -> dict:
    """A stream record as Lambda delivers it: the source ARN added and the timestamp as epoch seconds."""
    out = dict(record)
    out["eventSourceARN"] = arn
    body = dict(out.get("dynamodb") or {})
    stamp = body.get("ApproximateCreationDateTime")
    if isinstance(stamp, datetime):
        body["ApproximateCreationDateTime"] = int(stamp.timestamp())
    out["dynamodb"] = body
    return out


def failed_sequence(answer: Any) -> str | None:
    """The first failed sequence number of a partial-batch answer (None when all succeeded)."""
    failures = (answer.get("batchItemFailures") or []) if isinstance(answer, dict) else []
    ids = [str(f.get("itemIdentifier")) for f in failures if f.get("itemIdentifier")]
    return min(ids, key=int) if ids else None


class StreamReader:
    """Reads a table's whole stream from where it last stopped, every shard, and shapes it as one Lambda event:
    what tests and benchmarks hand to the stream handler themselves (the poller below runs it on a thread)."""

    def __init__(self, table: str, region: str = "us-east-1") -> None:
        import boto3

        self.streams = boto3.client("dynamodbstreams", region_name=region)
        ddb = boto3.client("dynamodb", region_name=region)
        self.arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
        self.iterators: dict[str, str] = {}

    def batch(self) -> dict:
        records = []
        for shard in self.streams.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]:
            sid = shard["ShardId"]
            if sid not in self.iterators:
                self.iterators[sid] = self.streams.get_shard_iterator(
                    StreamArn=self.arn, ShardId=sid, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            out = self.streams.get_records(ShardIterator=self.iterators[sid], Limit=1000)
            self.iterators[sid] = out["NextShardIterator"]
            records += [lambda_record(r, self.arn) for r in out["Records"]]
        return {"Records": records}


class StreamPoller:
    """One thread reading one shard (moto keeps a single shard per table)."""

    def __init__(
        self,
        streams: Any,
        arn: str,
        handler: Handler,
        journal: Journal | None = None,
        *,
        start_at: str = "TRIM_HORIZON",
        interval: float = 0.5,
    ) -> None:
        self._streams, self._arn, self._handler, self._journal = streams, arn, handler, journal
        self._start_at, self._interval = start_at, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._iterator: str | None = None
        self._journaled = -1
        self._attempts: dict[str, int] = {}
        self.processed = 0
        self.skipped = 0  # records given up on after MAX_ATTEMPTS failed deliveries
        self._empty_polls = 0

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._iterator = self._open(self._start_at)
        self._thread = threading.Thread(target=self._run, name="stream-poller", daemon=True)
        self._thread.start()

    def stop(self, drain: bool = True) -> None:
        """Stop the thread, then (optionally) hand the records still waiting to the handler and journal."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        if drain:
            for _ in range(100):
                if not self.poll_once():
                    break

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Wait until the poller has caught up with the stream (an empty read after this call)."""
        seen, deadline = self._empty_polls, time.monotonic() + timeout
        while self._empty_polls <= seen + 1:
            if time.monotonic() > deadline or self._thread is None or not self._thread.is_alive():
                return False
            time.sleep(0.05)
        return True

    # ------------------------------------------------------------------ polling

    def _shard_id(self) -> str:
        shards = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"]
        return shards[0]["ShardId"]

    def _open(self, kind: str, sequence: str | None = None) -> str:
        args: dict[str, Any] = {"StreamArn": self._arn, "ShardId": self._shard_id(), "ShardIteratorType": kind}
        if sequence is not None:
            args["SequenceNumber"] = sequence
        return self._streams.get_shard_iterator(**args)["ShardIterator"]

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.poll_once()
            except Exception:  # keep polling: a broken batch must not stop the mapping
                log.exception("stream poll failed")
                busy = False
            if not busy:
                self._stop.wait(self._interval)

    def poll_once(self) -> bool:
        """Read and deliver one batch; True when there was something to deliver."""
        answer = self._streams.get_records(ShardIterator=self._iterator, Limit=BATCH_SIZE)
        records = answer.get("Records") or []
        if not records:
            self._iterator = answer.get("NextShardIterator") or self._iterator
            self._empty_polls += 1
            return False
        self._write_journal(records)
        failed = self._deliver(records)
        if failed is None:
            self._iterator = answer["NextShardIterator"]
        else:
            self._iterator = self._retry_from(failed)
        return True

    def _write_journal(self, records: list[dict]) -> None:
        fresh = [r for r in records if int(r["dynamodb"]["SequenceNumber"]) > self._journaled]
        if fresh and self._journal is not None:
            try:
                self._journal(fresh)
            except Exception:
                log.exception("journal write failed")
        if fresh:
            self._journaled = int(fresh[-1]["dynamodb"]["SequenceNumber"])

    def _deliver(self, records: list[dict]) -> str | None:
        event = {"Records": [lambda_record(r, self._arn) for r in records]}
        try:
            answer = self._handler(event)
        except Exception:
            log.exception("stream handler raised: the whole batch is retried")
            return str(records[0]["dynamodb"]["SequenceNumber"])
        self.processed += len(records)
        return failed_sequence(answer)

    def _retry_from(self, sequence: str) -> str:
        """Redeliver from the failed record, or skip it once it has failed MAX_ATTEMPTS times."""
        attempts = self._attempts.get(sequence, 0) + 1
        self._attempts[sequence] = attempts
        if attempts < MAX_ATTEMPTS:
            log.warning("stream record %s failed (attempt %d): redelivering", sequence, attempts)
            return self._open("AT_SEQUENCE_NUMBER", sequence)
        self.skipped += 1
        log.error("stream record %s failed %d times: skipped (%d skipped so far)", sequence, attempts, self.skipped)
        self._attempts.pop(sequence, None)
        return self._open("AFTER_SEQUENCE_NUMBER", sequence)
