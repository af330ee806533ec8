"""POST a webhook to a customer's URL without letting the URL reach inside our network.

The guard runs twice: `check()` when a subscription is made (a 422 the caller can fix) and again inside `post()`,
because a name may resolve elsewhere by delivery time (DNS rebinding). `post()` then connects to the very address it
checked (the name is sent only as Host and TLS server name), so the resolver cannot be asked a second time between
check and connect. Redirects are never followed, the whole attempt has one deadline and the response body is read
only up to `max_body`. Network failures come back as a `SendResult`, never as an exception: retrying is the caller's
decision.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from tandem.domain.errors import ValidationError
from tandem.domain.webhooks import IPAddress, SendResult, literal_ip, parse_target, refusal

Resolve = Callable[..., list[tuple[Any, ...]]]

LOG_BODY_CHARS = 1024
_READ_CHUNK = 16384


class _Refused(Exception):
    """The target resolved to an address the guard forbids; the message says which and why."""


class _Unresolved(Exception):
    """The name did not resolve (or not in time): at delivery this is worth a retry, at subscription a 422."""


class HttpSender:
    """Delivers webhook POSTs; `allow_private` is for the local stack only (metadata stays refused regardless)."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        timeout: float = 10.0,
        max_body: int = 65536,
        resolve: Resolve = socket.getaddrinfo,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self.max_body = max_body
        self._resolve = resolve  # called as resolve(host, port); tests pass a fake to play DNS rebinding
        # The system's trust store unless a test brings its own CA; verification of name and chain stays on either way.
        self._ssl = ssl_context or ssl.create_default_context()

    def check(self, url: str) -> None:
        """Raise ValidationError (field target_url) unless every address the URL's host resolves to now is allowed."""
        _, host, port = parse_target(url)
        try:
            self._addresses(host, port, time.monotonic() + self.timeout)
        except (_Refused, _Unresolved) as exc:
            raise ValidationError(f"target_url is not allowed: {exc}", {"field": "target_url"}) from exc

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> SendResult:
        """One delivery attempt: re-check the resolved addresses, connect to a checked one, report what came back."""
        started = time.monotonic()

        def result(status: int | None, error: str | None = None, text: str = "") -> SendResult:
            return SendResult(status=status, ms=int((time.monotonic() - started) * 1000), error=error, body=text)

        try:
            scheme, host, port = parse_target(url)
            addresses = self._addresses(host, port, started + self.timeout)
        except ValidationError as exc:
            return result(None, f"invalid target: {exc.message}")
        except _Refused as exc:
            return result(None, f"refused: {exc}")
        except _Unresolved as exc:
            return result(None, "timeout" if time.monotonic() >= started + self.timeout else f"dns: {exc}")
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        tls = self._ssl if scheme == "https" else None
        attempt = _Attempt(host, port, tls=tls, deadline=started + self.timeout)
        try:
            status, text = attempt.run(addresses, path, body, headers, self.max_body)
        except Exception as exc:  # noqa: BLE001 - any failure of the network is a result, not a crash
            return result(None, "timeout" if attempt.timed_out else _describe(exc))
        finally:
            attempt.close()
        return result(status, None, text)

    def _addresses(self, host: str, port: int, deadline: float) -> list[IPAddress]:
        """Every address the host stands for, each one allowed; raises _Refused naming the first forbidden one."""
        literal = literal_ip(host)
        found = [literal] if literal is not None else self._lookup(host, port, deadline)
        for ip in found:
            reason = refusal(ip, self.allow_private)
            if reason:
                raise _Refused(reason if literal is not None else f"{host} resolves to a {reason}")
        return found

    def _lookup(self, host: str, port: int, deadline: float) -> list[IPAddress]:
        """Resolve in a helper thread so that a resolver that hangs cannot stretch the attempt past its deadline."""
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["infos"] = self._resolve(host, port)
            except Exception as exc:  # noqa: BLE001 - reported below as "does not resolve"
                box["error"] = exc

        worker = threading.Thread(target=run, name="webhook-dns", daemon=True)
        worker.start()
        worker.join(max(0.0, deadline - time.monotonic()))
        if worker.is_alive():
            raise _Unresolved(f"the host {host} did not resolve in time")
        found: list[IPAddress] = []
        try:
            for info in box.get("infos") or []:
                ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
                if ip not in found:
                    found.append(ip)
        except (ValueError, IndexError, TypeError) as exc:
            raise _Unresolved(f"the host {host} resolved to something that is not an address") from exc
        if not found:
            raise _Unresolved(f"the host {host} does not resolve")
        return found


