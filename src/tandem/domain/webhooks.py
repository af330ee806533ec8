"""Outgoing webhooks, the pure part: Standard Webhooks signatures and the SSRF guard's address rules.

Signing follows the Standard Webhooks spec byte for byte so that a receiver's stock library (`standardwebhooks`,
`svix`, …) verifies what we send. The guard decides from an address alone; resolving names and connecting is the
sender adapter's job (`tandem.webhooks.sender`), which asks `refusal()` about every address it would connect to.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import re
import secrets as _random
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from tandem.domain.errors import ValidationError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

SECRET_PREFIX = "whsec_"
USER_AGENT = "Tandem-Webhooks/1"
MAX_URL_LENGTH = 2048
_FIELD = {"field": "target_url"}


@dataclass(frozen=True)
class SendResult:
    """One delivery attempt as the log shows it: `status` None when no HTTP answer came, `error` a short reason."""

    status: int | None
    ms: int
    error: str | None = None
    body: str = ""  # at most the first 1 KB of the response, for the delivery log


# --- Standard Webhooks signatures -------------------------------------------------------------------------------


def new_secret() -> str:
    """A fresh signing secret: "whsec_" + base64 of 24 random bytes (the spec asks for 24 to 64)."""
    return SECRET_PREFIX + base64.b64encode(_random.token_bytes(24)).decode("ascii")


def _key(secret: str) -> bytes:
    # The reference libraries accept the secret with or without its prefix and with or without padding.
    raw = secret[len(SECRET_PREFIX) :] if secret.startswith(SECRET_PREFIX) else secret
    try:
        key = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("a webhook secret is base64 after 'whsec_'") from exc
    if not key:
        raise ValueError("a webhook secret may not be empty")
    return key


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256 of "msg_id.timestamp.body">` keyed by the decoded secret, as the spec defines it."""
    signed = f"{msg_id}.{int(timestamp)}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_header(secrets: list[str], msg_id: str, timestamp: int, body: bytes) -> str:
    """All secrets' signatures, space separated: during a rotation receivers holding either secret still verify."""
    return " ".join(sign(s, msg_id, timestamp, body) for s in secrets)


