"""What a small team costs on AWS per month, computed from measured requests (SPEC §4).

One ticket's life is replayed through the real handlers on PynamoDB repos against moto — mail in, the stream
(rules, SLA, acknowledgement), an agent's public reply, the customer's mailed answer, resolution — and every
AWS request is counted with its size. The month is 2,000 such tickets for 10 agents, plus their API reads.
Prices: us-east-1 list prices (on-demand DynamoDB, Lambda arm64, SES, S3 standard) as of 2026; free tiers
ignored, so the figure is an upper bound. Usage: python bench/cost.py [--tickets 2000] [--agents 10]
"""
from __future__ import annotations

import argparse
import json
import math
from collections import Counter

from bench_env import prepare

ROOT = prepare("tests", TANDEM_TABLE="stream-test", TANDEM_LOG_LEVEL="ERROR")

PRICE = {
    "write_unit": 0.625 / 1e6,  # DynamoDB on-demand, per write request unit
    "read_unit": 0.125 / 1e6,  # per read request unit
    "stream_read": 0.02 / 1e5,  # DynamoDB Streams GetRecords (Lambda triggers are free; kept as upper bound)
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second": 0.0000133334,  # arm64
    "ses_mail": 0.10 / 1000,  # sent
    "ses_received": 0.19 / 1000,  # received: per mail plus one 256 KB chunk
    "s3_put": 0.005 / 1000,
    "s3_get": 0.0004 / 1000,
    "storage_gb_month": 0.25 + 0.023,  # DynamoDB + S3 (raw mail, attachments)
}


class Meter:
    """Request units per DynamoDB call (1 KB writes, 4 KB reads, transactions count double), plus S3/SES calls."""

    def __init__(self) -> None:
        self.units = Counter()

    @staticmethod
    def _size(obj) -> int:
        return len(json.dumps(obj, default=str))

    def record(self, op: str, params: dict, result: dict) -> None:
        u = self.units
        if op in ("PutItem", "UpdateItem", "DeleteItem"):
            u["write_unit"] += max(1, math.ceil(self._size(params.get("Item", params.get("Key", {}))) / 1024))
        elif op == "TransactWriteItems":
            for entry in params["TransactItems"]:
                body = next(iter(entry.values()))
                u["write_unit"] += 2 * max(1, math.ceil(self._size(body.get("Item", body.get("Key", {}))) / 1024))
        elif op == "BatchWriteItem":
            u["write_unit"] += sum(len(v) for v in params["RequestItems"].values())
        elif op == "GetItem":
            u["read_unit"] += 1 if params.get("ConsistentRead") else 0.5
        elif op in ("Query", "BatchGetItem"):
            items = result.get("Items") or [i for v in result.get("Responses", {}).values() for i in v]
            u["read_unit"] += max(0.5, math.ceil(self._size(items) / 4096) * 0.5)
        elif op == "PutObject":
            u["s3_put"] += 1
            body = params.get("Body") or b""
            u["storage_bytes"] += body.getbuffer().nbytes if hasattr(body, "getbuffer") else len(body)
        elif op == "GetObject":
            u["s3_get"] += 1
        elif op in ("SendRawEmail", "SendEmail"):
            u["ses_mail"] += 1


def measure() -> tuple[Counter, int]:
    """Units for one ticket's life, and how many Lambda invocations it took."""
    import botocore.client
    from moto import mock_aws

    from tandem.local import moto_speedups

    moto_speedups.install()
    meter, original = Meter(), botocore.client.BaseClient._make_api_call

    def counted(self, op, params):
        result = original(self, op, params)
        meter.record(op, params, result)
        return result

    with mock_aws():
        invocations = _replay(counted, botocore.client.BaseClient, original)
    return meter.units, invocations


meter_received = [0]


