"""Live updates: the change stamp, in-app notifications and people by id."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct

from tandem.domain.limits import ID, LIST
from tandem.domain.notifications import NoteKind
from tandem.schemas.common import Cursor, Limit
from tandem.schemas.people import PersonRole

NoteId = Annotated[str, Meta(min_length=1, max_length=200)]


class ChangesOut(Struct, kw_only=True):
    """`stamp` changes whenever an item or message of the tenant changes or the caller's notifications do."""

    stamp: str
    unread: int


class Actor(Struct, kw_only=True):
    """Who caused it: a person (`id`), or a rule or mail from no one known (`id` null)."""

    id: str | None
    name: str


class NotificationOut(Struct, kw_only=True):
    id: str
    kind: NoteKind
    item_ref: str
    item_title: str
    actor: Actor
    created_at: str
    read: bool
    detail: str  # the reason of a rejected timesheet, a join request's message or its decider's note
    project_id: str  # the project a join request's notification is about (`item_ref` is then empty); else empty


class NotificationsPage(Struct, kw_only=True, forbid_unknown_fields=True):
    items: list[NotificationOut]
    next_cursor: str | None
    unread: int


class NotificationsQuery(Struct, kw_only=True):
    unread: bool | None = None  # true: only the unread ones
    limit: Limit = 50
    cursor: Cursor | None = None


class ReadIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """Mark `ids` read, or every notification with `all: true`."""

    ids: Annotated[list[NoteId], Meta(max_length=LIST)] | None = None
    all: bool = False


class UnreadOut(Struct, kw_only=True):
    unread: int


# `ids=a,b,c`: up to 100 ids of up to 64 characters each.
IdList = Annotated[str, Meta(min_length=1, max_length=LIST * (ID + 1))]


class PeopleQuery(Struct, kw_only=True):
    ids: IdList


class PersonOut(Struct, kw_only=True):
    id: str
    name: str
    email: str
    role: PersonRole
    organization_id: str | None
    active: bool


class PeopleOut(Struct, kw_only=True):
    items: list[PersonOut]

