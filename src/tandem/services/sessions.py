"""Sessions that end before their token expires: logout, deactivation, a new role, leaving a team.

An access token carries its own id (`jti`) and the user's `session_version` at issue time. Every request checks
both against the store — the user record (still active, same session version) and the revocation list (logout) —
and the warm Lambda remembers the answer for `SessionCache.ttl_seconds` (5 s). So a session ends at once on the
instance that ended it (it forgets or marks its own memory) and within 5 s on every other warm instance; the
price is at most one user read and one revocation read per token and instance every 5 s.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tandem.domain.people import User

if TYPE_CHECKING:
    from tandem.services.deps import Deps

def session_alive(deps: Deps, claims: dict[str, Any]) -> bool:
    """Whether the access token's session still stands (claims already verified: signature and expiry)."""
    known = remembered(deps, claims)
    if known is not None:
        return known
    tenant_id, user_id, token_id = str(claims["tid"]), str(claims["sub"]), str(claims["jti"])
    user = deps.repos.users.get(tenant_id, user_id)
    if user is None or not user.active or user.session_version != claims.get("sv", 0):
        return settle(deps, claims, user, revoked=False)  # dead anyway: no need to read the revocation list
    return settle(deps, claims, user, revoked=deps.repos.revocations.is_revoked(tenant_id, token_id))


def remembered(deps: Deps, claims: dict[str, Any]) -> bool | None:
    """What this warm process knows of the token's session (None: ask the store). A token without an id was issued
    before sessions could end: it is dead."""
    token_id = claims.get("jti")
    if not isinstance(token_id, str) or not token_id:
        return False  # sign in again
    return deps.sessions.get(str(claims["tid"]), str(claims["sub"]), token_id)


def settle(deps: Deps, claims: dict[str, Any], user: User | None, *, revoked: bool) -> bool:
    """Decide on the session from the user record and the revocation list as read (by `session_alive`, or in the
    same batch read as a poll's own records) and remember the answer."""
    alive = user is not None and user.active and user.session_version == claims.get("sv", 0) and not revoked
    deps.sessions.put(str(claims["tid"]), str(claims["sub"]), str(claims["jti"]), alive)
    return alive


def revoke(deps: Deps, claims: dict[str, Any]) -> None:
    """End one session (logout): its token id is refused until the token would have expired anyway."""
    tenant_id, user_id, token_id = str(claims["tid"]), str(claims["sub"]), claims.get("jti")
    if not isinstance(token_id, str) or not token_id:
        return
    # The signer stamps `exp` from the system clock; a minute's margin covers clock skew between instances.
    expires = claims.get("exp")
    remaining = int(expires - time.time()) if isinstance(expires, int | float) else deps.settings.token_ttl_seconds
    deps.repos.revocations.revoke(tenant_id, token_id, max(remaining, 0) + 60)
    deps.sessions.put(tenant_id, user_id, token_id, False)


def end_sessions(deps: Deps, user: User, *, previous_email: str | None = None) -> User:
    """Save `user` so that every token issued to them so far stops working."""
    ended = replace(user, session_version=user.session_version + 1)
    saved = deps.repos.users.save(ended, previous_email=previous_email)
    deps.sessions.forget(user.tenant_id, user.id)
    return saved
