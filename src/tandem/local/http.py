"""The one local origin: the API (Chalice's LocalGateway), the portal's static files, the outbox and an S3 proxy.

/v1/...              the Chalice app, as API Gateway would invoke it
/v1/ws               the live chat's WebSocket (an upgrade request), as API Gateway's WebSocket API (websocket.py)
/_local/outbox       the mail SES was asked to send (HTML, or JSON with `Accept: application/json`)
/_local/s3/<b>/<k>   moto's S3, so presigned uploads and downloads stay on this origin
everything else      static_portal/ (`/portal/<slug>/...` falls back to the portal's index.html)
"""

from __future__ import annotations

import html
import json
import logging
import mimetypes
import re
import threading
import urllib.error
import urllib.request
from email import message_from_string, policy
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from tandem.security.headers import page_headers

log = logging.getLogger("tandem.local.http")

# Every page the local origin serves itself is framed by nobody (the widget's panel comes from the API).
PAGE_HEADERS = page_headers()
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
SPA_FALLBACKS = (("/portal/", "portal/index.html"), ("/app/", "app/index.html"))
S3_PROXY_HEADERS = ("Content-Type", "Content-Disposition", "ETag", "Location", "Last-Modified", "Content-Range")


# --------------------------------------------------------------------------- outbox


def _parts(msg: Any) -> tuple[str, str]:
    text = html_part = ""
    for part in msg.walk() if msg.is_multipart() else [msg]:
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        try:
            content = part.get_content()
        except (LookupError, ValueError):
            content = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
        if kind == "text/plain" and not text:
            text = str(content)
        elif kind == "text/html" and not html_part:
            html_part = str(content)
    return text, html_part


def _sent_at(msg: Any) -> str | None:
    """The Date header as ISO 8601 UTC (`…Z`); a date without a zone (`-0000`) counts as UTC."""
    from datetime import UTC

    try:
        moment = parsedate_to_datetime(str(msg["Date"])) if msg["Date"] else None
    except (TypeError, ValueError):
        return None
    if moment is None:
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat().replace("+00:00", "Z")


def outbox_entry(sent: Any) -> dict:
    """One message moto's SES accepted, as the outbox's JSON entry."""
    raw = getattr(sent, "raw_data", None)
    if raw is None:  # send_email: moto keeps subject and one body only
        return {
            "id": sent.id,
            "to": list(getattr(sent, "destinations", {}).get("ToAddresses", [])),
            "from": sent.source,
            "reply_to": None,
            "subject": getattr(sent, "subject", ""),
            "text": getattr(sent, "body", ""),
            "html": "",
            "headers": {},
            "sent_at": None,
        }
    msg = message_from_string(raw, policy=policy.default)
    text, html_body = _parts(msg)
    to = [str(a.addr_spec) for a in getattr(msg["To"], "addresses", ())] if msg["To"] else []
    return {
        "id": sent.id,
        "to": to or list(getattr(sent, "destinations", [])),
        "from": str(msg["From"] or sent.source),
        "reply_to": str(msg["Reply-To"]) if msg["Reply-To"] else None,
        "subject": str(msg["Subject"] or ""),
        "text": text,
        "html": html_body,
        "headers": {k: str(v) for k, v in msg.items()},
        "sent_at": _sent_at(msg),
    }


def outbox_items() -> list[dict]:
    """Every sent message, newest first."""
    from tandem.local.moto_server import ses_backend

    return [outbox_entry(m) for m in reversed(list(ses_backend().sent_messages))]


_LINK = re.compile(r"https?://[^\s<>\"')]+")


def outbox_page(items: list[dict]) -> str:
    """A plain HTML list of the outbox (no scripts, no inline styles: the CSP allows neither)."""
    rows = []
    for m in items:
        links = "".join(
            f'<li><a href="{html.escape(u)}">{html.escape(u)}</a></li>' for u in dict.fromkeys(_LINK.findall(m["text"]))
        )
        rows.append(
            "<article><h2>{subject}</h2><p><b>To</b> {to} · <b>From</b> {frm} · <b>Reply-To</b> {rt} · {at}</p>"
            "<pre>{text}</pre>{links}</article><hr>".format(
                subject=html.escape(m["subject"] or "(no subject)"),
                to=html.escape(", ".join(m["to"])),
                frm=html.escape(m["from"] or ""),
                rt=html.escape(m["reply_to"] or "—"),
                at=html.escape(m["sent_at"] or ""),
                text=html.escape(m["text"] or m["html"]),
                links=f"<ul>{links}</ul>" if links else "",
            )
        )
    body = "".join(rows) or "<p>No mail sent yet.</p>"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tandem local outbox</title>'
        '<link rel="stylesheet" href="/css/base.css"></head><body><main>'
        f"<h1>Outbox ({len(items)})</h1><p>Mail the local SES was asked to send, newest first.</p>{body}"
        "</main></body></html>"
    )


# --------------------------------------------------------------------------- static files


def static_file(root: Path, path: str) -> Path | None:
    """The file a URL path names under root (index.html for directories, SPA fallbacks), or None."""
    root = root.resolve()
    rel = unquote(path).lstrip("/")
    candidate = (root / rel).resolve()
    if not candidate.is_relative_to(root):
        return None
    if candidate.is_dir():
        candidate = candidate / "index.html"
    if candidate.is_file():
        return candidate
    for prefix, fallback in SPA_FALLBACKS:
        if ("/" + rel).startswith(prefix) and "\x00" not in rel and (root / fallback).is_file():
            return root / fallback
    return None