class _Attempt:
    """One connection under one deadline; a watchdog shuts the socket when the deadline passes.

    Socket timeouts alone bound each read, not the sum: a server trickling a byte at a time would hold us for ever.
    """

    def __init__(self, host: str, port: int, *, tls: ssl.SSLContext | None, deadline: float) -> None:
        self.host, self.port, self.tls, self.deadline = host, port, tls, deadline
        self.sock: socket.socket | None = None
        self.timed_out = False
        self._lock = threading.Lock()
        self._watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), self._expire)
        self._watchdog.daemon = True

    def _remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.timed_out = True
            raise TimeoutError("deadline passed")
        return left

    def _expire(self) -> None:
        with self._lock:
            self.timed_out = True
            if self.sock is not None:
                try:
                    self.sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def run(
        self, addresses: list[IPAddress], path: str, body: bytes, headers: dict[str, str], max_body: int
    ) -> tuple[int, str]:
        self._watchdog.start()
        sock = self._connect(addresses)
        conn = http.client.HTTPConnection(self.host, self.port)
        conn.sock = sock  # pinned: http.client only opens its own socket when it has none
        sock.settimeout(self._remaining())
        conn.request("POST", path, body=body, headers=headers)
        # The response is read from our socket directly: conn.getresponse() would close the socket under us when the
        # server says "Connection: close", and the watchdog could no longer shut it.
        response = http.client.HTTPResponse(sock, method="POST")
        sock.settimeout(self._remaining())
        response.begin()
        read = bytearray()
        while len(read) < max_body:
            sock.settimeout(self._remaining())
            chunk = response.read(min(_READ_CHUNK, max_body - len(read)))
            if not chunk:
                break
            read += chunk
        if self.timed_out:
            raise TimeoutError("deadline passed")
        return response.status, bytes(read[:LOG_BODY_CHARS]).decode("utf-8", errors="replace")

    def _connect(self, addresses: list[IPAddress]) -> socket.socket:
        error: Exception = OSError("no address to connect to")
        for ip in addresses:
            try:
                raw = socket.create_connection((str(ip), self.port), timeout=self._remaining())
            except OSError as exc:
                if self.timed_out:
                    raise
                error = exc
                continue
            self._adopt(raw)
            if self.tls is not None:
                raw.settimeout(self._remaining())
                # server_hostname is the name, not the pinned IP: SNI and certificate checks see what the user typed
                self._adopt(self.tls.wrap_socket(raw, server_hostname=self.host))
            assert self.sock is not None
            return self.sock
        raise error

    def _adopt(self, sock: socket.socket) -> None:
        with self._lock:
            self.sock = sock
            if self.timed_out:  # the watchdog fired between connect and adopt
                raise TimeoutError("deadline passed")

    def close(self) -> None:
        self._watchdog.cancel()
        with self._lock:
            if self.sock is not None:
                try:
                    self.sock.close()
                except OSError:
                    pass


def _describe(exc: BaseException) -> str:
    """A short reason for the delivery log; never the whole traceback."""
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"tls: {exc.verify_message or 'certificate verify failed'}"
    if isinstance(exc, ssl.SSLError):
        return f"tls: {exc.reason or exc}"
    if isinstance(exc, http.client.HTTPException):
        return f"bad response: {type(exc).__name__}"
    return f"network error: {type(exc).__name__}: {exc}"[:200]
