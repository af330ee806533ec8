"""HttpSender against a real HTTP server on 127.0.0.1: statuses, redirects, body cap, deadline, SSRF refusals, TLS."""

from __future__ import annotations

import datetime as dt
import http.server
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tandem.domain.errors import ValidationError
from tandem.domain.webhooks import delivery_headers, new_secret, verify
from tandem.webhooks import HttpSender

MB = 1024 * 1024
KB64 = 65536


@dataclass
class Receiver:
    """What the test server saw, and an event that lets stalled handlers go at teardown."""

    port: int
    seen: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"


def _handler(receiver: Receiver) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            receiver.seen.append(
                {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
            )
            kind, _, arg = self.path.strip("/").partition("/")
            getattr(self, f"_{kind}")(arg)

        def _status(self, code: str) -> None:
            self._answer(int(code), f"answer {code}".encode())

        def _redirect(self, _: str) -> None:
            self.send_response(302)
            self.send_header("Location", "/status/200")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _big(self, _: str) -> None:
            self._answer(200, b"x" * MB)

        def _stall(self, _: str) -> None:
            # Declares 1 MB, sends exactly 64 KB, then holds the connection: a reader wanting more would hang.
            self.send_response(200)
            self.send_header("Content-Length", str(MB))
            self.end_headers()
            self.wfile.write(b"y" * KB64)
            self.wfile.flush()
            receiver.release.wait(5)

        def _slow(self, _: str) -> None:
            receiver.release.wait(3)
            self._answer(200, b"late")

        def _trickle(self, _: str) -> None:
            # Each byte arrives well within a per-read timeout, the whole never within the deadline.
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 40:
                if receiver.release.wait(0.05):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()

        def _answer(self, code: int, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _serve(context: ssl.SSLContext | None = None) -> Iterator[Receiver]:
    receiver = Receiver(port=0)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from _serve()


def _local(**kwargs: Any) -> HttpSender:
    return HttpSender(allow_private=True, **kwargs)


def _resolver(*answers: str) -> Any:
    """A fake getaddrinfo answering each call with the next address (the last one repeats)."""
    calls: list[str] = []

    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        ip = answers[min(len(calls), len(answers) - 1)]
        calls.append(host)
        family = socket.AF_INET6 if ":" in ip else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (ip, port))]

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


@pytest.mark.parametrize("code", [200, 204, 500, 410])
def test_status_is_reported_with_timing(receiver: Receiver, code: int) -> None:
    # Given a local receiver answering `code` / When posted to / Then the status, its body and a timing come back
    result = _local().post(receiver.url(f"/status/{code}"), b'{"a": 1}', {"content-type": "application/json"})
    assert result.status == code and result.error is None
    assert result.body == ("" if code == 204 else f"answer {code}")
    assert 0 <= result.ms < 5000
    assert receiver.seen[0]["body"] == b'{"a": 1}'


def test_signed_headers_arrive_and_verify_at_the_receiver(receiver: Receiver) -> None:
    secret, body, now = new_secret(), b'{"type": "item.created"}', int(time.time())
    result = _local().post(receiver.url("/status/200"), body, delivery_headers([secret], "msg_9", now, body))
    assert result.status == 200
    seen = receiver.seen[0]
    assert seen["headers"]["webhook-id"] == "msg_9"
    assert seen["headers"]["user-agent"] == "Tandem-Webhooks/1"
    assert verify(secret, seen["headers"], seen["body"], now=time.time())


def test_a_redirect_is_reported_not_followed(receiver: Receiver) -> None:
    result = _local().post(receiver.url("/redirect/x"), b"{}", {})
    assert result.status == 302
    assert [s["path"] for s in receiver.seen] == ["/redirect/x"]


def test_a_large_body_is_logged_by_its_first_kilobyte(receiver: Receiver) -> None:
    result = _local().post(receiver.url("/big/x"), b"{}", {})
    assert result.status == 200 and result.error is None
    assert result.body == "x" * 1024