def delivery_headers(secrets: list[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers of one delivery attempt; `msg_id` stays the same across retries so receivers can deduplicate."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": signature_header(secrets, msg_id, timestamp, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: float, tolerance: int = 300) -> bool:
    """True when one `v1` signature matches and the timestamp is within `tolerance` seconds of `now` (replays)."""
    lower = {k.lower(): v for k, v in headers.items()}
    msg_id, stamp, sigs = lower.get("webhook-id"), lower.get("webhook-timestamp"), lower.get("webhook-signature")
    if not (msg_id and stamp and sigs) or not stamp.isdigit():
        return False
    timestamp = int(stamp)
    if abs(now - timestamp) > tolerance:
        return False
    try:
        expected = sign(secret, msg_id, timestamp, body).encode()
    except ValueError:
        return False
    return any(hmac.compare_digest(expected, candidate.encode()) for candidate in sigs.split(" ") if candidate)


# --- SSRF guard: target URLs --------------------------------------------------------------------------------------

# Letters, digits, dots, hyphens and underscores for names; hex and colons for bracketed IPv6. Anything else
# (percent-escapes, zone ids, spaces) is a trick or a mistake, and refusing it is cheaper than reasoning about it.
_HOST_CHARS = re.compile(r"^[a-z0-9._:-]+$")


def _invalid(message: str) -> ValidationError:
    return ValidationError(message, dict(_FIELD))


def parse_target(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a webhook target; only http(s), no credentials in the URL, a host that looks sane."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        raise _invalid(f"target_url must be an http(s) URL of at most {MAX_URL_LENGTH} characters")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise _invalid("target_url may not contain spaces or control characters")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise _invalid(f"target_url must use http or https, not {scheme or 'no scheme'}")
    if "@" in parts.netloc:
        raise _invalid("target_url may not carry a user name or password")
    host = _host(parts.hostname or "")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise _invalid("target_url has an invalid port") from exc
    return scheme, host, port


def _host(hostname: str) -> str:
    if not hostname:
        raise _invalid("target_url has no host")
    if not hostname.isascii():
        try:
            hostname = hostname.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise _invalid("target_url has an invalid host name") from exc
    host = hostname.lower().rstrip(".")  # "127.0.0.1." and "localhost." are the same hosts
    if not host or not _HOST_CHARS.match(host):
        raise _invalid("target_url has an invalid host name")
    return host


# --- SSRF guard: addresses ----------------------------------------------------------------------------------------

_IPV4_PART = re.compile(r"^(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$")


def _ipv4_legacy(host: str) -> ipaddress.IPv4Address | None:
    """inet_aton's reading: 1-4 parts, each decimal, 0x-hex or 0-octal, the last filling the remaining bytes.

    This is how resolvers and libc read "2130706433", "0x7f000001", "0177.0.0.1" or "127.1", so it is how an attacker
    spells 127.0.0.1 past a naive check.
    """
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(_IPV4_PART.match(p) for p in parts):
        return None
    values = [int(p, 16) if p.startswith("0x") else int(p, 8) if p.startswith("0") else int(p) for p in parts]
    head, last = values[:-1], values[-1]
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        return None
    number = last
    for i, v in enumerate(head):
        number += v << (8 * (3 - i))
    return ipaddress.IPv4Address(number)


def literal_ip(host: str) -> IPAddress | None:
    """The address a host names by itself, in any spelling (bracketed or mapped IPv6, decimal/hex/octal/short v4)."""
    text = host.strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    text = text.split("%", 1)[0].rstrip(".")  # zone ids and a trailing dot do not change the address
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text)
        except ValueError:
            return None
    return _ipv4_legacy(text) if text else None


_METADATA = tuple(
    ipaddress.ip_network(n)
    for n in (
        "169.254.169.254/32",  # AWS, GCP, Azure, OpenStack instance metadata
        "169.254.170.2/32",  # ECS task credentials
        "169.254.170.23/32",  # EKS pod identity
        "168.63.129.16/32",  # Azure wire server (a public address that only answers inside Azure)
        "100.100.100.200/32",  # Alibaba Cloud metadata
        "192.0.0.192/32",  # Oracle Cloud metadata
        "fd00:ec2::/32",  # AWS's IPv6 instance services: metadata fd00:ec2::254, DNS, NTP
    )
)
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")  # Linux connects 0.0.0.0 to the local host
_PRIVATE = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"))
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_V4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address a v6 address carries to the network: v4-mapped, v4-compatible, NAT64 or 6to4."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in net for net in _NAT64) or (ip in _V4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def refusal(ip: IPAddress, allow_private: bool) -> str | None:
    """Why a webhook may not connect to `ip`, or None when it may.

    `allow_private` (the local stack only) admits loopback and private ranges; metadata, link-local, CGNAT,
    multicast, unspecified and reserved addresses stay refused whatever it says.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_v4(ip)
        if inner is not None:
            reason = refusal(inner, allow_private)
            return f"{reason} (inside {ip})" if reason else None
    kind = _kind(ip)
    if kind is None or (allow_private and kind in ("loopback", "private")):
        return None
    return f"{kind} address {ip}"


def _kind(ip: IPAddress) -> str | None:
    if any(ip in net for net in _METADATA if net.version == ip.version):
        return "metadata"
    if ip.is_unspecified or (ip.version == 4 and ip in _THIS_NETWORK):
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if any(ip in net for net in _PRIVATE if net.version == ip.version):
        return "private"
    if ip.is_link_local:
        return "link-local"
    if ip.version == 4 and ip in _CGNAT:
        return "shared (CGNAT)"
    if ip.is_multicast:
        return "multicast"
    if ip.is_reserved or ip.is_private or not ip.is_global:
        return "reserved"
    return None