PLACEHOLDER = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tandem</title></head><body><main>'
    "<h1>Tandem local stack</h1><p>The portal is not built yet (no static_portal/index.html).</p>"
    '<ul><li><a href="/v1/health">API health</a></li><li><a href="/v1/openapi.json">OpenAPI</a></li>'
    '<li><a href="/_local/outbox">Outbox (sent mail)</a></li></ul></main></body></html>'
)


def content_type(path: Path) -> str:
    return TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


# --------------------------------------------------------------------------- the server


class LocalOrigin(ThreadingHTTPServer):
    """ThreadingHTTPServer carrying what the handler needs."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], gateway: Any, static_root: Path, moto_endpoint: str,
                 app: Any = None) -> None:
        from tandem.local.websocket import LocalSockets

        super().__init__(address, LocalHandler)
        self.app = app
        self.sockets = LocalSockets()
        self.gateway = gateway
        self.gateway_lock = threading.Lock()  # Chalice keeps `current_request` on the app object
        self.static_root = static_root
        self.moto_endpoint = moto_endpoint.rstrip("/")


class LocalHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LocalOrigin

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
        log.debug("%s " + format, self.address_string(), *args)

    # ------------------------------------------------------------------ dispatch

    def _dispatch(self) -> None:
        path = urlsplit(self.path).path
        try:
            if path == "/v1/ws" and self.command == "GET" and self.server.app is not None and self._upgrade():
                from tandem.local.websocket import serve

                serve(self, self.server.app, self.server.sockets)
            elif path == "/v1" or path.startswith("/v1/"):
                self._api()
            elif path.rstrip("/") == "/_local/outbox":
                self._outbox()
            elif path.startswith("/_local/s3/"):
                self._s3_proxy()
            elif self.command in ("GET", "HEAD"):
                self._static(path)
            else:
                self._send(405, {"Content-Type": "text/plain"}, b"method not allowed")
        except BrokenPipeError:
            pass
        except Exception:
            log.exception("%s %s failed", self.command, self.path)
            self._send(500, {"Content-Type": "application/json"}, b'{"error": {"code": "internal"}}')

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch  # noqa: N815

    def _upgrade(self) -> bool:
        from tandem.local.websocket import is_upgrade

        return is_upgrade(self.headers)

    def _body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else None

    def _send(self, status: int, headers: dict[str, Any], body: bytes | None) -> None:
        body = body or b""
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() in ("content-length", "connection", "transfer-encoding"):
                continue
            for v in value if isinstance(value, list) else [value]:
                self.send_header(name, str(v))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    # ------------------------------------------------------------------ routes

    def _api(self) -> None:
        import base64

        from chalice.local import LocalGatewayException

        body = self._body()
        headers = dict(self.headers)
        try:
            with self.server.gateway_lock:
                answer = self.server.gateway.handle_request(self.command, self.path, headers, body)
        except LocalGatewayException as e:
            self._send(e.CODE, dict(e.headers or {}), e.body)
            return
        out: dict[str, Any] = {"Content-Type": "application/json", **(answer.get("headers") or {})}
        out.update(answer.get("multiValueHeaders") or {})
        payload = answer.get("body")
        if answer.get("isBase64Encoded") and payload:
            payload = base64.b64decode(payload)
        elif isinstance(payload, str):
            payload = payload.encode("utf-8")
        self._send(int(answer.get("statusCode") or 200), out, payload)

    def _outbox(self) -> None:
        items = outbox_items()
        if "application/json" in (self.headers.get("Accept") or ""):
            self._send(200, {"Content-Type": "application/json"}, json.dumps({"items": items}).encode())
        else:
            page = outbox_page(items).encode("utf-8")
            self._send(200, {"Content-Type": "text/html; charset=utf-8", **PAGE_HEADERS}, page)

    def _s3_proxy(self) -> None:
        target = self.server.moto_endpoint + self.path[len("/_local/s3") :]
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "range")}
        request = urllib.request.Request(target, data=self._body(), method=self.command, headers=headers)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=60) as r:
                status, answer_headers, payload = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, answer_headers, payload = e.code, e.headers, e.read()
        kept = {k: answer_headers[k] for k in S3_PROXY_HEADERS if answer_headers.get(k)}
        self._send(status, kept, payload)

    def _static(self, path: str) -> None:
        file = static_file(self.server.static_root, path)
        if file is None and path in ("/", "/index.html"):
            headers = {"Content-Type": "text/html; charset=utf-8", **PAGE_HEADERS}
            self._send(200, headers, PLACEHOLDER.encode("utf-8"))
            return
        if file is None:
            self._send(404, {"Content-Type": "text/plain; charset=utf-8"}, b"not found")
            return
        headers = {"Content-Type": content_type(file), "Cache-Control": "no-cache", **PAGE_HEADERS}
        self._send(200, headers, file.read_bytes())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def make_gateway(app: Any) -> Any:
    """Chalice's LocalGateway around the app (what `chalice local` uses, minus its server)."""
    from chalice.config import Config
    from chalice.local import LocalGateway

    from tandem.local.gateway import greedy

    return greedy(LocalGateway(app, Config.create(chalice_app=app, lambda_timeout=900, lambda_memory_size=1024)), app)


class HttpServer:
    """The local origin on its own thread."""

    def __init__(self, app: Any, port: int, static_root: Path, moto_endpoint: str, host: str = "127.0.0.1") -> None:
        self.host, self.port = host, port
        self._server = LocalOrigin((host, port), make_gateway(app), static_root, moto_endpoint, app)
        self._thread: threading.Thread | None = None

    @property
    def sockets(self) -> Any:
        """The open chat sockets: the local stack's `post_to_connection` (the container's `deps.push`)."""
        return self._server.sockets

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name="http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.sockets.close_all()  # each socket's thread ends with its $disconnect
        if self._thread is not None:  # shutdown() would wait forever on a server that never served
            self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