def test_the_response_body_is_read_only_up_to_64_kb(receiver: Receiver) -> None:
    # Given a server that declares 1 MB but sends 64 KB and then stalls
    # When posted to with a 3 s deadline / Then the sender stops at 64 KB and returns at once instead of timing out
    result = _local(timeout=3.0).post(receiver.url("/stall/x"), b"{}", {})
    assert result.status == 200 and result.error is None
    assert result.ms < 2000
    assert result.body == "y" * 1024


def test_a_slow_server_times_out(receiver: Receiver) -> None:
    result = _local(timeout=0.5).post(receiver.url("/slow/x"), b"{}", {})
    assert result.status is None and result.error == "timeout"
    assert 400 <= result.ms < 2000


def test_the_deadline_bounds_the_whole_attempt_not_each_read(receiver: Receiver) -> None:
    # Given a server dribbling its headers a byte every 50 ms (each read is quick) / Then the 0.5 s deadline still holds
    result = _local(timeout=0.5).post(receiver.url("/trickle/x"), b"{}", {})
    assert result.error == "timeout"
    assert result.ms < 1500


def test_a_closed_port_is_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = _local().post(f"http://127.0.0.1:{port}/", b"{}", {})
    assert result.status is None and result.error == "connection refused"


def test_loopback_is_refused_without_connecting_when_private_targets_are_not_allowed(receiver: Receiver) -> None:
    result = HttpSender().post(receiver.url("/status/200"), b"{}", {})
    assert result.status is None and result.error == "refused: loopback address 127.0.0.1"
    assert receiver.seen == []


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "127.1", "[::ffff:127.0.0.1]"])
def test_other_spellings_of_loopback_are_refused_at_check_and_at_post(receiver: Receiver, host: str) -> None:
    sender = HttpSender()
    with pytest.raises(ValidationError) as caught:
        sender.check(receiver.url("/status/200", host=host))
    assert caught.value.details == {"field": "target_url"} and "loopback" in caught.value.message
    assert (sender.post(receiver.url("/status/200", host=host), b"{}", {}).error or "").startswith("refused: ")
    assert receiver.seen == []


def test_a_name_resolving_to_metadata_is_refused_even_for_the_local_stack() -> None:
    sender = HttpSender(allow_private=True, resolve=_resolver("169.254.169.254"))
    with pytest.raises(ValidationError, match="metadata address 169.254.169.254"):
        sender.check("http://metadata.test/latest")
    assert sender.post("http://metadata.test/latest", b"{}", {}).error == (
        "refused: metadata.test resolves to a metadata address 169.254.169.254"
    )


