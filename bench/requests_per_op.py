"""DynamoDB requests and items read per API operation, with 10 and with 10,000 items in a tenant, before issue 16
and now (bench/side_by_side.py: the same measurement on the tag issue16-before and on this checkout).

Runs the real API (chalice.test.Client) on PynamoDB repos against moto in-process. The numbers are
counts, not times, so they are the same on any machine. Usage: python bench/requests_per_op.py [--big N]
"""
from __future__ import annotations

import argparse
import sys
import time

import side_by_side
from bench_env import prepare

ROOT = prepare(TANDEM_TABLE="tandem-bench", TANDEM_LOG_LEVEL="WARNING")

from counting import call, counting, on_moto_api  # noqa: E402

OPERATIONS = ["create item", "get item", "list page (kind)", "list page (project)", "list page (requester)",
              "patch item", "post message", "list messages", "list page (open queue)", "list page (unassigned queue)",
              "list page (assigned to me)", "list page (-priority)", "list page (due_date)", "queues (admin)",
              "queues (agent)", "bulk change of 3 items", "search", "saved view page", "time report", "list hooks",
              "hook event samples"]
# Request budgets the issue sets (warm Lambda); the other rows must stay flat from 10 to 10,000 items.
TARGETS = {"create item": 2}
# Rows whose cost grows with the hits up to a fixed bound, then stays there (checked against the bound instead).
BOUNDED = {"search": (5, "at most 1,000 postings per word (one Query each) and 200 documents (2 BatchGetItem) per "
                         "search, reached at 200 hits")}
OPEN = "status_category=new&status_category=open&status_category=waiting"


def seed_items(deps, tenant_id: str, type_id: str, project_id: str, requester_id: str, n: int) -> None:
    """Bulk items written as the repo would write them, in batches (the API path is what we measure), with the
    search postings the stream would write for them (so a search at 10,000 items has 10,000 hits to page)."""
    from dataclasses import replace

    from tandem.dal.dynamo_base import tkey
    from tandem.dal.dynamo_items import item_record
    from tandem.dal.table import Record
    from tandem.domain.ids import new_id
    from tandem.domain.items import Item
    from tandem.domain.search_text import FIELDS, ITEM, item_words
    from tandem.domain.statuses import Category
    from tandem.services.ports import Posting

    base = Item(tenant_id, "", "", "ticket", type_id, "Seed", "new", Category.NEW, "", "", requester_id=requester_id,
                project_id=project_id, followers=[requester_id], version=1)
    postings = []
    with Record.batch_write() as batch:
        for i in range(n):
            at = f"2026-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}.{i % 1000:03d}Z"
            item = replace(base, id=new_id(), ref=f"T-{i + 1}", title=f"Seed {i}", created_at=at, updated_at=at)
            batch.save(item_record(item))
            postings += [Posting(w, ITEM, item.id, FIELDS, item.ref) for w in item_words(item.title, item.ref, [], "")]
        batch.save(Record(pk=tkey(tenant_id), sk="COUNTER#ticket", kind="counter", n=n))
    deps.repos.search.write(tenant_id, postings, [])


def measure(size: int) -> dict[str, tuple[str, int]]:
    return on_moto_api("tandem-bench", _measure_with, size)


