"""Stream records per second through the rules Lambda with 200 rules in a tenant, and DynamoDB reads per batch
spent loading rules (target: at most one Query per tenant per batch).

Runs `on_table_change`'s batch handler on PynamoDB repos against moto with real stream records.
Usage: python bench/rules.py [--rules 200] [--items 100]
"""
from __future__ import annotations

import argparse
import time

from bench_env import prepare

ROOT = prepare("tests", TANDEM_TABLE="stream-test", TANDEM_LOG_LEVEL="ERROR")

from counting import counting  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--items", type=int, default=100)
    args = parser.parse_args()
    from moto import mock_aws

    from tandem.local import moto_speedups

    moto_speedups.install()
    with mock_aws():
        print(measure(args.rules, args.items))


def measure(n_rules: int, n_items: int) -> str:
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
    rule_queries = tally.requests.get("Query", 0)
    return (f"| rules | stream records | records/s | Query requests in the batch | failures |\n|---|---|---|---|---|\n"
            f"| {n_rules} | {records} | {records / seconds:.0f} | {rule_queries} | "
            f"{len(result['batchItemFailures'])} |\n\nAll requests in the batch: {tally.summary()}")


if __name__ == "__main__":
    main()
