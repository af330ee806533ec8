"""Time report cost: DynamoDB requests and items read for a month's report with 1,000 and 100,000 timesheets, and
the write cost the stream handler pays per timesheet change.

Runs the real API (chalice.test.Client) on PynamoDB repos against moto in-process. A tenant of 25 people, 20
projects in 4 portfolios and 10 customer organisations; the timesheets spread over March 2026 (and a few in February
and April), every state, 60 % billable. The small size goes through the stream handler's own code path, one
TransactWriteItems per timesheet (`services/time_reports.py::count_time`); the big one through a bulk loader that
adds up the very same cell changes (`domain/time_cells.py::deltas`) in memory and writes each cell once with
BatchWriteItem, which takes minutes instead of hours on moto. Both sizes then check that the March report equals
the sum of the generated timesheets before anything is measured. Counts, not times: the same on any machine.
Usage: python bench/time_report.py [--small 1000] [--big 100000]
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from bench_env import prepare

ROOT = prepare(TANDEM_TABLE="tandem-time", TANDEM_LOG_LEVEL="WARNING")

from counting import call, counting, on_moto_api  # noqa: E402

PEOPLE, PROJECTS, PORTFOLIOS, ORGS = 25, 20, 4, 10
MARCH = "from=2026-03-01&to=2026-03-31"
QUERIES = [
    ("March by project", f"/v1/reports/time?group_by=project&{MARCH}", "admin"),
    ("March by person", f"/v1/reports/time?group_by=user&{MARCH}", "admin"),
    ("March by organisation", f"/v1/reports/time?group_by=organization&{MARCH}", "admin"),
    ("March by day", f"/v1/reports/time?group_by=day&{MARCH}", "admin"),
    ("March by person, one organisation", f"/v1/reports/time?group_by=user&{MARCH}&organization_id={{org}}", "admin"),
    ("March 5-20 by project (day cells)", "/v1/reports/time?group_by=project&from=2026-03-05&to=2026-03-20", "admin"),
    ("an agent's own March by project", f"/v1/reports/time?group_by=project&{MARCH}", "agent"),
    ("all time by portfolio (rollup)", "/v1/reports/time?group_by=portfolio", "admin"),
    ("time spent on an item", "/v1/items/{ref}/time", "admin"),
]


def scene(deps, up) -> dict:
    """People, portfolios, projects, organisations and one ticket, through the use cases."""
    from tandem.domain.items import Cause
    from tandem.domain.permissions import Principal
    from tandem.services import manage_people, manage_projects
    from tandem.services.authenticate import issue_token
    from tandem.services.open_item import NewItem, open_item

    admin = Principal(up.tenant.id, up.user.id, up.user.role)
    people = [manage_people.create_user(deps, admin, email=f"agent{n}@bench.example", name=f"Agent {n:02d}",
                                        password="benchmark password") for n in range(PEOPLE - 1)]
    portfolios = [manage_projects.create_portfolio(deps, admin, name=f"Portfolio {n}") for n in range(PORTFOLIOS)]
    projects = [manage_projects.create_project(deps, admin, name=f"Project {n:02d}",
                                               portfolio_id=portfolios[n % PORTFOLIOS].id) for n in range(PROJECTS)]
    orgs = [manage_people.create_organization(deps, admin, name=f"Customer {n:02d}") for n in range(ORGS)]
    ticket = next(t for t in deps.repos.item_types.list(up.tenant.id).items if t.kind == "ticket")
    tenant = deps.repos.tenants.get(up.tenant.id)
    item = open_item(deps, tenant, admin, NewItem(type_id=ticket.id, title="Retainer", project_id=projects[0].id),
                     via="web", cause=Cause.USER)
    return {"users": [up.user.id] + [p.id for p in people], "projects": projects, "orgs": [o.id for o in orgs],
            "item": item, "agent_token": issue_token(deps, people[0]), "org": orgs[0].id}


def sheets(tenant_id: str, world: dict, n: int) -> list:
    """`n` timesheets: most in March, some either side; every state; on the one ticket (its time is the item's)."""
    from tandem.domain.time_tracking import SheetState, Timesheet

    rnd = random.Random(n)
    found = []
    for i in range(n):
        project = rnd.choice(world["projects"])
        month, last = rnd.choices([("02", 28), ("03", 31), ("04", 30)], weights=[1, 8, 1])[0]
        found.append(Timesheet(tenant_id, f"s{i:06d}", world["item"].ref, rnd.choice(world["users"]),
                               f"2026-{month}-{rnd.randint(1, last):02d}", rnd.randint(5, 240),
                               billable=rnd.random() < 0.6, state=rnd.choice(list(SheetState)), project_id=project.id,
                               portfolio_id=project.portfolio_id, organization_id=rnd.choice(world["orgs"])))
    return found


def through_the_stream(deps, found: list) -> None:
    """The stream handler's own part, one TransactWriteItems per timesheet insert."""
    from tandem.domain.events import TimesheetChanged
    from tandem.services.time_reports import count_time

    for sheet in found:
        assert count_time(deps, TimesheetChanged(f"bench-{sheet.id}", None, sheet))


def bulk(tenant_id: str, found: list) -> int:
    """The same cell changes added up in memory, each cell written once (BatchWriteItem)."""
    from tandem.dal.dynamo_time_cells import KIND, cell_pk
    from tandem.dal.table import Record
    from tandem.domain.time_cells import deltas

    cells: dict = {}
    for sheet in found:
        for key, fields in deltas(None, sheet).items():
            stored = cells.setdefault(key, {})
            for name, amount in fields.items():
                stored[name] = stored.get(name, 0) + amount
    client, table = Record._get_connection().connection.client, Record.Meta.table_name
    puts = [{"PutRequest": {"Item": {"pk": {"S": cell_pk(tenant_id, key.part)}, "sk": {"S": key.sort},
                                     "kind": {"S": KIND}, "v": {"S": key.value},
                                     **{name: {"N": str(amount)} for name, amount in fields.items()}}}}
            for key, fields in cells.items()]
    for start in range(0, len(puts), 25):
        pending = {table: puts[start:start + 25]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    return len(cells)


def expected_march(found: list) -> dict:
    from tandem.domain.time_report import COUNTED

    march = [s for s in found if s.date.startswith("2026-03") and s.state in COUNTED]
    return {"minutes": sum(s.minutes for s in march), "billable_minutes": sum(s.minutes for s in march if s.billable),
            "count": len(march)}


def measure(size: int, small: bool) -> dict:
    return on_moto_api("tandem-time", _measure_with, size, small)


def _measure_with(client, container, size: int, small: bool) -> dict:
    from tandem.local import moto_speedups
    from tandem.services.sign_up import sign_up

    moto_speedups.install()  # moto would copy the whole table per transaction item: the emulator's cost, not ours
    deps = container.deps
    up = sign_up(deps, organization="Bench", slug="bench", email="admin@bench.example", name="Admin",
                 password="benchmark password")
    world = scene(deps, up)
    found = sheets(up.tenant.id, world, size)
    started = time.perf_counter()
    if small:
        through_the_stream(deps, found)
        how = "through the stream handler (one TransactWriteItems each)"
    else:
        how = f"bulk: {bulk(up.tenant.id, found):,} cells written once"
    print(f"  {size:,} timesheets {how} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    # A warm Lambda reads the tenant (15 s cache) and the session (5 s) now and then: held for the run, so the
    # counts are the report's own.
    deps.repos.tenants._ttl = deps.sessions.ttl_seconds = 3600
    tokens = {"admin": up.token, "agent": world["agent_token"]}
    for token in tokens.values():
        call(client, "GET", "/v1/me", token)
    march = call(client, "GET", f"/v1/reports/time?group_by=project&{MARCH}", up.token)
    assert march["total"] == expected_march(found), (march["total"], expected_march(found))
    results = {}
    for name, path, who in QUERIES:
        path = path.format(org=world["org"], ref=world["item"].ref)
        with counting() as tally:
            answer = call(client, "GET", path, tokens[who])
        results[name] = (tally.summary(), tally.items_read, len(answer.get("rows", [answer])))
    if small:
        results.update(_write_costs(deps, found))
    return results


def _write_costs(deps, found: list) -> dict:
    """What the stream handler writes for one timesheet added, submitted (a state change) and moved to another day."""
    from dataclasses import replace

    from tandem.domain.events import TimesheetChanged
    from tandem.domain.time_tracking import SheetState
    from tandem.services.time_reports import count_time

    sheet = replace(found[0], id="write-cost", state=SheetState.DRAFT, date="2026-03-10")
    submitted = replace(sheet, state=SheetState.SUBMITTED)
    moved = replace(submitted, date="2026-04-02")
    costs = {}
    for name, old, new in (("a timesheet added", None, sheet), ("submitted (state changes)", sheet, submitted),
                           ("moved to another month", submitted, moved), ("deleted", moved, None)):
        with counting() as tally:
            count_time(deps, TimesheetChanged(f"cost-{name}", old, new))
        costs[name] = (tally.summary(), tally.items_read, tally.items_written)
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--big", type=int, default=100_000)
    args = parser.parse_args()
    small, big = measure(args.small, True), measure(args.big, False)
    lines = [f"| report | requests ({args.small:,} timesheets) | items read | rows | requests ({args.big:,} "
             "timesheets) | items read | rows |", "|---|---|---|---|---|---|---|"]
    for name, _, _ in QUERIES:
        s, b = small[name], big[name]
        lines.append(f"| {name} | {s[0]} | {s[1]} | {s[2]} | {b[0]} | {b[1]} | {b[2]} |")
    lines += ["", "| stream write per timesheet change | requests | items read | items written (marker + cells) |",
              "|---|---|---|---|"]
    for name in ("a timesheet added", "submitted (state changes)", "moved to another month", "deleted"):
        cost = small[name]
        lines.append(f"| {name} | {cost[0]} | {cost[1]} | {cost[2]} |")
    table = "\n".join(lines)
    print(table)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "time_report.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
