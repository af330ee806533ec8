"""Who an operator's command (`tandem import …`) acts as: a real person of the tenant, so the activity log names
them and the one permission function decides exactly as it does for their API calls."""

from __future__ import annotations

from typing import Any

from tandem.domain.people import Role
from tandem.domain.permissions import Principal


def acting(deps: Any, tenant_id: str, email: str | None, roles: tuple[Role, ...] = (Role.ADMIN,)) -> Principal | None:
    """`email` when it is an active user of one of `roles`, else the tenant's earliest active admin; with the teams
    and privileges a session of theirs would carry. None when there is nobody to act as."""
    from tandem.services.roles import principal_of

    if email:
        user = deps.repos.users.by_email(tenant_id, email.strip().lower())
        found = user if user is not None and user.active and user.role in roles else None
    else:
        admins = [u for u in _staff(deps, tenant_id) if u.role is Role.ADMIN and u.active]
        found = min(admins, key=lambda u: (u.created_at, u.id)) if admins else None
    if found is None:
        return None
    # Teams count as for a signed-in person: a member through a team sees the project (403, not 422).
    teams = tuple(t.id for t in deps.repos.teams.list(tenant_id, limit=200).items if found.id in t.member_ids)
    return principal_of(deps, found, teams)


def _staff(deps: Any, tenant_id: str) -> Any:
    after = None
    while True:
        page = deps.repos.users.list(tenant_id, staff=True, limit=200, after=after)
        yield from page.items
        after = page.after
        if not after:
            return
