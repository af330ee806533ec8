"""Stream records per second through the rules Lambda with 200 rules in a tenant, and DynamoDB reads per batch
spent loading rules (target: at most one Query per tenant per batch).

Runs `on_table_change`'s batch handler on PynamoDB repos against moto with real stream records, on the code before
issue 16 and on this checkout (bench/side_by_side.py), each in a fresh interpreter.
Usage: python bench/rules.py [--rules 200] [--items 100]
"""
from __future__ import annotations

import argparse
import time

import side_by_side
from bench_env import prepare

ROOT = prepare("tests", TANDEM_TABLE="stream-test", TANDEM_LOG_LEVEL="ERROR")

from counting import counting  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--measure-json", action="store_true", help="measure this code only (side_by_side runs it)")
    args = parser.parse_args()
    if not args.measure_json:
        before, now = side_by_side.both("rules.py", [f"--rules={args.rules}", f"--items={args.items}"])
        side_by_side.write("rules", table(before, now, args.rules))
        return
    from moto import mock_aws

    from tandem.local import moto_speedups

    moto_speedups.install()
    with mock_aws():
        side_by_side.emit(measure(args.rules, args.items))


# The targets for the rules Lambda on moto.
MAX_REQUESTS_PER_RECORD, MIN_RECORDS_PER_SECOND = 2.0, 500


def table(before: dict | None, now: dict, rules: int) -> str:
    lines = ["| code | rules | stream records | records/s | requests per record | Query requests in the batch "
             "| failures | all requests in the batch |", "|---|---|---|---|---|---|---|---|"]
    for label, r in (("before issue 16", before), ("now", now)):
        if r is None:
            lines.append(f"| {label} | {rules} | not measured | | | | | |")
            continue
        lines.append(f"| {label} | {rules} | {r['records']} | {r['per_second']:.0f} | {r['per_record']:.2f} | "
                     f"{r['requests'].get('Query', 0)} | {r['failures']} | {r['summary']} |")
    for label, r in (("before issue 16", before), ("now", now)):
        if r and "written" in r:
            lines.append(f"\n{label}: the batch wrote {r['written']} records (each Put, Update, Delete, ConditionCheck "
                         f"of its requests); moto alone takes {r['store_floor_s']:.2f} s to store that many plain "
                         f"records 25 at a time, so on moto no code writing them exceeds "
                         f"{r['records'] / r['store_floor_s']:.0f} records/s.")
    holds = {"requests": now["per_record"] <= MAX_REQUESTS_PER_RECORD,
             "rate": now["per_second"] >= MIN_RECORDS_PER_SECOND}
    lines += ["", f"Target <= {MAX_REQUESTS_PER_RECORD:g} requests per record: "
                  f"{'holds' if holds['requests'] else 'MISSED'}; target >= {MIN_RECORDS_PER_SECOND} records/s: "
                  f"{'holds' if holds['rate'] else 'MISSED'}."]
    return "\n".join(lines)


def _store_floor(n: int) -> float:
    """Seconds moto itself takes to store `n` plain records in BatchWriteItem requests of 25 (the cheapest way to
    write): what any code must spend on this machine to write what the batch wrote, however few its requests."""
    from tandem.dal.table import Record

    started = time.perf_counter()
    with Record.batch_write() as batch:
        for i in range(n):
            batch.save(Record(pk=f"FLOOR#{i}", sk="FLOOR", kind="floor", data="x" * 200))
    return time.perf_counter() - started


def measure(n_rules: int, n_items: int) -> dict:
    from integration.test_stream_dynamodb import StreamReader
    from integration.world import build_world
    from tandem.dal import table
    from tandem.domain.items import Cause
    from tandem.domain.permissions import Principal
    from tandem.runtime import wiring
    from tandem.runtime.memory_adapters import MemoryBlobStore, MemoryMailer
    from tandem.runtime.settings import read_settings
    from tandem.services import manage_rules
    from tandem.services.open_item import NewItem, open_item

    table.configure("stream-test", host=None, region="us-east-1")
    table.create_table()
    c = wiring.build(read_settings(), mailer=MemoryMailer(), blobs=MemoryBlobStore(),
                     password_costs={"time_cost": 1, "memory_cost": 1024, "parallelism": 1})
    wiring.use(c)
    w = build_world(c.deps)
    reader = StreamReader("stream-test")
    reader.batch()  # skip the world's own records
    admin = Principal(w.ids["tenant"].id, w.ids["admin"].id, w.ids["admin"].role)
    for i in range(n_rules):  # realistic mix: most rules do not match, a few do
        domain = "customer-a.example" if i % 50 == 0 else f"club-{i}.example"
        manage_rules.create_rule(c.deps, admin, {
            "name": f"Route {i}", "trigger": "item_created",
            "conditions": {"all": [{"field": "requester.domain", "op": "equals", "value": domain}]},
            "actions": [{"type": "add_tag", "value": f"r{i}"}]})
    reader.batch()
    tenant = c.deps.repos.tenants.get(w.ids["tenant"].id)
    for i in range(n_items):
        open_item(c.deps, tenant, admin, NewItem(type_id=w.ids["ticket_type"].id, title=f"Item {i}",
                                                 requester=w.ids["cust_a"].id), via="api", cause=Cause.API)
    batch = reader.batch()
    records = len(batch["Records"])
    started = time.perf_counter()
    with counting() as tally:
        result = c.process_stream_batch(batch)
    seconds = time.perf_counter() - started
    total = sum(tally.requests.values())
    return {"records": records, "per_second": records / seconds, "per_record": total / records,
            "written": tally.items_written, "store_floor_s": _store_floor(tally.items_written),
            "requests": dict(tally.requests), "failures": len(result["batchItemFailures"]), "summary": tally.summary()}


if __name__ == "__main__":
    main()
