"""Mail threading rules: signed per-item reply addresses and subject references.

A reply address is `<local>+<ref>.<sig>@<domain>`: the type's inbound address plus the item's
reference, signed so nobody can post into an item by guessing its number.
"""

from __future__ import annotations

import hashlib
import hmac
import re

REPLY_RE = re.compile(r"^(?P<local>[^+@]+)\+(?P<ref>[tk]-\d{1,12})\.(?P<sig>[a-z0-9]{10})@(?P<domain>.+)$", re.I)
SUBJECT_REF_RE = re.compile(r"\[(?:#\s*)?([TK]-\d{1,12})\]|\b([TK]-\d{1,12})\b")


def _sig(secret: str, tenant_id: str, ref: str) -> str:
    digest = hmac.new(secret.encode(), f"{tenant_id}:{ref.upper()}".encode(), hashlib.sha256).hexdigest()
    return digest[:10]


def reply_address(secret: str, tenant_id: str, inbound_address: str, ref: str) -> str:
    """The Reply-To of every mail about item `ref`."""
    local, domain = inbound_address.split("@", 1)
    return f"{local}+{ref.lower()}.{_sig(secret, tenant_id, ref)}@{domain}"


def base_address(address: str) -> str:
    """`support+t-1.abc@x` → `support@x`; plain addresses come back lower-cased."""
    address = address.strip().lower()
    match = REPLY_RE.match(address)
    return f"{match['local']}@{match['domain']}" if match else address


def reply_ref(secret: str, tenant_id: str, address: str) -> str | None:
    """The item reference a signed reply address names, or None (unsigned, forged or not a reply address)."""
    match = REPLY_RE.match(address.strip().lower())
    if not match:
        return None
    ref = match["ref"].upper()
    return ref if hmac.compare_digest(match["sig"], _sig(secret, tenant_id, ref)) else None


def subject_refs(subject: str) -> list[str]:
    """References named in a subject (`Re: [T-12] printer`), bracketed ones first."""
    found: list[str] = []
    for bracketed, bare in SUBJECT_REF_RE.findall(subject or ""):
        ref = (bracketed or bare).upper()
        if ref not in found:
            found.append(ref)
    return found
