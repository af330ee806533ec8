"""API keys: create (shown once), list, rotate, revoke, and the caller behind `Authorization: Bearer tdk_…`.

Keys are `tdk_<tenant id>_<secret>` with 256 random bits of secret. Only SHA-256 of the whole key is stored.
A slow password hash (argon2, as for passwords) would protect nothing here: it exists to make guessing a
low-entropy password expensive, and nobody can guess 256 random bits, fast hash or not. It would instead cost
every API request a deliberately slow hash (tens of ms and 64 MB on a cold instance), paid by the caller
and the Lambda bill. An unsalted fast hash also makes the stored hash itself the lookup key: one GetItem.

The tenant always comes from the credential: the key names its tenant, the lookup record sits under that tenant,
and the record it finds must say the same tenant.

Rotation replaces the secret at once (no grace period): keys are rotated because they leaked, and a leaked key
that keeps working for a while is what rotation is meant to stop. To switch without downtime, create a second
key, move the integration to it, then revoke the first.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from tandem.domain.api_keys import ApiKey, Scope, compose, principal_of, shown_prefix, tenant_in
from tandem.domain.errors import NotFound, Unauthorized, ValidationError
from tandem.domain.permissions import Action, Area, Principal
from tandem.domain.tenants import INTEGRATIONS
from tandem.services.access import require_area
from tandem.services.deps import Deps
from tandem.services.editing import check_limit
from tandem.services.modules import module_tenant
from tandem.services.ports import Page, Position

SECRET_BYTES = 32
MAX_NAME = 100
TOUCH_EVERY_SECONDS = 60  # last_used_at is kept to the minute: one write a minute per key and warm instance


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _scopes(value: Any) -> list[Scope]:
    if not isinstance(value, list) or not value:
        raise ValidationError("scopes must name at least one of items:read, items:write, hooks", {"field": "scopes"})
    try:
        wanted = {Scope(s) for s in value}
    except ValueError as exc:
        raise ValidationError("scopes are items:read, items:write and hooks", {"field": "scopes"}) from exc
    return [s for s in Scope if s in wanted]


def _name(value: Any) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name or len(name) > MAX_NAME or any(c in name for c in '"\r\n'):
        raise ValidationError(f"name must be 1-{MAX_NAME} characters, without quotes or line breaks",
                              {"field": "name"})
    return name


def create_key(deps: Deps, p: Principal, *, name: Any, scopes: Any) -> tuple[ApiKey, str]:
    """A new key of the caller's tenant (admins); returns the record and the key, which is never shown again."""
    module_tenant(deps, p.tenant_id, INTEGRATIONS)
    require_area(p, Area.API_KEYS, Action.ADMINISTER)
    key = compose(p.tenant_id, secrets.token_urlsafe(SECRET_BYTES))
    record = ApiKey(
        p.tenant_id,
        deps.new_id(),
        _name(name),
        _scopes(scopes),
        created_at=deps.clock(),
        created_by=p.user_id,
        prefix=shown_prefix(key),
        secret_hash=hash_key(key),
    )
    return deps.repos.api_keys.add(record), key


def list_keys(deps: Deps, p: Principal, *, limit: int | None = None, after: Position = None) -> Page[ApiKey]:
    module_tenant(deps, p.tenant_id, INTEGRATIONS)
    require_area(p, Area.API_KEYS, Action.ADMINISTER)
    return deps.repos.api_keys.list(p.tenant_id, limit=check_limit(limit), after=after)


def _existing(deps: Deps, p: Principal, key_id: str) -> ApiKey:
    module_tenant(deps, p.tenant_id, INTEGRATIONS)
    require_area(p, Area.API_KEYS, Action.ADMINISTER)
    key = deps.repos.api_keys.get(p.tenant_id, key_id)
    if key is None:
        raise NotFound("api key not found", {"id": key_id})
    return key


def revoke_key(deps: Deps, p: Principal, key_id: str) -> None:
    """The key stops working at once here and within KeyCache.ttl_seconds (5 s) on other warm instances."""
    key = _existing(deps, p, key_id)
    deps.repos.api_keys.delete(key)
    deps.key_cache.forget(key.secret_hash)


def rotate_key(deps: Deps, p: Principal, key_id: str) -> tuple[ApiKey, str]:
    """A new secret for the same key (id, name, scopes); the old secret stops working like a revoked key."""
    key = _existing(deps, p, key_id)
    new = compose(p.tenant_id, secrets.token_urlsafe(SECRET_BYTES))
    rotated = deps.repos.api_keys.replace_secret(key, hash_key(new), shown_prefix(new), deps.clock())
    deps.key_cache.forget(key.secret_hash)
    return rotated, new


def principal_from_key(deps: Deps, key: str) -> Principal:
    """The integration behind `Authorization: Bearer tdk_…`: one read by the key's hash (cached 5 s)."""
    tenant_id = tenant_in(key)
    if tenant_id is None:
        raise Unauthorized("invalid api key")
    digest = hash_key(key)
    known, found = deps.key_cache.get(digest)
    if not known:
        found = deps.repos.api_keys.by_hash(tenant_id, digest)
        deps.key_cache.put(digest, found)
    # The record under this tenant's prefix must name the same tenant and hash (never trust one without the other).
    if found is None or found.tenant_id != tenant_id or not hmac.compare_digest(found.secret_hash, digest):
        raise Unauthorized("invalid or revoked api key")
    if deps.key_cache.due_for_touch(found.id, TOUCH_EVERY_SECONDS):
        deps.repos.api_keys.touch(found, deps.clock())
    return principal_of(found)
