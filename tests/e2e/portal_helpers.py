"""Shared helpers of the browser tests: the real local stack in a subprocess, a small JSON client,
Debian chromium through Playwright, a test tenant built through the public API, SMTP and outbox.

Set TANDEM_E2E_URL (and TANDEM_E2E_SMTP=host:port) to run against a stack that is already up.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("TANDEM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct horse battery staple"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- the local stack


@dataclass
class Stack:
    base: str
    smtp: tuple[str, int] | None
    process: subprocess.Popen | None = None
    data_dir: str | None = None
    log_path: Path | None = None

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def _wait_healthy(stack: Stack, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack.process is not None and stack.process.poll() is not None:
            raise RuntimeError(f"tandem dev exited with {stack.process.returncode}:\n{stack.log_tail()}")
        with contextlib.suppress(OSError, urllib.error.URLError):
            with urllib.request.urlopen(f"{stack.base}/v1/health", timeout=2) as r:
                if r.status == 200:
                    return
        time.sleep(0.3)
    raise RuntimeError(f"tandem dev did not become healthy in {timeout:.0f}s:\n{stack.log_tail()}")


def start_stack(timeout: float = 90, extra_env: dict[str, str] | None = None) -> Stack:
    """`python -m tandem.cli dev` on free ports with its own data directory (or an external stack); `extra_env` adds
    variables for the stack's process only (e.g. TANDEM_ALLOW_PRIVATE_WEBHOOKS=1)."""
    external = os.environ.get("TANDEM_E2E_URL")
    if external:
        smtp = os.environ.get("TANDEM_E2E_SMTP")
        host, _, port = (smtp or "").rpartition(":")
        stack = Stack(external.rstrip("/"), (host or "127.0.0.1", int(port)) if smtp else None)
        _wait_healthy(stack, 10)
        return stack
    if importlib.util.find_spec("tandem.cli") is None:
        pytest.skip("the local stack (tandem.cli dev) is not built yet")
    port, smtp_port = free_port(), free_port()
    data_dir = tempfile.mkdtemp(prefix="tandem-e2e-")
    log_path = Path(data_dir) / "stack.log"
    env = {
        **os.environ,
        "TANDEM_PORT": str(port),
        "TANDEM_SMTP_PORT": str(smtp_port),
        "TANDEM_PORTAL_URL": f"http://127.0.0.1:{port}",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    env.pop("TANDEM_BACKEND", None)  # the stack picks its own backend, not the unit tests' memory one
    cmd = [sys.executable, "-m", "tandem.cli", "dev", "--port", str(port), "--smtp-port", str(smtp_port)]
    cmd += ["--data-dir", data_dir]
    log = open(log_path, "wb")  # noqa: SIM115 - kept open for the process's lifetime
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    stack = Stack(f"http://127.0.0.1:{port}", ("127.0.0.1", smtp_port), process, data_dir, log_path)
    try:
        _wait_healthy(stack, timeout)
    except Exception:
        stop_stack(stack)
        raise
    return stack


def stop_stack(stack: Stack) -> None:
    """Stop only the process group we started, then remove its data directory."""
    if stack.process is not None and stack.process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(stack.process.pid, signal.SIGTERM)
        try:
            stack.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(stack.process.pid, signal.SIGKILL)
            stack.process.wait(timeout=5)
    if stack.data_dir:
        shutil.rmtree(stack.data_dir, ignore_errors=True)


# --------------------------------------------------------------------------- API client


class ApiFailure(AssertionError):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status, self.body = status, body


@dataclass
class Client:
    """Bearer-token JSON client for setting the scene (the browser itself only uses the cookie)."""

    base: str
    token: str | None = None

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        h = {"Accept": "application/json", **(headers or {})}
        if data is not None:
            h["Content-Type"] = "application/json"
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                raw = r.read()
                return json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                payload = json.loads(raw)
            except ValueError:
                payload = raw.decode(errors="replace")
            raise ApiFailure(e.code, payload) from None

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def post(self, path: str, body: Any = None) -> Any:
        return self.call("POST", path, body if body is not None else {})

    def patch(self, path: str, body: Any) -> Any:
        return self.call("PATCH", path, body)

    def as_user(self, tenant: str, email: str, password: str = PASSWORD) -> Client:
        token = Client(self.base).post("/v1/auth/login", {"tenant": tenant, "email": email, "password": password})
        return Client(self.base, token["token"])


# --------------------------------------------------------------------------- the test tenant


@dataclass
class World:
    """An agency tenant (SPEC S3 + S4) made through the API: admin, agent, customers A and B."""

    base: str
    slug: str
    mail_domain: str
    admin: Client
    ids: dict[str, Any] = field(default_factory=dict)

    @property
    def portal(self) -> str:
        return f"{self.base}/portal/{self.slug}/"

    @property
    def app(self) -> str:
        return f"{self.base}/app/"

    def client(self, who: str) -> Client:
        return Client(self.base).as_user(self.slug, self.ids[who]["email"])


def build_world(base: str, *, require_login: bool = True, prefix: str = "e2e") -> World:
    slug = f"{prefix}-{secrets.token_hex(3)}"
    anon = Client(base)
    signup = anon.post(
        "/v1/signup",
        {
            "organization": f"Agency {slug}",
            "slug": slug,
            "email": f"admin@{slug}.example",
            "name": "Ada Admin",
            "password": PASSWORD,
        },
    )
    admin = Client(base, signup["token"])
    w = World(base, slug, signup["tenant"]["mail_domain"], admin)
    w.ids["admin"] = {"email": f"admin@{slug}.example", **signup["user"]}
    admin.patch(
        "/v1/settings",
        {
            "portal": {
                "visibility": "own_and_followed",
                "require_login": require_login,
                "branding": {"name": "Agency Help", "color": "#0f766e"},
            }
        },
    )
    agent = admin.post(
        "/v1/users", {"email": "andy@agency.example", "name": "Andy Agent", "role": "agent", "password": PASSWORD}
    )
    w.ids["agent"] = agent
    team = admin.post("/v1/teams", {"name": "Customer support", "member_ids": [agent["id"]]})
    w.ids["team"] = team
    org_a = admin.post("/v1/organizations", {"name": "CustomerA", "domains": ["customer-a.example"]})
    org_b = admin.post("/v1/organizations", {"name": "CustomerB", "domains": ["customer-b.example"]})
    w.ids["alice"] = admin.post(
        "/v1/customers",
        {"email": "alice@customer-a.example", "name": "Alice A", "organization_id": org_a["id"], "password": PASSWORD},
    )
    w.ids["bob"] = admin.post(
        "/v1/customers",
        {"email": "bob@customer-b.example", "name": "Bob B", "organization_id": org_b["id"], "password": PASSWORD},
    )
    pf_a = admin.post("/v1/portfolios", {"name": "CustomerA"})
    pf_b = admin.post("/v1/portfolios", {"name": "CustomerB"})
    members = [f"team:{team['id']}"]
    w.ids["project1"] = admin.post(
        "/v1/projects",
        {"name": "Project1", "portfolio_id": pf_a["id"], "members": members, "followers": [w.ids["alice"]["id"]]},
    )
    w.ids["project_b"] = admin.post(
        "/v1/projects",
        {
            "name": "Incoming tickets (B)",
            "portfolio_id": pf_b["id"],
            "members": members,
            "followers": [w.ids["bob"]["id"]],
        },
    )
    # The sign-up's "Incoming tickets" project (the support type's default) is the support team's too
    for project in admin.get("/v1/projects")["items"]:
        if project["id"] not in (w.ids["project1"]["id"], w.ids["project_b"]["id"]):
            admin.patch(f"/v1/projects/{project['id']}", {"members": members})
            w.ids["incoming"] = project
    types = admin.get("/v1/item-types")["items"]
    w.ids["support_type"] = next(t for t in types if t["kind"] == "ticket")
    # SPEC S3: a marketing request form with typed fields and a custom due date; answers become tasks.
    w.ids["marketing_type"] = admin.post(
        "/v1/item-types",
        {
            "name": "Marketing request",
            "kind": "task",
            "public": True,
            "form": {
                "fields": [
                    {
                        "key": "location",
                        "label": "Clinic location",
                        "type": "single_choice",
                        "required": True,
                        "options": ["North clinic", "South clinic"],
                    },
                    {"key": "copies", "label": "Number of flyers", "type": "number", "required": True},
                    {"key": "due_date", "label": "Needed by", "type": "date", "required": True},
                    {"key": "contact", "label": "Contact email", "type": "email"},
                ]
            },
        },
    )
    w.ids["survey_type"] = admin.post(
        "/v1/item-types",
        {
            "name": "Satisfaction survey",
            "kind": "ticket",
            "public": True,
            "survey": True,
            "form": {
                "fields": [
                    {"key": "score", "label": "How happy are you (1-5)?", "type": "number", "required": True},
                    {"key": "comment", "label": "Anything else?", "type": "long_text"},
                ]
            },
        },
    )
    return w


# --------------------------------------------------------------------------- browser, mail, screenshots


@contextlib.contextmanager
def chromium():
    """Debian chromium (or TANDEM_CHROMIUM), else Playwright's own download; never a silent skip:
    `make test` runs scripts/ensure_browser.sh first, so a missing browser is a failure with its reason."""
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as p:
        try:
            if Path(CHROMIUM).exists():
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            else:
                browser = p.chromium.launch(args=CHROMIUM_ARGS)
        except Error as exc:
            pytest.fail(f"no browser for the browser tests ({exc}); run scripts/ensure_browser.sh", pytrace=False)
        try:
            yield browser
        finally:
            browser.close()


# Script errors and console errors of every page in every context, checked after each test (tests/e2e/conftest.py).
PAGE_ERRORS: list[str] = []
# A fetch answered 4xx is logged by chromium as a console error although the page handles it (a wrong password, a
# 404 the view shows as "not found"): that line is the network log, not a script error. 5xx still counts.
_EXPECTED_NETWORK = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d")


def watch_page(page: Any) -> None:
    page.on("pageerror", lambda e: PAGE_ERRORS.append(f"{page.url}: page error: {e}"))
    page.on(
        "console",
        lambda m: PAGE_ERRORS.append(f"{page.url}: console {m.type}: {m.text}")
        if m.type == "error" and not _EXPECTED_NETWORK.match(m.text)
        else None,
    )


def new_context(browser: Any, viewport: dict[str, int] | None = None) -> Any:
    """A fresh browser profile; any uncaught script error or console error on its pages fails the test."""
    context = browser.new_context(viewport=viewport or DESKTOP)
    context.set_default_timeout(10_000)
    context.on("page", watch_page)
    return context


def sign_in_context(context: Any, base: str, slug: str, email: str) -> None:
    """Sign a browser profile in the way the portal does (session cookie), without clicking through."""
    r = context.request.post(
        f"{base}/v1/auth/login", data={"tenant": slug, "email": email, "password": PASSWORD, "session": True}
    )
    assert r.ok, r.text()


def open_app(world: Any, browser: Any, route: str, who: str = "agent") -> Any:
    """A new signed-in context on the workspace at `route` (e.g. "/list"), its first heading shown and settled."""
    ctx = new_context(browser)
    sign_in_context(ctx, world.base, world.slug, world.ids[who]["email"])
    page = ctx.new_page()
    page.goto(f"{world.app}#{route}")
    page.get_by_role("heading").first.wait_for()
    settle(page)
    return page


def send_mail(smtp: tuple[str, int], *, sender: str, to: str, subject: str, text: str, html: str | None = None) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg["Message-ID"] = f"<{secrets.token_hex(8)}@customer-a.example>"
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    with smtplib.SMTP(*smtp, timeout=15) as s:
        s.send_message(msg)


def outbox(base: str) -> list[dict]:
    req = urllib.request.Request(f"{base}/_local/outbox", headers={"Accept": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["items"]


def wait_for(predicate: Any, timeout: float = 20, interval: float = 0.3) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(interval)


def settle(page: Any) -> None:
    """Wait until the page has no API request in flight (api.js counts them on <html data-pending>)."""
    page.locator("html[data-pending='0']").wait_for(state="attached")
    page.wait_for_timeout(250)  # let late image errors and timers fire, if anything was injected


def screenshot(page: Any, name: str) -> Path:
    """Save into tests/screenshots/ (gitignored); with TANDEM_UPDATE_SCREENSHOTS=1 also into docs/screenshots/ for
    the README (only then: `make test` must leave the work tree clean, and PNGs never render byte-identically)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    if os.environ.get("TANDEM_UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)
    return path
