"""Live updates: the change stamp a workspace polls, in-app notifications, people by id."""

from __future__ import annotations

from typing import Any

from chalice import Response

from api.conditional import HEADER, conditional
from api.http import bearer, current, decode_cursor, encode_cursor, principal, session_cookie
from api.ops import Call, op
from tandem.domain.errors import Unauthorized
from tandem.domain.notifications import Notification
from tandem.domain.people import User
from tandem.runtime.observability import logger
from tandem.schemas import live as m
from tandem.services import inbox

LIVE = "live"


@op("GET", "/v1/changes", summary="The change stamp: poll it, refetch what is open only when it moved", tag=LIVE,
    returns=m.ChangesOut, headers=(HEADER,))
def changes(call: Call) -> Response:
    token = bearer(call.request) or session_cookie(call.request)  # a GET: no CSRF header needed for the cookie
    if token is None:
        raise Unauthorized("missing bearer token")
    p, state = inbox.poll(current().deps, token)  # the session is checked in the stamp's own read
    logger.append_keys(tenant_id=p.tenant_id, user_id=p.user_id)
    # The stamp moves with the unread count too (reading a notification moves the user's sequence).
    return conditional(call.request, m.ChangesOut(stamp=state.stamp, unread=state.unread), f'"{state.stamp}"')


def _note(n: Notification) -> m.NotificationOut:
    return m.NotificationOut(id=n.id, kind=n.kind, item_ref=n.item_ref, item_title=n.item_title,
                             actor=m.Actor(id=n.actor_id, name=n.actor_name), created_at=n.created_at, read=n.read,
                             detail=n.detail, project_id=n.project_id)


@op("GET", "/v1/notifications", summary="The caller's notifications, newest first", tag=LIVE,
    query=m.NotificationsQuery, returns=m.NotificationsPage)
def notifications(call: Call) -> m.NotificationsPage:
    p = principal(call.request)
    q = call.query
    scope = f"{p.user_id}/notifications?unread={bool(q.unread)}"
    page, unread = inbox.notifications(current().deps, p, unread_only=bool(q.unread), limit=q.limit,
                                       after=decode_cursor(q.cursor, scope))
    return m.NotificationsPage(items=[_note(n) for n in page.items], next_cursor=encode_cursor(page.after, scope),
                               unread=unread)


@op("POST", "/v1/notifications/read", summary="Mark notifications read (some ids, or all)", tag=LIVE,
    body=m.ReadIn, returns=m.UnreadOut)
def read_notifications(call: Call) -> m.UnreadOut:
    p = principal(call.request)
    unread = inbox.mark_read(current().deps, p, ids=call.body.ids, everything=call.body.all)
    return m.UnreadOut(unread=unread)


def _person(u: User) -> m.PersonOut:
    return m.PersonOut(id=u.id, name=u.name, email=u.email, role=u.role.value, organization_id=u.organization_id,
                       active=u.active)


@op("GET", "/v1/people", summary="Staff and customers by id (ids=a,b,c; up to 100), in one read", tag=LIVE,
    query=m.PeopleQuery, returns=m.PeopleOut)
def people(call: Call) -> Any:
    p = principal(call.request)
    ids = [i.strip() for i in call.query.ids.split(",")]
    return m.PeopleOut(items=[_person(u) for u in inbox.people(current().deps, p, ids)])