def _measure_with(client, container, size: int) -> dict[str, tuple[str, int]]:
    from tandem.services.sign_up import sign_up

    up = sign_up(container.deps, organization="Bench", slug="bench", email="admin@bench.example", name="Admin",
                 password="benchmark password")
    token = up.token
    ticket = next(t for t in container.deps.repos.item_types.list(up.tenant.id).items if t.kind == "ticket")
    customer = call(client, "POST", "/v1/customers", token, {"email": "c@customer.example", "name": "C"})
    started = time.perf_counter()
    seed_items(container.deps, up.tenant.id, ticket.id, up.incoming_project.id, customer["id"], size)
    seeded = time.perf_counter() - started
    agent = _agent_token(container, up)
    view = call(client, "POST", "/v1/views", token, {"name": "Open", "filters": {"status_category": ["new", "open"]}})
    call(client, "GET", "/v1/me", token)  # warm the tenant cache as a warm Lambda would have it
    call(client, "GET", "/v1/me", agent)
    ops = {
        "create item": ("POST", "/v1/items", {"type_id": ticket.id, "title": "Measured", "requester": customer["id"]}),
        "get item": ("GET", "/v1/items/T-1", None),
        "list page (kind)": ("GET", "/v1/items?kind=ticket&limit=50", None),
        "list page (project)": ("GET", f"/v1/items?project_id={up.incoming_project.id}&limit=50", None),
        "list page (requester)": ("GET", f"/v1/items?requester={customer['id']}&limit=50", None),
        "patch item": ("PATCH", "/v1/items/T-1", {"priority": "high"}),
        "post message": ("POST", "/v1/items/T-1/messages", {"body": "Measured reply"}),
        "list messages": ("GET", "/v1/items/T-1/messages", None),
        "list page (open queue)": ("GET", f"/v1/items?{OPEN}&limit=50", None),
        "list page (unassigned queue)": ("GET", f"/v1/items?unassigned=true&{OPEN}&limit=50", None),
        "list page (assigned to me)": ("GET", f"/v1/items?assignee=me&{OPEN}&limit=50", None),
        "list page (-priority)": ("GET", "/v1/items?sort=-priority&limit=50", None),
        "list page (due_date)": ("GET", "/v1/items?sort=due_date&limit=50", None),
        "queues (admin)": ("GET", "/v1/queues", None),
        "queues (agent)": ("GET", "/v1/queues", None),
        "bulk change of 3 items": ("POST", "/v1/items/bulk", {"refs": ["T-1", "T-2", "T-3"],
                                                              "set": {"priority": "urgent"}}),
        "search": ("GET", "/v1/search?q=Seed", None),
        "saved view page": ("GET", f"/v1/views/{view['id']}/items?limit=50", None),
        "time report": ("GET", "/v1/reports/time?group_by=project", None),
        "list hooks": ("GET", "/v1/hooks", None),
        "hook event samples": ("GET", "/v1/hooks/events/item.created", None),
    }
    call(client, "POST", "/v1/items", token, ops["create item"][2])  # the Lambda is warm: it has created before
    results = {}
    for name, (method, path, body) in ops.items():
        caller = agent if name == "queues (agent)" else token
        # Refresh the caller's session cache first (it lasts seconds; moto with 10,000 items is slow enough to let
        # it lapse between operations), so each row counts the operation, not a cache refresh.
        call(client, "GET", "/v1/me", caller)
        with counting() as tally:
            call(client, method, path, caller, body)
        results[name] = {"summary": tally.summary(), "requests": sum(tally.requests.values()),
                         "items_read": tally.items_read}
    print(f"  seeded {size} items in {seeded:.1f} s", file=sys.stderr)
    return results


def _agent_token(container, up) -> str:
    """An agent limited to the projects it is a member of (none here): its queues read the project list too."""
    from tandem.domain.permissions import Principal
    from tandem.services.authenticate import issue_token
    from tandem.services.manage_people import create_user

    u = up.user
    admin = Principal(u.tenant_id, u.id, u.role, (), None, u.email, u.name)
    agent = create_user(container.deps, admin, email="agent@bench.example", name="Agent", password="bench password 1")
    return issue_token(container.deps, agent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--big", type=int, default=10_000)
    parser.add_argument("--measure-json", action="store_true", help="measure this code only (side_by_side runs it)")
    args = parser.parse_args()
    if args.measure_json:
        side_by_side.emit({"small": measure(args.small), "big": measure(args.big)})
        return
    before, now = side_by_side.both("requests_per_op.py", [f"--small={args.small}", f"--big={args.big}"])
    side_by_side.write("requests_per_op", table(before, now, args.small, args.big))


def table(before: dict | None, now: dict, small: int, big: int) -> str:
    def cell(run: dict | None, size: str, op: str) -> str:
        got = (run or {}).get(size, {}).get(op)
        return f"{got['summary']} ({got['items_read']} read)" if got else "not measured"

    lines = [f"| operation | before, {small} items | before, {big:,} items | now, {small} items | now, {big:,} items | "
             "flat now | target |", "|---|---|---|---|---|---|---|"]
    for op in OPERATIONS:
        small_n, big_n = now["small"][op]["requests"], now["big"][op]["requests"]
        flat = "yes" if small_n == big_n else "NO"
        if op in BOUNDED:
            flat = f"bounded ({'holds' if big_n <= BOUNDED[op][0] else 'MISSED'})"
        target = TARGETS.get(op)
        verdict = f"<= {target}: {'holds' if small_n <= target and big_n <= target else 'MISSED'}" if target else flat
        lines.append(f"| {op} | {cell(before, 'small', op)} | {cell(before, 'big', op)} | {cell(now, 'small', op)} | "
                     f"{cell(now, 'big', op)} | {flat} | {verdict} |")
    lines += [""] + [f"Bounded: {op}, at most {bound} requests: {why}." for op, (bound, why) in BOUNDED.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
