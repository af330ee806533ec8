"""The caller's side of live updates: the change stamp, their notifications, marking them read, people by id."""

from __future__ import annotations

from tandem.domain.errors import Unauthorized, ValidationError
from tandem.domain.limits import ID
from tandem.domain.notifications import READ_IDS, Changes, Notification
from tandem.domain.people import User
from tandem.domain.permissions import Action, Area, Principal
from tandem.services import sessions
from tandem.services.access import require_area
from tandem.services.authenticate import claimed_principal, require_credential_module
from tandem.services.deps import Deps
from tandem.services.editing import check_limit
from tandem.services.ports import Page, Position

PEOPLE_IDS = 100  # ids one `GET /v1/people` may ask for (one BatchGetItem)


def changes(deps: Deps, p: Principal) -> Changes:
    """The tenant's change count and the caller's notification state, in one read."""
    require_area(p, Area.NOTIFICATIONS, Action.READ)
    return deps.repos.notifications.changes(p.tenant_id, p.user_id)


def poll(deps: Deps, token: str) -> tuple[Principal, Changes]:
    """What a workspace polls every few seconds, as ONE read: when this warm process has not checked the token's
    session lately (it remembers for 5 s, about one poll), the session's records come in the same batch read
    as the stamp's, instead of two reads of their own. Unauthorized and Forbidden as for any other request."""
    p, claims = claimed_principal(deps, token)
    known = sessions.remembered(deps, claims) if claims is not None else True
    state = None
    if known is None and claims is not None:
        state, records = deps.repos.notifications.changes_and_session(p.tenant_id, p.user_id, str(claims["jti"]))
        known = sessions.settle(deps, claims, records.user, revoked=records.revoked)
    if not known:
        raise Unauthorized("this session has ended; sign in again")
    require_credential_module(deps, p)
    require_area(p, Area.NOTIFICATIONS, Action.READ)
    return p, state if state is not None else deps.repos.notifications.changes(p.tenant_id, p.user_id)


def notifications(
    deps: Deps, p: Principal, *, unread_only: bool = False, limit: int = 50, after: Position = None
) -> tuple[Page[Notification], int]:
    """A page of the caller's notifications, newest first, with their unread count."""
    require_area(p, Area.NOTIFICATIONS, Action.READ)
    store = deps.repos.notifications
    page = store.list(p.tenant_id, p.user_id, unread_only=unread_only, limit=check_limit(limit), after=after)
    return page, store.changes(p.tenant_id, p.user_id).unread


def mark_read(deps: Deps, p: Principal, *, ids: list[str] | None = None, everything: bool = False) -> int:
    """Mark the caller's notifications `ids` (or all of them) read; the unread count after. Ids that name nothing
    of the caller's (another user's, expired, made up) are skipped."""
    require_area(p, Area.NOTIFICATIONS, Action.UPDATE)
    store = deps.repos.notifications
    if everything:
        return store.mark_all_read(p.tenant_id, p.user_id)
    if len(ids or []) > READ_IDS:
        raise ValidationError(f"at most {READ_IDS} ids at a time", {"field": "ids"})
    if not ids:
        return store.changes(p.tenant_id, p.user_id).unread
    return store.mark_read(p.tenant_id, p.user_id, list(ids))


def people(deps: Deps, p: Principal, ids: list[str]) -> list[User]:
    """Staff and customers of the caller's tenant by id, in the order asked (one batch read; unknown ids are left
    out). Staff only: the directory is theirs."""
    require_area(p, Area.USERS, Action.READ)
    require_area(p, Area.CUSTOMERS, Action.READ)
    wanted = list(dict.fromkeys(i for i in ids if i))
    if len(wanted) > PEOPLE_IDS:
        raise ValidationError(f"at most {PEOPLE_IDS} ids at a time", {"field": "ids"})
    # An id longer than any we issue names no one (and would not fit in a key).
    return deps.repos.users.get_many(p.tenant_id, [i for i in wanted if len(i) <= ID])
