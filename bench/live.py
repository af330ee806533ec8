"""DynamoDB requests per minute of one open workspace that polls `GET /v1/changes` every 5 s.

Runs the real API (chalice.test.Client) and the real stream Lambda handler on PynamoDB repos against moto in-process,
counting every botocore call (bench/counting.py). Time is simulated: the warm Lambda's caches (sessions: 5 s,
tenant settings: 15 s) see 5 s pass between polls, as they would in a browser that polls every 5 s.

- idle: nothing changes for a minute (12 polls, each answered 304);
- busy: someone changes something every 10 s (an item edit, a private note, a customer reply to the workspace
  user's item, in turn); each poll that finds a new stamp refetches the open 50-item list page with its ETag.

The workspace's own requests (polls and refetches) are counted apart from the stream Lambda's work per change.
Usage: python bench/live.py
"""
from __future__ import annotations

import contextlib
import json
import os
from collections import Counter
from types import SimpleNamespace

import botocore.client

from bench_env import prepare

ROOT = prepare(TANDEM_TABLE="tandem-live", TANDEM_LOG_LEVEL="WARNING")

from counting import Tally, counting  # noqa: E402
from requests_per_op import seed_items  # noqa: E402
from tandem.local.stream import StreamReader  # noqa: E402

os.environ["TANDEM_TABLE"] = "tandem-live"  # importing requests_per_op named its own table

POLL_SECONDS = 5
CHANGE_SECONDS = 10
PAGE = "/v1/items?limit=50"


