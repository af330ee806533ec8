"""The real local stack in a subprocess, driven over HTTP and SMTP: `tandem dev` end to end.

Start on free ports → healthy → sign in as the demo agent → items → a rule over the API → mail in over SMTP →
item created (and tagged by the rule through the stream poller) → acknowledgement in the outbox → reply
threads onto the item → Ctrl-C exits 0 → restart on the same data directory → the item is still there.
"""

from __future__ import annotations

import contextlib
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
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo-password-1"
HEALTHY_WITHIN = 120.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.3) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


class LocalStack:
    """`python -m tandem.cli dev` on the given ports and data directory, logging to a file."""

    def __init__(self, data_dir: Path, port: int, smtp_port: int) -> None:
        self.data_dir, self.port, self.smtp_port = data_dir, port, smtp_port
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None
        self.log_path = data_dir.parent / f"{data_dir.name}.log"
        self.startup_seconds = 0.0

    def log_tail(self, lines: int = 80) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for name in ("TANDEM_BACKEND", "TANDEM_AWS_ENDPOINT", "TANDEM_TABLE", "TANDEM_TOKEN_SECRET"):
            env.pop(name, None)
        cmd = [sys.executable, "-m", "tandem.cli", "dev", "--port", str(self.port), "--smtp-port", str(self.smtp_port)]
        cmd += ["--data-dir", str(self.data_dir)]
        started = time.monotonic()
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the process's lifetime
        self.process = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        wait_for(self._healthy, HEALTHY_WITHIN, "GET /v1/health → 200")
        self.startup_seconds = time.monotonic() - started
        print(f"local stack healthy after {self.startup_seconds:.1f}s")

    def _healthy(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"tandem dev exited with {self.process.returncode}:\n{self.log_tail()}")
        with contextlib.suppress(OSError, urllib.error.URLError):
            with urllib.request.urlopen(f"{self.base}/v1/health", timeout=2) as r:
                return r.status == 200
        return False

    def interrupt(self, timeout: float = 20) -> int:
        """Ctrl-C (SIGINT to the stack's process), then its exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"tandem dev did not stop within {timeout:.0f}s:\n{self.log_tail()}") from None

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


class Api:
    """A small bearer-token JSON client."""

    def __init__(self, base: str, token: str | None = None) -> None:
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                raw = r.read()
        except urllib.error.HTTPError as e:
            raise AssertionError(f"{method} {path} → {e.code}: {e.read().decode(errors='replace')}") from None
        return json.loads(raw) if raw else None

    def sign_in(self, email: str, tenant: str = "demo") -> Api:
        answer = self.call("POST", "/v1/auth/login", {"tenant": tenant, "email": email, "password": PASSWORD})
        return Api(self.base, answer["token"])


def outbox(base: str) -> list[dict]:
    request = urllib.request.Request(f"{base}/_local/outbox", headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.loads(r.read())["items"]


def send_mail(port: int, *, sender: str, to: str, subject: str, text: str, **headers: str) -> str:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    message_id = f"<{secrets.token_hex(8)}@{sender.rsplit('@', 1)[-1]}>"
    msg["Message-ID"] = message_id
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(text)
    with smtplib.SMTP("127.0.0.1", port, timeout=15) as s:
        s.send_message(msg)
    return message_id


def find_item(agent: Api, subject: str) -> dict | None:
    items = agent.call("GET", "/v1/items")["items"]
    return next((i for i in items if i["title"] == subject), None)


@pytest.fixture
def stack() -> Iterator[LocalStack]:
    if sys.platform == "win32":
        pytest.skip("the local stack runs on POSIX")
    root = Path(tempfile.mkdtemp(prefix="tandem-local-stack-"))
    s = LocalStack(root / "data", free_port(), free_port())
    try:
        yield s
    finally:
        s.kill()
        shutil.rmtree(root, ignore_errors=True)


def test_local_stack_end_to_end(stack: LocalStack) -> None:
    stack.start()
    anonymous = Api(stack.base)
    assert anonymous.call("GET", "/v1/health")["status"] == "ok"
    agent = anonymous.sign_in("agent@demo.example")
    admin = anonymous.sign_in("admin@demo.example")
    assert agent.call("GET", "/v1/items")["items"], "the demo tenant has sample items"
    for page in ("/app/", "/portal/demo/"):  # no other site may frame the workspace or the portal
        with urllib.request.urlopen(stack.base + page, timeout=10) as r:
            assert r.headers["Content-Security-Policy"].endswith("; frame-ancestors 'none'"), page
            assert r.headers["X-Frame-Options"] == "DENY", page

    domain = f"e2e-{secrets.token_hex(3)}.example"
    sender = f"carol@{domain}"
    admin.call(
        "POST",
        "/v1/rules",
        {
            "name": "Route the e2e customer",
            "trigger": "item_created",
            "conditions": {"all": [{"field": "requester.domain", "op": "equals", "value": domain}]},
            "actions": [{"type": "add_tag", "value": "routed"}],
        },
    )

    subject = f"Broken login {secrets.token_hex(3)}"
    send_mail(stack.smtp_port, sender=sender, to="support@demo.tandem.local", subject=subject, text="I cannot sign in.")
    item = wait_for(lambda: find_item(agent, subject), 30, "the mailed item")
    ref = item["ref"]

    def acknowledgement() -> dict | None:
        return next((m for m in outbox(stack.base) if sender in m["to"] and ref in m["subject"]), None)

    ack = wait_for(acknowledgement, 30, "the acknowledgement in the outbox")
    assert ack["reply_to"], ack
    assert "demo.tandem.local" in ack["from"]

    tagged = wait_for(
        lambda: (lambda i: i if "routed" in (i.get("tags") or []) else None)(agent.call("GET", f"/v1/items/{ref}")),
        30,
        "the rule's tag",
    )
    assert "routed" in tagged["tags"]
    activity = agent.call("GET", f"/v1/items/{ref}/activity")["items"]
    assert any(a["cause"] == "rule" for a in activity), activity

    reply_to = parseaddr(ack["reply_to"])[1]
    reply_text = f"Still broken, see attached thoughts {secrets.token_hex(3)}"
    send_mail(
        stack.smtp_port,
        sender=sender,
        to=reply_to,
        subject=f"Re: {ack['subject']}",
        text=reply_text,
        In_Reply_To=ack["headers"].get("Message-ID", ""),
    )

    def replied() -> bool:
        messages = agent.call("GET", f"/v1/items/{ref}/messages")["items"]
        return any(reply_text in (m.get("body") or "") for m in messages)

    wait_for(replied, 30, "the reply on the same item")

    # The seeded SPEC S4 rule: mail from @customer-a.example lands in "Incoming tickets (A)", team assigned.
    routed_subject = f"Invoice copy {secrets.token_hex(3)}"
    send_mail(
        stack.smtp_port,
        sender="alice@customer-a.example",
        to="support@demo.tandem.local",
        subject=routed_subject,
        text="Could you send the invoice again?",
    )
    projects = {p["name"]: p["id"] for p in agent.call("GET", "/v1/projects")["items"]}

    def routed() -> dict | None:
        found = find_item(agent, routed_subject)
        return found if found and found["project_id"] == projects["Incoming tickets (A)"] else None

    routed_item = wait_for(routed, 30, "the Customer A mail routed to Incoming tickets (A)")
    assert any(a.startswith("team:") for a in routed_item["assignees"]), routed_item

    # Each mail went through the inbound bucket (the SES S3 action) before the handler ran.
    log = stack.log_path.read_text(errors="replace")
    receipts = re.findall(r"mail received (\S+) from ", log)
    assert len(receipts) == 3, stack.log_tail()
    assert re.search(r"ingest \S+: created tenant=\S+ ref=" + re.escape(ref), log), stack.log_tail()

    assert stack.interrupt() == 0, stack.log_tail()
    inbound = stack.data_dir / "blobs" / "tandem-inbound" / "inbound"
    assert {p.name for p in inbound.iterdir()} == set(receipts), "raw mail mirrored to the data directory"
    assert b"I cannot sign in." in (inbound / receipts[0]).read_bytes()

    stack.start()
    again = Api(stack.base).sign_in("agent@demo.example")
    kept = again.call("GET", f"/v1/items/{ref}")
    assert kept["title"] == subject
    assert "routed" in kept["tags"]
    assert find_item(again, routed_subject)["project_id"] == projects["Incoming tickets (A)"]
    assert stack.interrupt() == 0, stack.log_tail()
    assert {p.name for p in inbound.iterdir()} == set(receipts), "raw mail restored and kept"
