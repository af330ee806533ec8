"""In-app notifications (mentions, assignments, customer replies, timesheet and join request decisions) and the
change stamp a workspace polls."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

# Notifications are kept this long (the table's TTL removes them); the unread count is kept beside them.
NOTE_TTL_SECONDS = 90 * 24 * 3600
# Ids one "mark read" request may name (one BatchGetItem).
READ_IDS = 100


class NoteKind(StrEnum):
    MENTION = "mention"  # a message @mentions the user (or a team of theirs)
    ASSIGNED = "assigned"  # the user was added to the assignees by someone else (a person or a rule)
    CUSTOMER_REPLY = "customer_reply"  # the requester or a customer follower wrote publicly on the user's item
    TIMER_STOPPED = "timer_stopped"  # the user's timer ran past the tenant's limit and was stopped (issue 13)
    TIMESHEET_APPROVED = "timesheet_approved"  # an admin or a manager approved the user's timesheet (issue 13)
    TIMESHEET_REJECTED = "timesheet_rejected"  # ... or rejected it; `detail` says why
    # Issue 15, about a project (`project_id`; the project's name as the title, no item): someone asked to join a
    # project the user decides on (`detail`: their message); the user's own request was approved or declined
    # (`detail`: the decider's note).
    JOIN_REQUESTED = "join_requested"
    JOIN_APPROVED = "join_approved"
    JOIN_DECLINED = "join_declined"


@dataclass
class Notification:
    """One notification of one user, about one item, from one change event."""

    tenant_id: str
    user_id: str
    id: str
    kind: NoteKind
    item_ref: str
    item_title: str
    actor_id: str | None
    actor_name: str
    created_at: str
    read: bool = False
    detail: str = ""  # what the kind has to add: the reason of a rejected timesheet
    project_id: str = ""  # the project of a join request's notification (its `item_ref` is empty)


@dataclass(frozen=True)
class Changes:
    """What a poll of `GET /v1/changes` reads: the tenant's change count and the caller's notification state.

    `tenant` grows on every item or message change of the tenant, `user` on every notification the user gets or
    reads: together they are the stamp, which changes whenever a workspace has something to refetch."""

    tenant: int = 0
    user: int = 0
    unread: int = 0

    @property
    def stamp(self) -> str:
        return f"{self.tenant}.{self.user}"


def note_id(created_at: str, event_id: str, user_id: str) -> str:
    """The id of the notification one event gives one user: the same on every redelivery of the event (so the
    store's conditional put writes it once), and sortable by time (so a user's list reads newest first)."""
    digits = "".join(c for c in created_at if c.isdigit())[:17].ljust(17, "0")  # YYYYMMDDHHMMSSmmm
    digest = hashlib.sha256(f"{event_id}\n{user_id}".encode()).hexdigest()[:16]
    return f"{digits}-{digest}"
