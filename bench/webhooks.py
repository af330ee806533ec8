"""Webhook delivery from the table stream: deliveries per second and DynamoDB requests per delivery.

Usage: python bench/webhooks.py [--events 300] [--latency-ms 0]
On PynamoDB repos against moto (in-process): 300 items are created, then their stream records go to the
`on_table_change` batch handler as ONE batch, once in a tenant without a subscription (the baseline: rules,
SLA clocks, acknowledgement mail) and once in a tenant with an `item.created` hook to a receiver on 127.0.0.1
that verifies every signature. The difference of the two runs is what the webhooks cost.
"""
from __future__ import annotations

import argparse
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench_env import prepare

ROOT = prepare("tests", "src", TANDEM_LOG_LEVEL="ERROR", TANDEM_ALLOW_PRIVATE_WEBHOOKS="1")

from counting import counting  # noqa: E402


class Receiver:
    """A local endpoint answering 200 after `latency` seconds; it verifies each delivery with the secret."""

    def __init__(self, latency: float) -> None:
        self.secret, self.got, self.bad, self.lock = "", [], 0, threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                from tandem.domain.webhooks import verify

                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                ok = verify(outer.secret, {k.lower(): v for k, v in self.headers.items()}, body, now=time.time())
                time.sleep(latency)
                with outer.lock:
                    outer.got.append(self.headers.get("webhook-id"))
                    outer.bad += 0 if ok else 1
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


def _batch(c, reader, n: int, subscribe: Receiver | None) -> tuple[dict, int]:
    """A tenant with `n` new items; answers the batch of their stream records (item INSERTs only)."""
    from integration.world import _principal
    from tandem.domain.items import Cause
    from tandem.services.manage_hooks import create_hook
    from tandem.services.open_item import NewItem, open_item
    from tandem.services.sign_up import sign_up

    slug = "hooked" if subscribe else "plain"
    made = sign_up(c.deps, organization=slug, slug=slug, email=f"admin@{slug}.example", name="Admin",
                   password="benchmark password")
    admin = _principal(made.user)
    if subscribe:
        hook = create_hook(c.deps, admin, {"target_url": subscribe.url, "event": "item.created"})
        subscribe.secret = hook.secrets[0].value
    reader.batch()  # the sign-up's own records are not part of the measure
    ticket = next(t for t in c.deps.repos.item_types.list(made.tenant.id).items if t.kind == "ticket")
    tenant = c.deps.repos.tenants.get(made.tenant.id)
    for i in range(n):
        open_item(c.deps, tenant, admin, NewItem(type_id=ticket.id, title=f"Item {i}"), via="api", cause=Cause.API)
    records = [r for r in reader.batch()["Records"]
               if r["eventName"] == "INSERT" and r["dynamodb"]["NewImage"].get("kind", {}).get("S") == "item"]
    return {"Records": records}, len(records)


def run(n: int, latency: float) -> dict:
    from moto import mock_aws

    from tandem.local import moto_speedups

    moto_speedups.install()
    os.environ["TANDEM_TABLE"] = "bench-webhooks"
    with mock_aws():
        from integration.test_stream_dynamodb import StreamReader
        from tandem.dal import table
        from tandem.runtime import wiring
        from tandem.runtime.memory_adapters import MemoryBlobStore, MemoryMailer
        from tandem.runtime.settings import read_settings

        table.configure("bench-webhooks", host=None, region="us-east-1")
        table.create_table()
        c = wiring.build(read_settings(), mailer=MemoryMailer(), blobs=MemoryBlobStore(),
                         password_costs={"time_cost": 1, "memory_cost": 1024, "parallelism": 1})
        reader = StreamReader.__new__(StreamReader)
        import boto3

        reader.ddb = boto3.client("dynamodb", region_name="us-east-1")
        reader.streams = boto3.client("dynamodbstreams", region_name="us-east-1")
        reader.arn = reader.ddb.describe_table(TableName="bench-webhooks")["Table"]["LatestStreamArn"]
        reader.iterators = {}
        receiver = Receiver(latency)
        results = {}
        for name, sub in (("baseline", None), ("hooked", receiver)):
            batch, records = _batch(c, reader, n, sub)
            with counting() as tally:
                started = time.perf_counter()
                answer = c.process_stream_batch(batch)
                seconds = time.perf_counter() - started
            results[name] = {"records": records, "seconds": round(seconds, 2), "requests": dict(tally.requests),
                             "failures": len(answer.get("batchItemFailures") or [])}
        receiver.server.shutdown()
    base, hooked = results["baseline"], results["hooked"]
    extra = {op: round((hooked["requests"].get(op, 0) - base["requests"].get(op, 0)) / n, 2)
             for op in sorted(set(hooked["requests"]) | set(base["requests"]))}
    return {"events": n, "latency_ms": int(latency * 1000), "received": len(receiver.got),
            "unique_ids": len(set(receiver.got)), "bad_signatures": receiver.bad,
            "batch_seconds": hooked["seconds"], "baseline_seconds": base["seconds"],
            "deliveries_per_second": round(len(receiver.got) / hooked["seconds"], 1),
            "extra_requests_per_delivery": {k: v for k, v in extra.items() if v},
            "failures": hooked["failures"] + base["failures"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--latency-ms", type=int, nargs="*", default=[0, 100])
    args = parser.parse_args()
    rows = [run(args.events, ms / 1000) for ms in args.latency_ms]
    lines = ["| events in one batch | receiver latency | delivered (unique ids, bad signatures) | batch seconds "
             "(without hooks) | deliveries/s | extra DynamoDB requests per delivery |", "|---|---|---|---|---|---|"]
    for r in rows:
        reqs = ", ".join(f"{k} {v}" for k, v in r["extra_requests_per_delivery"].items())
        lines.append(f"| {r['events']} | {r['latency_ms']} ms | {r['received']} ({r['unique_ids']}, "
                     f"{r['bad_signatures']}) | {r['batch_seconds']} ({r['baseline_seconds']}) | "
                     f"{r['deliveries_per_second']} | {reqs} |")
    out = "\n".join(lines)
    print(out)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "webhooks.md").write_text(out + "\n")
    (ROOT / "bench" / "results" / "webhooks.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
