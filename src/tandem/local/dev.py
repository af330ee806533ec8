"""`tandem dev`: the whole product on one machine, no AWS account.

moto (table, buckets, SES) → restore the data directory → the container → stream poller → demo tenant →
scheduler → SMTP → HTTP (last, so `GET /v1/health` answers only once everything is up). Ctrl-C or SIGTERM
stops it all in reverse, saves the buckets and compacts the table journal, and exits 0.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("tandem.local")

TABLE = "tandem"
MAIL_ROOT = "tandem.local"
PASSWORD_COSTS = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}
TIMER_INTERVAL = float(os.environ.get("TANDEM_TIMER_INTERVAL") or 60)  # tests tick faster
MIRROR_INTERVAL = 10.0  # seconds between bucket mirrors to the data directory (also done at shutdown)


# --------------------------------------------------------------------------- environment and paths


def project_dir(name: str) -> Path:
    """A folder of the repository (functions/, static_portal/): next to the working directory or the package."""
    import tandem

    for base in (Path.cwd(), Path(tandem.__file__).resolve().parents[2]):
        if (base / name).is_dir():
            return base / name
    raise SystemExit(f"tandem dev: cannot find the {name}/ folder (run it from the repository)")


def static_root() -> Path:
    """static_portal/ of the repository (the HTTP server shows a placeholder page while it does not exist)."""
    try:
        return project_dir("static_portal")
    except SystemExit:
        return Path.cwd() / "static_portal"


def token_secret(data_dir: Path) -> str:
    """The token secret: from the environment, else one generated once and kept in the data directory."""
    if os.environ.get("TANDEM_TOKEN_SECRET"):
        return os.environ["TANDEM_TOKEN_SECRET"]
    path = data_dir / "token-secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def configure_environment(port: int, data_dir: Path) -> None:
    """Everything Tandem's settings read, set before the app or the wiring is imported."""
    os.environ["TANDEM_BACKEND"] = "dynamodb"
    os.environ["TANDEM_TABLE"] = TABLE
    os.environ["TANDEM_PORTAL_URL"] = f"http://127.0.0.1:{port}"
    os.environ["TANDEM_MAIL_DOMAIN"] = os.environ.get("TANDEM_MAIL_DOMAIN") or MAIL_ROOT
    os.environ["TANDEM_TOKEN_SECRET"] = token_secret(data_dir)
    os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "tandem-local")
    os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Tandem")
    os.environ.setdefault("POWERTOOLS_DEV", "false")


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    for noisy in ("werkzeug", "botocore", "boto3", "urllib3", "mail.log"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def load_app() -> Any:
    """The Chalice app of functions/app.py (its blueprints import as top-level packages)."""
    functions = str(project_dir("functions"))
    if functions not in sys.path:
        sys.path.insert(0, functions)
    from app import app  # type: ignore[import-not-found]

    return app


# --------------------------------------------------------------------------- the app's Lambdas


FUNCTION_TIMEOUTS_MS = {"on_ses_receipt": 60_000, "on_table_change": 300_000, "on_tick": 60_000}


class Lambdas:
    """The app's Lambda functions, invoked as the Lambda service does: `handler(event, context)`.

    Each call goes through Chalice's handler map (the same wrapper and middleware the deployed function runs),
    not around it; unlike `chalice.test.Client` it leaves `os.environ` alone, so other threads are unaffected.
    """

    def __init__(self, app: Any) -> None:
        self._app = app

    def invoke(self, name: str, event: dict) -> Any:
        """Invoke one function with a fresh Lambda context; returns what the handler returns."""
        from chalice.local import LambdaContext

        context = LambdaContext(
            f"{self._app.app_name}-dev-{name}", memory_size=1024, max_runtime_ms=FUNCTION_TIMEOUTS_MS.get(name, 60_000)
        )
        return self._app.handler_map[name](event, context)

    def ingest(self, event: dict) -> Any:
        """The SES receipt rule's Lambda action."""
        return self.invoke("on_ses_receipt", event)

    def table_change(self, event: dict) -> Any:
        """The stream's event-source mapping."""
        return self.invoke("on_table_change", event)

    def tick(self) -> Any:
        """The every-minute EventBridge schedule."""
        return self.invoke("on_tick", scheduled_event())


def scheduled_event() -> dict:
    """An EventBridge "Scheduled Event" as the schedule delivers it."""
    import uuid
    from datetime import UTC, datetime

    from tandem.local.moto_server import ACCOUNT_ID, REGION

    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/tandem-dev-on_tick-event"],
        "detail": {},
    }