class Clock:
    """Simulated monotonic seconds for the warm Lambda's caches."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def call(client, method: str, path: str, token: str, body: dict | None = None, etag: str | None = None):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if etag:
        headers["If-None-Match"] = etag
    fn = getattr(client.http, method.lower())
    resp = fn(path, headers=headers, body=json.dumps(body)) if body is not None else fn(path, headers=headers)
    assert resp.status_code < 400, (method, path, resp.status_code, resp.body[:300])
    return resp


class Tallies:
    """Requests and items read per part (a poll, a refetch, a part of the stream Lambda)."""

    def __init__(self) -> None:
        self.requests: dict[str, Counter[str]] = {}
        self.items: Counter[str] = Counter()

    def add(self, part: str, tally) -> None:
        self.requests.setdefault(part, Counter()).update(tally.requests)
        self.items[part] += tally.items_read

    def total(self, *parts: str) -> Counter[str]:
        out: Counter[str] = Counter()
        for part in parts:
            out.update(self.requests.get(part, Counter()))
        return out


class Workspace:
    """The browser: polls the stamp, refetches the open list when it moved; tallies its own requests."""

    def __init__(self, client, token: str) -> None:
        self.client, self.token = client, token
        self.stamp_etag = call(client, "GET", "/v1/changes", token).headers["ETag"]
        self.page_etag = call(client, "GET", PAGE, token).headers["ETag"]
        self.tallies = Tallies()
        self.polls = self.refetches = self.not_modified = 0

    def poll(self) -> None:
        with counting() as tally:
            resp = call(self.client, "GET", "/v1/changes", self.token, etag=self.stamp_etag)
        self.tallies.add("poll", tally)
        self.polls += 1
        if resp.status_code == 200:
            self.stamp_etag = resp.headers["ETag"]
            with counting() as tally:
                page = call(self.client, "GET", PAGE, self.token, etag=self.page_etag)
            self.tallies.add("refetch", tally)
            self.refetches += 1
            self.not_modified += page.status_code == 304
            self.page_etag = page.headers["ETag"]


class ByPart:
    """botocore calls tallied by the part of the stream Lambda that made them (in-app notifications, the change
    count, the rest): the wrapped functions name the part while they run."""

    def __init__(self) -> None:
        self.part = "rest"
        self.tallies: dict[str, Tally] = {}

    def labelled(self, name: str, fn):
        def run(*args, **kwargs):
            outer, self.part = self.part, name
            try:
                return fn(*args, **kwargs)
            finally:
                self.part = outer

        return run

    @contextlib.contextmanager
    def counting(self):
        original = botocore.client.BaseClient._make_api_call

        def counted(client, operation, params):
            result = original(client, operation, params)
            self.tallies.setdefault(self.part, Tally()).record(operation, result)
            return result

        botocore.client.BaseClient._make_api_call = counted
        try:
            yield self
        finally:
            botocore.client.BaseClient._make_api_call = original


def minute(ws: Workspace, clock: Clock, change=None, stream: StreamReader | None = None, container=None) -> ByPart:
    """Sixty simulated seconds: a poll every 5 s, and `change` every 10 s handled by the stream Lambda."""
    from tandem.services import in_app

    lam, changes = ByPart(), 0
    react, touch = in_app.react, in_app.touch
    for second in range(POLL_SECONDS, 61, POLL_SECONDS):
        clock.now += POLL_SECONDS
        if change is not None and second % CHANGE_SECONDS == POLL_SECONDS:
            change(changes)
            changes += 1
            batch = stream.batch()
            in_app.react, in_app.touch = lam.labelled("notifications", react), lam.labelled("stamp", touch)
            try:
                with lam.counting():
                    assert container.process_stream_batch(batch) == {"batchItemFailures": []}
            finally:
                in_app.react, in_app.touch = react, touch
        ws.poll()
    lam.changes = changes  # type: ignore[attr-defined]
    return lam


def run() -> dict:
    from chalice.test import Client
    from moto import mock_aws

    with mock_aws():
        from tandem.dal import table
        from tandem.runtime import caching, wiring
        from tandem.runtime.memory_adapters import MemoryMailer
        from tandem.runtime.settings import read_settings

        table.configure("tandem-live", host=None, region="us-east-1")
        table.create_table()
        container = wiring.build(read_settings(), mailer=MemoryMailer(),
                                 password_costs={"time_cost": 1, "memory_cost": 1024, "parallelism": 1})
        wiring.use(container)
        clock = Clock()
        container.deps.sessions.clock = clock
        caching.time = SimpleNamespace(monotonic=clock)  # the tenant cache's clock
        from app import app

        with Client(app) as client:
            return _run(client, container, clock)


def _run(client, container, clock: Clock) -> dict:
    from tandem.domain.hierarchy import user_ref
    from tandem.domain.people import Role
    from tandem.domain.permissions import Principal
    from tandem.services import manage_people, manage_projects
    from tandem.services.authenticate import issue_token
    from tandem.services.sign_up import sign_up

    up = sign_up(container.deps, organization="Live", slug="live", email="admin@live.example", name="Admin",
                 password="benchmark password")
    admin = Principal(up.tenant.id, up.user.id, Role.ADMIN)
    wanda = manage_people.create_user(container.deps, admin, email="wanda@live.example", name="Wanda Workspace")
    carl = manage_people.create_user(container.deps, admin, email="carl@live.example", name="Carl Colleague")
    project = up.incoming_project
    manage_projects.update_project(container.deps, admin, project.id,
                                   {"members": [user_ref(wanda.id), user_ref(carl.id)]})
    new_customer = {"email": "c@customer.example", "name": "Cy"}
    customer = json.loads(call(client, "POST", "/v1/customers", up.token, new_customer).body)
    ticket = next(t for t in container.deps.repos.item_types.list(up.tenant.id).items if t.kind == "ticket")
    seed_items(up.tenant.id, ticket.id, project.id, customer["id"], 50)
    wanda_token, carl_token = issue_token(container.deps, wanda), issue_token(container.deps, carl)
    call(client, "PATCH", "/v1/items/T-1", carl_token, {"assignees": [user_ref(wanda.id)]})
    stream = StreamReader("tandem-live")
    container.process_stream_batch(stream.batch())

    def change(n: int) -> None:
        kind = n % 3
        if kind == 0:
            call(client, "PATCH", f"/v1/items/T-{2 + n}", carl_token, {"priority": "high"})
        elif kind == 1:
            call(client, "POST", f"/v1/items/T-{2 + n}/messages", carl_token,
                 {"body": "Looked at the logs", "visibility": "private"})
        else:
            _customer_reply(container, up.tenant.id, customer["id"])

    results = {}
    for name, busy in (("idle", False), ("busy", True)):
        ws = Workspace(client, wanda_token)
        lam = minute(ws, clock, change, stream, container) if busy else minute(ws, clock)
        results[name] = {"ws": ws, "lambda": lam}
    results["unread"] = json.loads(call(client, "GET", "/v1/changes", wanda_token).body)["unread"]
    return results


def _customer_reply(container, tenant_id: str, customer_id: str) -> None:
    """The customer replies on T-1 (assigned to the workspace user): a notification for her."""
    from tandem.domain.items import Cause
    from tandem.domain.messages import Visibility
    from tandem.services.post_message import add_message

    tenant = container.deps.repos.tenants.get(tenant_id)
    item = container.deps.repos.items.get(tenant_id, "T-1")
    add_message(container.deps, tenant, item, body="Any news?", visibility=Visibility.PUBLIC, via="portal",
                author_id=customer_id, cause=Cause.USER)


def _fmt(requests: Counter[str]) -> str:
    return ", ".join(f"{op} {n}" for op, n in sorted(requests.items())) or "none"


def _row(name: str, ws: Workspace) -> str:
    t = ws.tallies
    poll, refetch = t.total("poll"), t.total("refetch")
    refetches = f"{ws.refetches} ({ws.not_modified} answered 304)" if ws.refetches else "0"
    return (f"| {name} | {ws.polls} | {refetches} | {sum(poll.values())} ({_fmt(poll)}) | "
            f"{sum(refetch.values())} ({_fmt(refetch)}) | **{sum(poll.values()) + sum(refetch.values())}** | "
            f"{t.items['poll'] + t.items['refetch']} |")


def report(r: dict) -> str:
    idle, busy = r["idle"]["ws"], r["busy"]["ws"]
    lam = r["busy"]["lambda"]
    parts = {name: lam.tallies.get(name, Tally()).requests for name in ("stamp", "notifications", "rest")}
    lines = [
        "# Live updates: DynamoDB requests per open workspace (`python bench/live.py`)",
        "",
        f"One workspace polls `GET /v1/changes` every {POLL_SECONDS} s with `If-None-Match` (moto in-process, the real",
        "API and stream handler, every botocore call counted; simulated time, so the warm Lambda's 5 s session",
        "cache has always expired at the next poll). Busy: one change every 10 s (an item edit, a private note, a",
        "customer reply to the workspace user's item, in turn); a poll that finds a new stamp refetches the open",
        "50-item list page with its `If-None-Match`.",
        "",
        "| per minute | polls | list refetches | poll requests | refetch requests | total | items read |",
        "|---|---|---|---|---|---|---|",
        _row("idle", idle),
        _row("busy", busy),
        "",
        "Each poll is one BatchGetItem, answered 304 while nothing changed: the tenant's change count, the caller's",
        "notification state and, because the session cache had expired, the user record and the token's",
        "revocation record (the session check every request makes) in the same request. A list refetch is the",
        "list's own Query plus the project its items are checked against; a page whose items did not move (a",
        "message does not change the list today) is answered 304 without a body.",
        "",
        f"Stream Lambda, for the {lam.changes} changes of the busy minute: the change count "
        f"{sum(parts['stamp'].values())} ({_fmt(parts['stamp'])}), in-app notifications "
        f"{sum(parts['notifications'].values())} ({_fmt(parts['notifications'])}), everything else it does",
        f"(rules, SLA clocks, mail, webhooks) {sum(parts['rest'].values())} ({_fmt(parts['rest'])}).",
        "",
        f"The workspace user ended the busy minute with {r['unread']} unread notifications (her assignment and",
        "the two customer replies).",
    ]
    return "\n".join(lines)


def main() -> None:
    text = report(run())
    print(text)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "live.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
