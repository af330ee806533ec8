"""The local stack's moto server answers only requests signed with this run's own secret key.

moto accepts any credentials (or none), so its port, and the `/_local/s3/` proxy in front of it, would hand
every tenant's raw inbound mail to anyone who can reach them. Each run of the local stack generates an access
key pair; this WSGI guard checks AWS Signature Version 4 against it, in all three forms the stack uses:
the Authorization header (every SDK call), the query string (presigned downloads) and a signed POST policy
(presigned uploads). Everything else gets 403, moto's own unauthenticated `/moto-api/` included.

(moto's IAM mode, INITIAL_NO_AUTH_ACTION_COUNT, is no help here: `/moto-api/reset-auth` switches it off
without credentials, and it would slow every call of the stack down with policy evaluation.)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.parser import BytesParser
from urllib.parse import quote, unquote

log = logging.getLogger("tandem.local.moto")

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW_SECONDS = 15 * 60  # what AWS allows between the signer's clock and its own
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str


def new_credentials() -> Credentials:
    """A fresh key pair, shaped like AWS's (AKIA + 16 base-32 characters; 40-character secret)."""
    key = "AKIA" + "".join(secrets.choice(_BASE32) for _ in range(16))
    return Credentials(key, secrets.token_urlsafe(30))


def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _sign(secret: str, scope: list[str], text: str) -> str:
    return hmac.new(_signing_key(secret, *scope[1:4]), text.encode(), hashlib.sha256).hexdigest()


def _amz_time(value: str) -> float:
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()


def _query_pairs(query: str, drop: str = "") -> str:
    """The canonical query string: each name and value URI-encoded once, sorted."""
    pairs = []
    for part in query.split("&") if query else []:
        name, _, value = part.partition("=")
        if unquote(name) == drop:
            continue
        pairs.append((quote(unquote(name), safe="-_.~"), quote(unquote(value), safe="-_.~")))
    return "&".join(f"{n}={v}" for n, v in sorted(pairs))


def _header(environ: dict, name: str) -> str:
    if name == "content-type":
        value = environ.get("CONTENT_TYPE", "")
    elif name == "content-length":
        value = environ.get("CONTENT_LENGTH", "")
    else:
        value = environ.get("HTTP_" + name.upper().replace("-", "_"), "")
    return " ".join(str(value).split())


def _string_to_sign(environ: dict, scope: list[str], amz_date: str, signed: str, query: str, payload: str) -> str:
    from botocore.utils import normalize_url_path

    path = (environ.get("RAW_URI") or environ.get("PATH_INFO") or "/").partition("?")[0]
    if scope[3] != "s3":  # every service but S3 signs the normalized, encoded-again path
        path = quote(normalize_url_path(path), safe="/~")
    names = signed.split(";")
    canonical = "\n".join(
        [
            environ["REQUEST_METHOD"],
            path,
            query,
            "".join(f"{n}:{_header(environ, n)}\n" for n in names),
            signed,
            payload,
        ]
    )
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return "\n".join([ALGORITHM, amz_date, "/".join(scope[1:]), digest])


