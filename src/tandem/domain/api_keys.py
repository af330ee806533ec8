"""API keys: the credential of integrations (Zapier and the like), and what acting with one records."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tandem.domain.exposure import exposed
from tandem.domain.items import Cause
from tandem.domain.people import Role
from tandem.domain.permissions import Principal

KEY_PREFIX = "tdk_"
# What the list shows of a key: `tdk_`, the tenant id, `_` and this many characters of the secret.
SHOWN_SECRET = 6


class Scope(StrEnum):
    ITEMS_READ = "items:read"
    ITEMS_WRITE = "items:write"
    HOOKS = "hooks"


@dataclass
class ApiKey:
    """One key of a tenant. Only `secret_hash` is stored; the key itself is shown once, at creation or rotation."""

    tenant_id: str = exposed(hidden=True)
    id: str = exposed()
    name: str = exposed()
    scopes: list[Scope] = exposed(default_factory=list)
    created_at: str = exposed(default="")
    created_by: str | None = exposed(hidden=True, default=None)
    prefix: str = exposed(default="")  # the key's first characters, so people can tell keys apart
    last_used_at: str | None = exposed(default=None)
    secret_hash: str = exposed(hidden=True, default="")
    version: int = exposed(hidden=True, default=0)
    rotated_at: str | None = exposed(hidden=True, default=None)


def compose(tenant_id: str, secret: str) -> str:
    """The key as the client holds it: the tenant travels in it, so one read by its hash finds the record."""
    return f"{KEY_PREFIX}{tenant_id}_{secret}"


def tenant_in(key: str) -> str | None:
    """The tenant a key names, or None when it is not shaped like one of ours."""
    if not key.startswith(KEY_PREFIX):
        return None
    tenant_id, sep, secret = key[len(KEY_PREFIX) :].partition("_")
    if not sep or not tenant_id.isalnum() or len(tenant_id) > 40 or len(secret) < 20:
        return None
    return tenant_id


def shown_prefix(key: str) -> str:
    tenant_id = tenant_in(key) or ""
    return key[: len(KEY_PREFIX) + len(tenant_id) + 1 + SHOWN_SECRET]


def principal_of(key: ApiKey) -> Principal:
    """The caller a key stands for: role integration, its scopes, its name; no user behind it."""
    return Principal(
        tenant_id=key.tenant_id,
        user_id=actor_id(key.id),
        role=Role.INTEGRATION,
        name=key.name,
        scopes=frozenset(s.value for s in key.scopes),
    )


def actor_id(key_id: str) -> str:
    """What activity records as the actor of a change made with the key (never a user id)."""
    return f"apikey:{key_id}"


def on_behalf(p: Principal | None, cause: Cause, note: str = "") -> tuple[Cause, str]:
    """The cause and note of a change made by `p`: with an API key, cause `api` and the key's name in the note,
    so the history answers "who did this" after the key is gone."""
    if p is None or p.role is not Role.INTEGRATION:
        return cause, note
    label = f'API key "{p.name}"'
    return Cause.API, f"{label}: {note}" if note else label
