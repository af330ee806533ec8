"""The local stack's WebSocket endpoint: API Gateway's WebSocket API on the local origin (`ws://…/v1/ws`).

The HTTP server hands an upgrade request here. Like API Gateway, it calls the app's three socket Lambdas with the
events API Gateway sends ($connect with the handshake's headers and query — a refusal is an HTTP status instead of
the upgrade —, $default per text message, $disconnect at the end), and `LocalSockets` is the local stack's
`post_to_connection` (the container's `deps.push`), so the REST API and the timers push to these sockets too.

Framing (RFC 6455: masking, fragments, control frames, the close handshake) is the `websockets` library's sans-I/O
protocol, driven over the socket the HTTP server already accepted; the handshake's answer is written here.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import socket
import threading
import time
from typing import Any
from urllib.parse import parse_qsl, urlsplit

log = logging.getLogger("tandem.local.websocket")

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MESSAGE_BYTES = 128 * 1024  # API Gateway's largest WebSocket message
STAGE = "api"


def accept_key(key: str) -> str:
    """Sec-WebSocket-Accept for a handshake's Sec-WebSocket-Key (RFC 6455, 4.2.2)."""
    return base64.b64encode(hashlib.sha1((key + GUID).encode("ascii")).digest()).decode("ascii")


def is_upgrade(headers: Any) -> bool:
    return (headers.get("Upgrade") or "").lower() == "websocket" and "upgrade" in (
        headers.get("Connection") or "").lower()


class LocalSocket:
    """One open socket: frames out are written under a lock (a push may come from any thread)."""

    def __init__(self, connection_id: str, sock: socket.socket) -> None:
        from websockets.protocol import State
        from websockets.server import ServerProtocol

        self.id = connection_id
        self.sock = sock
        # The handshake is done by the HTTP server: the protocol starts OPEN and only frames.
        self.protocol = ServerProtocol(state=State.OPEN, max_size=MESSAGE_BYTES)
        self.lock = threading.Lock()

    def flush(self) -> bool:
        """Write what the protocol queued; False when the socket is broken."""
        with self.lock:
            try:
                for data in self.protocol.data_to_send():
                    if data:
                        self.sock.sendall(data)
                    else:  # the protocol asks for the write side to close (after a close frame)
                        self.sock.shutdown(socket.SHUT_WR)
            except OSError:
                return False
        return True

    def send_text(self, data: bytes) -> bool:
        from websockets.protocol import State

        with self.lock:
            if self.protocol.state is not State.OPEN:
                return False
            self.protocol.send_text(data)
        return self.flush()

    def close(self, code: int = 1001, reason: str = "going away") -> None:
        from websockets.protocol import State

        with self.lock:
            if self.protocol.state is State.OPEN:
                self.protocol.send_close(code, reason)
        self.flush()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class LocalSockets:
    """The open sockets by connection id: what `post_to_connection` reaches (a closed id answers Gone)."""

    def __init__(self) -> None:
        self._sockets: dict[str, LocalSocket] = {}
        self._lock = threading.Lock()

    def add(self, s: LocalSocket) -> None:
        with self._lock:
            self._sockets[s.id] = s

    def remove(self, connection_id: str) -> None:
        with self._lock:
            self._sockets.pop(connection_id, None)

    def send(self, connection_id: str, data: bytes) -> bool:
        with self._lock:
            s = self._sockets.get(connection_id)
        return s is not None and s.send_text(data)

    def close_all(self) -> None:
        with self._lock:
            open_now, self._sockets = list(self._sockets.values()), {}
        for s in open_now:
            s.close()

    def __len__(self) -> int:
        return len(self._sockets)


def _context(name: str) -> Any:
    from chalice.local import LambdaContext

    return LambdaContext(f"tandem-dev-{name}", memory_size=1024, max_runtime_ms=29_000)


def _request_context(route: str, event_type: str, connection_id: str, host: str, **extra: Any) -> dict[str, Any]:
    return {"routeKey": route, "eventType": event_type, "connectionId": connection_id, "domainName": host,
            "stage": STAGE, "apiId": "local", "requestId": secrets.token_hex(8),
            "requestTimeEpoch": int(time.time() * 1000), **extra}


def serve(handler: Any, app: Any, sockets: LocalSockets) -> None:
    """Answer one upgrade request on `handler` (a BaseHTTPRequestHandler) and run the socket until it closes."""
    headers = handler.headers
    key = headers.get("Sec-WebSocket-Key") or ""
    if headers.get("Sec-WebSocket-Version") != "13" or not key:
        handler._send(400, {"Content-Type": "text/plain", "Sec-WebSocket-Version": "13"}, b"a WebSocket handshake")
        return
    connection_id = secrets.token_urlsafe(12)
    host = headers.get("Host") or ""
    query = dict(parse_qsl(urlsplit(handler.path).query, keep_blank_values=True)) or None
    connect = {
        "headers": dict(headers.items()),
        "queryStringParameters": query,
        "requestContext": _request_context("$connect", "CONNECT", connection_id, host,
                                           identity={"sourceIp": handler.client_address[0]}),
        "isBase64Encoded": False,
    }
    answer = app.handler_map["ws_connect"](connect, _context("websocket_connect")) or {}
    status = int(answer.get("statusCode") or 200)
    if status != 200:
        handler._send(status, {"Content-Type": "text/plain"}, b"refused")
        return
    handler.send_response(101)
    handler.send_header("Upgrade", "websocket")
    handler.send_header("Connection", "Upgrade")
    handler.send_header("Sec-WebSocket-Accept", accept_key(key))
    handler.end_headers()
    handler.wfile.flush()
    handler.close_connection = True
    s = LocalSocket(connection_id, handler.connection)
    sockets.add(s)
    try:
        _run(s, app, host)
    finally:
        sockets.remove(connection_id)
        event = {"headers": dict(headers.items()),
                 "requestContext": _request_context("$disconnect", "DISCONNECT", connection_id, host),
                 "isBase64Encoded": False}
        try:
            app.handler_map["ws_disconnect"](event, _context("websocket_disconnect"))
        except Exception:
            log.exception("$disconnect failed")


def _run(s: LocalSocket, app: Any, host: str) -> None:
    """Read frames until the socket closes; each whole text message is one $default invocation."""
    from websockets.frames import Opcode
    from websockets.protocol import State

    parts: list[bytes] = []
    while s.protocol.state is not State.CLOSED:
        try:
            data = s.sock.recv(65536)
        except OSError:
            break
        if data:
            s.protocol.receive_data(data)
        else:
            s.protocol.receive_eof()
        for frame in s.protocol.events_received():
            if frame.opcode in (Opcode.TEXT, Opcode.BINARY):
                parts = [frame.data]
            elif frame.opcode is Opcode.CONT:
                parts.append(frame.data)
            else:
                continue  # ping/pong/close: the protocol answers them itself
            if frame.fin:
                _deliver(app, s, host, b"".join(parts))
                parts = []
        if not s.flush() or not data:
            break


def _deliver(app: Any, s: LocalSocket, host: str, body: bytes) -> None:
    try:
        text, encoded = body.decode("utf-8"), False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode("ascii"), True
    event = {"requestContext": _request_context("$default", "MESSAGE", s.id, host, messageId=secrets.token_hex(6)),
             "body": text, "isBase64Encoded": encoded}
    try:
        app.handler_map["ws_message"](event, _context("websocket_message"))
    except Exception:  # as API Gateway would: the socket stays open, the Lambda's error is logged
        log.exception("$default failed")