def test_a_name_that_does_not_resolve_is_refused_at_check() -> None:
    def nowhere(host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(ValidationError, match="does not resolve"):
        HttpSender(resolve=nowhere).check("https://nowhere.test/")


def test_a_name_that_does_not_resolve_at_delivery_is_a_retryable_dns_error() -> None:
    def nowhere(host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    result = HttpSender(resolve=nowhere).post("https://nowhere.test/", b"{}", {})
    assert result.status is None and result.error == "dns: the host nowhere.test does not resolve"


def test_a_hanging_resolver_counts_against_the_deadline() -> None:
    # Given a resolver taking 2 s / When posting with a 0.3 s deadline / Then "timeout" before the resolver ends
    def hanging(host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        time.sleep(2)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]

    result = HttpSender(timeout=0.3, resolve=hanging).post("https://slow-dns.test/", b"{}", {})
    assert result.status is None and result.error == "timeout"
    assert result.ms < 1000


def test_dns_rebinding_is_refused_at_delivery(receiver: Receiver) -> None:
    # Given a name that resolves to a public address when subscribed and to 127.0.0.1 when delivered
    resolve = _resolver("93.184.216.34", "127.0.0.1")
    sender = HttpSender(resolve=resolve)
    url = receiver.url("/status/200", host="rebind.test")
    sender.check(url)  # accepted: public at subscription time
    # When delivered / Then resolved again, refused, and nothing reached the local server
    result = sender.post(url, b"{}", {})
    assert result.status is None
    assert result.error == "refused: rebind.test resolves to a loopback address 127.0.0.1"
    assert resolve.calls == ["rebind.test", "rebind.test"]
    assert receiver.seen == []


def test_the_connection_goes_to_the_checked_address_with_the_name_as_host(receiver: Receiver) -> None:
    # Given a name the fake resolver maps to 127.0.0.1 (the local stack allows it) / Then the IP is dialled, the
    # name is what the server sees as Host, and the resolver was asked once (no second lookup at connect time)
    resolve = _resolver("127.0.0.1")
    result = _local(resolve=resolve).post(receiver.url("/status/200", host="hooks.test"), b"{}", {})
    assert result.status == 200
    assert receiver.seen[0]["headers"]["host"] == f"hooks.test:{receiver.port}"
    assert resolve.calls == ["hooks.test"]


# --- TLS: the pinned IP is dialled but the certificate is checked against the name --------------------------------


@dataclass
class Pki:
    ca_pem: bytes
    cert_file: Path
    key_file: Path


def _pki(tmp_path: Path, name: str) -> Pki:
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def subject(cn: str) -> Any:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder(subject_name=subject("test ca"), issuer_name=subject("test ca"))
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder(subject_name=subject(name), issuer_name=ca.subject)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pki = Pki(ca.public_bytes(serialization.Encoding.PEM), tmp_path / "cert.pem", tmp_path / "key.pem")
    pki.cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    pki.key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return pki


@pytest.fixture
def tls_receiver(tmp_path: Path) -> Iterator[tuple[Receiver, ssl.SSLContext]]:
    pki = _pki(tmp_path, "hooks.test")
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(pki.cert_file, pki.key_file)
    client_context = ssl.create_default_context(cadata=pki.ca_pem.decode())
    for receiver in _serve(server_context):
        yield receiver, client_context


def test_https_to_a_pinned_ip_verifies_the_certificate_of_the_name(
    tls_receiver: tuple[Receiver, ssl.SSLContext],
) -> None:
    receiver, trust = tls_receiver
    sender = _local(resolve=_resolver("127.0.0.1"), ssl_context=trust)
    result = sender.post(receiver.url("/status/201", host="hooks.test", scheme="https"), b"{}", {})
    assert result.status == 201 and result.error is None


def test_https_refuses_a_certificate_for_another_name(tls_receiver: tuple[Receiver, ssl.SSLContext]) -> None:
    receiver, trust = tls_receiver
    sender = _local(resolve=_resolver("127.0.0.1"), ssl_context=trust)
    result = sender.post(receiver.url("/status/201", host="other.test", scheme="https"), b"{}", {})
    assert result.status is None and (result.error or "").startswith("tls: ")
    assert receiver.seen == []


def test_https_refuses_an_untrusted_certificate_by_default(tls_receiver: tuple[Receiver, ssl.SSLContext]) -> None:
    receiver, _ = tls_receiver
    result = _local(resolve=_resolver("127.0.0.1")).post(receiver.url("/status/201", "hooks.test", "https"), b"{}", {})
    assert result.status is None and (result.error or "").startswith("tls: ")


def test_localhost_through_the_real_resolver_is_refused_at_check_and_post(receiver: Receiver) -> None:
    # Given the system resolver (localhost comes from /etc/hosts, no network) / Then the name is refused like its IP
    sender = HttpSender()
    with pytest.raises(ValidationError, match="localhost resolves to a loopback address"):
        sender.check(receiver.url("/status/200", host="localhost"))
    assert (sender.post(receiver.url("/status/200", host="localhost"), b"{}", {}).error or "").startswith("refused: ")
    assert receiver.seen == []
