"""Search cost: DynamoDB requests and items read per query with 1,000 and 100,000 items in a tenant, and the
write cost of indexing one item and one message.

Runs the real API (chalice.test.Client) on PynamoDB repos against moto in-process. The seed items and their
postings are written directly in bulk (BatchWriteItem), as the stream handler would have written them; the
queries go through the API and the search service. Counts, not times: the same on any machine.
Usage: python bench/search.py [--small 1000] [--big 100000]
"""

from __future__ import annotations

import argparse
import sys
import time

from bench_env import prepare

ROOT = prepare(TANDEM_TABLE="tandem-search", TANDEM_LOG_LEVEL="WARNING")

from counting import call, counting, on_moto_api  # noqa: E402

RARE = 10  # items with the rare word "zanzibar", whatever the tenant's size; 5 of them also say "harbour"
QUERIES = [
    ("one word, 10 matches", "/v1/items?q=zanzibar&limit=50"),
    ("two words, 5 matches", "/v1/items?q=zanzibar%20harbour&limit=50"),
    ("one word in every item (capped)", "/v1/items?q=printer&limit=50"),
    ("common + rare word", "/v1/items?q=printer%20zanzibar&limit=50"),
    ("GET /v1/search, one word", "/v1/search?q=zanzibar&limit=20"),
    ("GET /v1/search, two words", "/v1/search?q=zanzibar%20harbour&limit=20"),
]
TITLE = "Printer on the third floor jams when printing double-sided pages"
DESCRIPTION = (
    "Since Monday the big printer next to the kitchen stops after two or three pages and shows error E-42. "
    "We already replaced the toner and cleaned the rollers, but the paper still folds in the duplex unit. "
    "Could someone from facilities have a look before the board meeting on Thursday? The invoices for "
    "November have to go out by then, and the small printer in accounting cannot print on A3. "
    "Contact me at the front desk or call extension 4711. Thanks, Hélène"
)
MESSAGE = (
    "Thanks for the details. A technician is booked for Wednesday morning; until then please use the printer "
    "on the second floor. If the duplex unit has to be replaced we will order it the same day and tell you the "
    "delivery date. Could you leave the error log on the printer's display so that we can read it?"
)


def seed(tenant_id: str, type_id: str, project_id: str, requester_id: str, n: int) -> None:
    """`n` items titled "Printer …", RARE of them with "zanzibar" (half of those with "harbour" too), and each
    item's postings, written in bulk."""
    from dataclasses import replace

    from tandem.dal.dynamo_base import tkey
    from tandem.dal.dynamo_items import item_record
    from tandem.dal.dynamo_search import posting_key
    from tandem.dal.table import Record
    from tandem.domain.ids import new_id
    from tandem.domain.items import Item
    from tandem.domain.statuses import Category
    from tandem.services.ports import Posting

    base = Item(tenant_id, "", "", "ticket", type_id, "", "new", Category.NEW, "", "", requester_id=requester_id,
                project_id=project_id, followers=[requester_id], version=1)
    every = max(1, n // RARE)
    with Record.batch_write() as batch:
        for i in range(n):
            at = f"2026-01-{1 + i % 28:02d}T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}.000Z"
            rare = i % every == 0 and i // every < RARE
            title = "Printer" + (" zanzibar" if rare else "") + (" harbour" if rare and i // every % 2 else "")
            item = replace(base, id=new_id(), ref=f"T-{i + 1}", title=title, created_at=at, updated_at=at)
            batch.save(item_record(item))
            for word in title.lower().split():
                pk, sk = posting_key(tenant_id, Posting(word, "item", item.id, "f", item.ref))
                batch.save(Record(pk=pk, sk=sk, kind="posting", target=item.ref))
        batch.save(Record(pk=tkey(tenant_id), sk="COUNTER#ticket", kind="counter", n=n))


def measure(size: int) -> dict[str, tuple[str, int, int]]:
    return on_moto_api("tandem-search", _measure_with, size)


def _measure_with(client, container, size: int) -> dict[str, tuple[str, int, int]]:
    from tandem.services.sign_up import sign_up

    up = sign_up(container.deps, organization="Bench", slug="bench", email="admin@bench.example", name="Admin",
                 password="benchmark password")
    token = up.token
    ticket = next(t for t in container.deps.repos.item_types.list(up.tenant.id).items if t.kind == "ticket")
    customer = call(client, "POST", "/v1/customers", token, {"email": "helene.dupont@client.example",
                                                              "name": "Hélène Dupont"})
    started = time.perf_counter()
    seed(up.tenant.id, ticket.id, up.incoming_project.id, customer["id"], size)
    print(f"  seeded {size:,} items and their postings in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    # A warm Lambda reads the tenant (15 s cache) and the session (5 s) again now and then; queries on moto with
    # 100,000 postings take seconds, so the caches are held for the run: the counts are the search's own.
    container.deps.repos.tenants._ttl = container.deps.sessions.ttl_seconds = 3600
    call(client, "GET", "/v1/me", token)
    results = {}
    for name, path in QUERIES:
        with counting() as tally:
            answer = call(client, "GET", path, token)
        results[name] = (tally.summary(), tally.items_read, len(answer["items"]))
    results.update(_write_costs(client, container, token, up.tenant.id, ticket.id, customer["id"]))
    return results


def _write_costs(client, container, token: str, tenant_id: str, type_id: str,
                 requester_id: str) -> dict[str, tuple[str, int, int]]:
    """What the stream handler's index part writes for a typical new item and a typical reply."""
    from tandem.domain.events import ItemCreated, MessageAdded
    from tandem.services.index_search import index_change

    deps = container.deps
    made = call(client, "POST", "/v1/items", token, {"type_id": type_id, "title": TITLE, "description": DESCRIPTION,
                                                     "requester": requester_id})
    item = deps.repos.items.get(tenant_id, made["ref"])
    posted = call(client, "POST", f"/v1/items/{item.ref}/messages", token, {"body": MESSAGE, "visibility": "public"})
    message = deps.repos.conversations.message(item.tenant_id, item.id, posted["id"])
    costs = {}
    for name, event in (("index a new item", ItemCreated("bench-item", item)),
                        ("index a reply", MessageAdded("bench-message", message))):
        with counting() as tally:
            index_change(deps, event)
        costs[name] = (tally.summary(), tally.items_read, tally.items_written)
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--big", type=int, default=100_000)
    args = parser.parse_args()
    small, big = measure(args.small), measure(args.big)
    lines = [f"| query | requests ({args.small:,} items) | items read | results | requests ({args.big:,} items) "
             "| items read | results |", "|---|---|---|---|---|---|---|"]
    for name, _ in QUERIES:
        s, b = small[name], big[name]
        lines.append(f"| {name} | {s[0]} | {s[1]} | {s[2]} | {b[0]} | {b[1]} | {b[2]} |")
    lines += ["", "| index write | requests | items read | postings written (1 WCU each, < 1 KB) |",
              "|---|---|---|---|"]
    for name in ("index a new item", "index a reply"):
        cost = big[name]
        lines.append(f"| {name} | {cost[0]} | {cost[1]} | {cost[2]} |")
    table = "\n".join(lines)
    print(table)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "search.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