def _replay(counted, base, original) -> int:
    import boto3

    from integration.mailbox import compose, ses_event
    from integration.test_stream_dynamodb import StreamReader
    from integration.world import build_world
    from tandem.dal import table
    from tandem.runtime import wiring
    from tandem.runtime.settings import read_settings

    table.configure("stream-test", host=None, region="us-east-1")
    table.create_table()
    boto3.client("s3").create_bucket(Bucket="tandem-inbound")
    boto3.client("s3").create_bucket(Bucket="tandem-attachments")
    boto3.client("ses").verify_domain_identity(Domain="agency.tandem.local")
    c = wiring.build(read_settings(), password_costs={"time_cost": 1, "memory_cost": 1024, "parallelism": 1})
    wiring.use(c)
    w = build_world(c.deps)
    reader = StreamReader("stream-test")
    reader.batch()
    c.inbound_blobs().put("inbound/warm", b"x", "text/plain")  # buckets and clients exist before we measure
    base._make_api_call = counted
    invocations = 0
    try:
        raw = compose(sender="dana@club.example", to="support@agency.tandem.local", subject="Export fails",
                      body="Since Monday the export fails.")
        boto3.client("s3").put_object(Bucket="tandem-inbound", Key="inbound/m1", Body=raw)
        ref = c.ingest_ses_event(ses_event(raw, ["support@agency.tandem.local"], ses_id="m1"))["outcomes"][0]["ref"]
        invocations += 1 + _drain(c, reader)
        from tandem.domain.permissions import Principal
        from tandem.services.post_message import post_message
        from tandem.services.update_item import update_item

        admin = Principal(w.ids["tenant"].id, w.ids["admin"].id, w.ids["admin"].role)
        post_message(c.deps, admin, ref, body="Could you send the log?", visibility="public")
        invocations += 1 + _drain(c, reader)
        reply = compose(sender="dana@club.example", to="support@agency.tandem.local", subject=f"Re: [{ref}]",
                        body="Here it is.", attachments=[("log.txt", "text/plain", b"x" * 2000)])
        boto3.client("s3").put_object(Bucket="tandem-inbound", Key="inbound/m2", Body=reply)
        c.ingest_ses_event(ses_event(reply, ["support@agency.tandem.local"], ses_id="m2"))
        invocations += 1 + _drain(c, reader)
        meter_received[0] = 2  # the two mails SES received for this ticket
        update_item(c.deps, admin, ref, {"status": "resolved"})
        invocations += 1 + _drain(c, reader)
    finally:
        base._make_api_call = original
    return invocations


def _drain(c, reader) -> int:
    batches = 0
    for _ in range(6):
        batch = reader.batch()
        if not batch["Records"]:
            break
        c.process_stream_batch(batch)
        batches += 1
    return batches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--agents", type=int, default=10)
    args = parser.parse_args()
    per_ticket, invocations = measure()
    per_ticket["ses_received"] = meter_received[0]
    # Agents read: say 200 API calls each per working day (lists, items, conversations), 21 days, 1 read unit each.
    api_calls = args.agents * 200 * 21
    monthly = Counter({k: v * args.tickets for k, v in per_ticket.items()})
    monthly["read_unit"] += api_calls
    monthly["lambda_request"] = invocations * args.tickets + api_calls
    monthly["lambda_gb_second"] = monthly["lambda_request"] * 0.512 * 0.15  # 512 MB, ~150 ms warm average
    storage_gb = (per_ticket["storage_bytes"] * args.tickets * 12 + 40_000 * args.tickets * 12) / 1e9  # a year kept
    lines = ["| item | per ticket | per month | USD / month |", "|---|---:|---:|---:|"]
    total = 0.0
    keys = ("write_unit", "read_unit", "s3_put", "s3_get", "ses_mail", "ses_received", "lambda_request",
            "lambda_gb_second")
    for key in keys:
        cost = monthly[key] * PRICE[key]
        total += cost
        per = per_ticket.get(key, invocations if key == "lambda_request" else 0)
        lines.append(f"| {key.replace('_', ' ')} | {per:g} | {monthly[key]:,.0f} | {cost:.4f} |")
    storage = storage_gb * PRICE["storage_gb_month"]
    total += storage
    lines.append(f"| storage after a year ({storage_gb:.2f} GB) | | | {storage:.4f} |")
    ses = monthly["ses_mail"] * PRICE["ses_mail"] + monthly["ses_received"] * PRICE["ses_received"]
    lines.append(f"| **total** | | | **{total:.2f}** |")
    lines.append(f"| of which SES mail itself | | | {ses:.2f} |")
    lines.append(f"| **infrastructure (all but SES)** | | | **{total - ses:.2f}** |")
    table_md = "\n".join(lines)
    print(table_md)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "cost.md").write_text(table_md + "\n")


if __name__ == "__main__":
    main()