# --------------------------------------------------------------------------- the scheduler


class Scheduler:
    """Calls `tick` at start and then every `interval` seconds (the timers: every minute, like EventBridge)."""

    def __init__(self, tick: Any, interval: float = TIMER_INTERVAL, name: str = "timers") -> None:
        self._tick, self._interval, self._name = tick, interval, name
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"scheduler-{name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._tick()
            except Exception:
                log.exception("%s tick failed", self._name)
            self._stop.wait(self._interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


# --------------------------------------------------------------------------- the stack


@dataclass
class Stack:
    port: int
    smtp_port: int
    data_dir: Path
    parts: dict[str, Any] = field(default_factory=dict)
    restored: dict[str, int] = field(default_factory=dict)
    seeded: bool = False

    def start(self) -> None:
        from tandem.local import moto_server, persist, smtp
        from tandem.local.http import HttpServer
        from tandem.local.stream import StreamPoller

        moto = self.parts["moto"] = moto_server.start_moto(TABLE)
        moto_server.install_sender_verification()
        journal = self.parts["journal"] = persist.Journal(self.data_dir)
        had_journal = journal.path.exists()
        self.restored["records"] = persist.restore_table(moto.client("dynamodb"), TABLE, journal)
        buckets = list(moto_server.bucket_names().values())
        self.restored["objects"] = persist.restore_buckets(moto.client("s3"), buckets, self.data_dir)
        c = self._container(moto)
        arn = os.environ["TANDEM_STREAM_ARN"] = moto_server.stream_arn(moto)  # read by the rules blueprint
        app = load_app()
        lambdas = Lambdas(app)
        # Bind the HTTP port now (fail early if taken) but serve only at the very end.
        http = HttpServer(app, self.port, static_root(), moto.endpoint)
        self.parts["http"] = http
        c.deps.push = http.sockets  # chat frames reach the local origin's sockets (API Gateway's role on AWS)
        poller = StreamPoller(
            moto.client("dynamodbstreams"),
            arn,
            lambdas.table_change,
            journal.append,
            start_at="LATEST" if had_journal else "TRIM_HORIZON",
        )
        poller.start()
        self.parts["poller"] = poller
        self.seeded = self._seed(c)
        # The seed's changes reach rules and mail before anyone can sign in (a calm start, and a fair health check).
        if not poller.wait_idle(timeout=60):
            log.warning("the stream poller has not caught up after 60 s; starting anyway")
        self.parts["scheduler"] = Scheduler(lambdas.tick)
        self.parts["scheduler"].start()
        s3, data = moto.client("s3"), self.data_dir
        self.parts["mirror"] = Scheduler(lambda: persist.save_buckets(s3, buckets, data), MIRROR_INTERVAL, "mirror")
        self.parts["mirror"].start()
        inbound = c.inbound_blobs()
        receipt = smtp.ReceiptHandler(lambda key, raw: inbound.put(key, raw, "message/rfc822"), lambdas.ingest)
        self.parts["smtp"] = smtp.SmtpListener(receipt, self.smtp_port)
        self.parts["smtp"].start()
        http.start()

    def _container(self, moto: Any) -> Any:
        from tandem.aws.clients import client
        from tandem.local.blobs import LocalBlobStore
        from tandem.runtime import wiring
        from tandem.runtime.settings import read_settings

        s = read_settings()
        blobs = LocalBlobStore(client("s3"), s.attachment_bucket, moto.endpoint, s.portal_url)
        c = wiring.build(s, blobs=blobs, password_costs=PASSWORD_COSTS)
        wiring.use(c)
        return c

    def _seed(self, c: Any) -> bool:
        from tandem.local.seed import seed_demo

        try:
            return seed_demo(c.deps)
        except Exception:
            log.exception("seeding the demo tenant failed")
            return False

    def stop(self) -> None:
        """Stop in reverse order; each step on its own so one failure does not lose the data."""
        from tandem.local import moto_server, persist

        buckets = list(moto_server.bucket_names().values())
        steps = [
            ("http", "http", lambda: self.parts["http"].stop()),
            ("smtp", "smtp", lambda: self.parts["smtp"].stop()),
            ("scheduler", "scheduler", lambda: self.parts["scheduler"].stop()),
            ("bucket mirror", "mirror", lambda: self.parts["mirror"].stop()),
            ("poller", "poller", lambda: self.parts["poller"].stop(drain=True)),
            ("buckets", "moto", lambda: persist.save_buckets(self.parts["moto"].client("s3"), buckets, self.data_dir)),
            ("journal", "journal", lambda: self.parts["journal"].compact()),
            ("moto", "moto", lambda: self.parts["moto"].stop()),
        ]
        for name, part, step in steps:
            if part not in self.parts:
                continue
            try:
                step()
            except Exception:
                log.exception("stopping %s failed", name)


def banner(stack: Stack, seconds: float) -> str:
    """What runs where, and the demo logins."""
    from tandem.local.seed import LOGINS, SLUG

    base = f"http://127.0.0.1:{stack.port}"
    moto = stack.parts["moto"].endpoint
    lines = [
        "",
        f"Tandem local stack is up ({seconds:.1f} s)",
        f"  Portal & agent workspace  {base}/        (agents: {base}/app/, customers: {base}/portal/{SLUG}/)",
        f"  API                       {base}/v1/     (health: {base}/v1/health)",
        f"  Live chat socket          ws://127.0.0.1:{stack.port}/v1/ws",
        f"  Outbox (sent mail)        {base}/_local/outbox",
        f"  Inbound mail (SMTP)       127.0.0.1:{stack.smtp_port}  → e.g. support@{SLUG}.{MAIL_ROOT}",
        f"  Emulated AWS (moto)       {moto}",
        f"  Data directory            {stack.data_dir}  (restored {stack.restored.get('records', 0)} records, "
        f"{stack.restored.get('objects', 0)} objects)",
        "",
        f"Demo logins (tenant '{SLUG}'){' — just created' if stack.seeded else ''}:",
    ]
    lines += [f"  {login.role:<22} {login.email:<28} {login.password}" for login in LOGINS]
    lines += ["", "Ctrl-C stops everything (data is kept; --reset starts empty).", ""]
    return "\n".join(lines)


def port_problem(port: int, what: str) -> str | None:
    """Why the port cannot be used (in use, not allowed), or None."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            return f"{what} port {port} is not available ({exc.strerror})"
    return None


def lock_data_dir(data: Path) -> Any:
    """Hold an exclusive lock on the data directory for the process's lifetime (None when another stack has it)."""
    import fcntl

    handle = (data / ".lock").open("w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def clear_data_dir(data: Path) -> None:
    """`--reset`: remove everything in the data directory but its lock."""
    for entry in data.iterdir():
        if entry.name == ".lock":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def run_dev(port: int = 8000, smtp_port: int = 2525, data_dir: str | Path = ".tandem", reset: bool = False) -> int:
    """Run the local stack until Ctrl-C or SIGTERM; returns the exit code."""
    started = time.monotonic()
    data = Path(data_dir).resolve()
    data.mkdir(parents=True, exist_ok=True)
    problems = [p for p in (port_problem(port, "HTTP"), port_problem(smtp_port, "SMTP")) if p]
    lock = lock_data_dir(data)
    if lock is None:
        problems.append(f"another tandem dev is using {data}")
    if problems:
        print(
            "tandem dev cannot start: " + "; ".join(problems) + " (see --port, --smtp-port, --data-dir)",
            file=sys.stderr,
        )
        return 1
    if reset:
        clear_data_dir(data)
    configure_environment(port, data)
    configure_logging()
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    stack = Stack(port, smtp_port, data)
    try:
        stack.start()
    except Exception:
        log.exception("the local stack could not start")
        stack.stop()
        return 1
    print(banner(stack, time.monotonic() - started), flush=True)
    while not stopping.wait(0.5):
        pass
    print("Stopping the local stack…", flush=True)
    stack.stop()
    print("Stopped; data saved in", data, flush=True)
    return 0