class SigV4Guard:
    """WSGI middleware: pass requests signed with `credentials` to `app`, refuse the rest with 403."""

    def __init__(self, app: Callable, credentials: Credentials, clock: Callable[[], float] = time.time) -> None:
        self._app, self._creds, self._clock = app, credentials, clock

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        body = _read_body(environ)
        try:
            problem = self.problem(environ, body)
        except Exception as exc:  # a malformed signature is a refusal, not a crash of the server
            problem = f"unreadable signature ({type(exc).__name__})"
        if problem:
            log.warning("moto refused %s %s: %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), problem)
            return _deny(start_response, problem)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self._app(environ, start_response)

    def problem(self, environ: dict, body: bytes) -> str | None:
        """Why the request is refused, or None when it carries a valid signature of this run's key."""
        query = (environ.get("RAW_URI") or "").partition("?")[2] or environ.get("QUERY_STRING", "")
        if environ.get("HTTP_AUTHORIZATION"):
            return self._header_auth(environ, body, query)
        if "X-Amz-Signature=" in query:
            return self._query_auth(environ, query)
        if environ.get("REQUEST_METHOD") == "POST" and "multipart/form-data" in environ.get("CONTENT_TYPE", ""):
            return self._post_policy(environ, body)
        return "not signed"

    def _scope(self, credential: str) -> list[str] | str:
        scope = credential.split("/")
        if len(scope) != 5 or scope[4] != "aws4_request":
            return "malformed credential"
        if not hmac.compare_digest(scope[0], self._creds.access_key):
            return "unknown access key"
        return scope

    def _header_auth(self, environ: dict, body: bytes, query: str) -> str | None:
        algorithm, _, rest = environ["HTTP_AUTHORIZATION"].partition(" ")
        fields = dict(part.strip().partition("=")[::2] for part in rest.split(","))
        scope = self._scope(fields.get("Credential", ""))
        if algorithm != ALGORITHM or isinstance(scope, str):
            return scope if isinstance(scope, str) else "unsupported algorithm"
        amz_date = environ.get("HTTP_X_AMZ_DATE", "")
        if amz_date[:8] != scope[1] or abs(self._clock() - _amz_time(amz_date)) > MAX_SKEW_SECONDS:
            return "stale or mismatched date"
        payload = environ.get("HTTP_X_AMZ_CONTENT_SHA256") or hashlib.sha256(body).hexdigest()
        text = _string_to_sign(environ, scope, amz_date, fields.get("SignedHeaders", ""), _query_pairs(query), payload)
        return _verdict(_sign(self._creds.secret_key, scope, text), fields.get("Signature", ""))

    def _query_auth(self, environ: dict, query: str) -> str | None:
        params = {unquote(k): unquote(v) for k, _, v in (p.partition("=") for p in query.split("&"))}
        scope = self._scope(params.get("X-Amz-Credential", ""))
        if params.get("X-Amz-Algorithm") != ALGORITHM or isinstance(scope, str):
            return scope if isinstance(scope, str) else "unsupported algorithm"
        amz_date = params.get("X-Amz-Date", "")
        if amz_date[:8] != scope[1] or self._clock() > _amz_time(amz_date) + int(params.get("X-Amz-Expires", "0")):
            return "expired"
        canonical_query = _query_pairs(query, drop="X-Amz-Signature")
        signed = params.get("X-Amz-SignedHeaders", "host")
        text = _string_to_sign(environ, scope, amz_date, signed, canonical_query, "UNSIGNED-PAYLOAD")
        return _verdict(_sign(self._creds.secret_key, scope, text), params["X-Amz-Signature"])

    def _post_policy(self, environ: dict, body: bytes) -> str | None:
        fields = _form_fields(environ.get("CONTENT_TYPE", ""), body)
        fields = {k.lower(): v for k, v in fields.items()}
        scope = self._scope(fields.get("x-amz-credential", ""))
        if isinstance(scope, str):
            return scope
        policy = fields.get("policy", "")
        expiration = json.loads(base64.b64decode(policy)).get("expiration", "")
        if self._clock() > datetime.fromisoformat(expiration.replace("Z", "+00:00")).timestamp():
            return "expired"
        return _verdict(_sign(self._creds.secret_key, scope, policy), fields.get("x-amz-signature", ""))


def _verdict(expected: str, given: str) -> str | None:
    return None if hmac.compare_digest(expected, given) else "signature does not match"


def _form_fields(content_type: str, body: bytes) -> dict[str, str]:
    """The text fields of a multipart/form-data body (the file part is left alone)."""
    message = BytesParser().parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    fields = {}
    for part in message.get_payload() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        if name and not part.get_param("filename", header="content-disposition"):
            fields[str(name)] = part.get_payload(decode=True).decode("utf-8", "replace")
    return fields


def _read_body(environ: dict) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH")
    if length:
        return stream.read(int(length))
    return stream.read() if environ.get("wsgi.input_terminated") else b""


def _deny(start_response: Callable, reason: str) -> list[bytes]:
    body = (
        "<?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code>"
        f"<Message>The local stack's emulated AWS requires this run's credentials ({reason}).</Message></Error>"
    ).encode()
    start_response("403 Forbidden", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))])
    return [body]

