"""Who gets which in-app notification from a change event, and the tenant's change count (the stream's side).

Run for every stream record (runtime/handlers.py::react_to), so at least once per change. A notification's id
comes from the event and the recipient (domain/notifications.py::note_id) and the store writes it with a
conditional put in the same transaction as the unread count: a redelivered event adds nothing and counts nothing.

Who is told (decided here, tested in tests/unit/test_in_app.py):
- `mention`: every staff user a message @mentions, directly or through a team.
- `assigned`: every user added to the assignees by someone else (a person, a rule, mail); a team added to the
  assignees tells no one (its members see it in their queues).
- `customer_reply`: a public message from the requester or a customer follower tells the assignees (users and the
  members of assigned teams), or the staff followers when nobody is assigned. Auto-replies and items tagged as
  spam, bulk or auto tell no one.
- Never the person who made the change, never a customer, an inactive user or someone who may not read the item.
- One notification per person and event: a mention wins over a customer reply (an assignee @mentioned in the
  customer's message gets one `mention`).
- `timesheet_approved` / `timesheet_rejected` (issue 13): the owner of a timesheet an admin or a manager decided
  on, with the reason of a rejection; the item's title only if the owner may still read the item. One per
  decision: the id comes from the sheet and the version the decision wrote.
- `join_requested` / `join_approved` / `join_declined` (issue 15): see services/join_notify.py.
"""

from __future__ import annotations

from typing import Any

from tandem.domain.events import Event, ItemChanged, ItemCreated, JoinRequestChanged, MessageAdded, TimesheetChanged
from tandem.domain.items import Item
from tandem.domain.messages import Message, Visibility
from tandem.domain.notifications import NoteKind, Notification, note_id
from tandem.domain.people import Team, User
from tandem.domain.permissions import Action, ItemTarget, allowed, needs_project
from tandem.domain.tenants import Tenant
from tandem.domain.time_tracking import SheetState
from tandem.services import join_notify
from tandem.services.deps import Deps
from tandem.services.roles import principal_of

QUIET_TAGS = frozenset({"spam", "bulk", "auto"})  # as for mail (services/notify.py)
SOMEONE = "Someone"


def react(deps: Deps, event: Event) -> int:
    """Write the notifications one change event calls for; how many were new (0 on a redelivery)."""
    if isinstance(event, MessageAdded):
        return _message(deps, event.event_id, event.message)
    if isinstance(event, ItemChanged):
        return _assigned(deps, event.event_id, event.old.assignees, event.new, created=False)
    if isinstance(event, ItemCreated):
        return _assigned(deps, event.event_id, [], event.item, created=True)
    if isinstance(event, TimesheetChanged):
        return _decided(deps, event)
    if isinstance(event, JoinRequestChanged):  # issue 15: asked or decided (services/join_notify.py)
        return join_notify.notes(deps, event)
    return 0


def touch(deps: Deps, event: Event) -> None:
    """Count the change on the tenant's change record: every open workspace's stamp moves with it.

    A redelivered event counts again; that only costs the workspaces one refetch (a stamp set to "the latest
    event's time if greater" instead could stay put when two changes land in the same second or arrive out of
    order from different shards, and a workspace would miss the second one)."""
    tenant_id = tenant_of(event)
    if tenant_id:
        deps.repos.notifications.touch(tenant_id)


def tenant_of(event: Event) -> str | None:
    """The tenant whose change stamp a change moves (items and messages; None for anything else)."""
    if isinstance(event, MessageAdded):
        return event.message.tenant_id
    if isinstance(event, ItemChanged):
        return event.new.tenant_id
    if isinstance(event, ItemCreated):
        return event.item.tenant_id
    return None


class _Audience:
    """Reads what deciding on recipients needs, each thing once per event."""

    def __init__(self, deps: Deps, tenant: Tenant, item: Item) -> None:
        self.deps, self.tenant, self.item = deps, tenant, item
        self._users: dict[str, User | None] = {}
        self._teams: list[Team] | None = None
        self._projects: dict[str, Any] = {}

    def user(self, user_id: str | None) -> User | None:
        if not user_id:
            return None
        if user_id not in self._users:
            self._users[user_id] = self.deps.repos.users.get(self.tenant.id, user_id)
        return self._users[user_id]

    def known(self, user: User) -> None:
        self._users[user.id] = user

    def teams(self) -> list[Team]:
        if self._teams is None:
            self._teams = self.deps.repos.teams.list(self.tenant.id, limit=200).items
        return self._teams

    def members(self, refs: list[str]) -> list[str]:
        """User ids behind `user:` and `team:` refs, in order, once each."""
        ids: list[str] = []
        for ref in refs:
            kind, _, ref_id = ref.partition(":")
            if kind == "user":
                ids.append(ref_id)
            elif kind == "team":
                ids += next((t.member_ids for t in self.teams() if t.id == ref_id), [])
        return list(dict.fromkeys(ids))

    def may_read(self, user: User) -> bool:
        """Whether the permission function lets `user` read the item (titles must not reach anyone else)."""
        closed = not self.tenant.agents_see_all and self.item.project_id is not None
        team_ids = tuple(t.id for t in self.teams() if user.id in t.member_ids) if closed else ()
        p = principal_of(self.deps, user, team_ids)
        project = None
        if needs_project(p, self.tenant, self.item) and self.item.project_id:
            if self.item.project_id not in self._projects:
                self._projects[self.item.project_id] = self.deps.repos.projects.get(self.tenant.id,
                                                                                    self.item.project_id)
            project = self._projects[self.item.project_id]
        return allowed(p, Action.READ, ItemTarget(self.tenant, self.item, project))

    def told(self, user_id: str) -> User | None:
        user = self.user(user_id)
        ok = user is not None and user.active and user.role.is_staff and self.may_read(user)
        return user if ok else None


def _load(deps: Deps, tenant_id: str, ref: str) -> _Audience | None:
    tenant = deps.repos.tenants.get(tenant_id)
    item = deps.repos.items.get(tenant_id, ref) if tenant is not None and ref else None
    return _Audience(deps, tenant, item) if tenant is not None and item is not None else None


def _from_customer(item: Item, message: Message, author: User | None) -> bool:
    if message.visibility is not Visibility.PUBLIC or message.via == "email-auto" or QUIET_TAGS & set(item.tags):
        return False
    return author is not None and not author.role.is_staff and author.id in (item.requester_id, *item.followers)


def _message(deps: Deps, event_id: str, message: Message) -> int:
    # Most messages are staff replies and notes that mention no one: decided on the message alone, or on its author.
    if not message.mentions and (message.visibility is not Visibility.PUBLIC or message.via == "email-auto"):
        return 0
    author = deps.repos.users.get(message.tenant_id, message.author_id) if message.author_id else None
    if not message.mentions and (author is None or author.role.is_staff):
        return 0
    audience = _load(deps, message.tenant_id, message.item_ref)
    if audience is None:
        return 0
    item = audience.item
    if author is not None:
        audience.known(author)
    kinds: dict[str, NoteKind] = {}
    if _from_customer(item, message, author):
        handlers = audience.members(item.assignees) or list(item.followers)
        kinds.update(dict.fromkeys(handlers, NoteKind.CUSTOMER_REPLY))
    kinds.update(dict.fromkeys(audience.members(message.mentions), NoteKind.MENTION))
    actor = (message.author_id, author.name if author else SOMEONE)
    return _write(audience, event_id, kinds, actor, message.created_at)


def _assigned(deps: Deps, event_id: str, before: list[str], item: Item, *, created: bool) -> int:
    added = [a.removeprefix("user:") for a in item.assignees if a.startswith("user:") and a not in before]
    if not added:
        return 0
    audience = _load(deps, item.tenant_id, item.ref)
    if audience is None:
        return 0
    actor_id = item.changed_by or (item.requester_id if created else None)
    actor = audience.user(actor_id)
    name = actor.name if actor else _rule_name(deps, item) if item.cause_rule else SOMEONE
    kinds = dict.fromkeys(added, NoteKind.ASSIGNED)
    return _write(audience, event_id, kinds, (actor_id, name), item.created_at if created else item.updated_at)


def _rule_name(deps: Deps, item: Item) -> str:
    rule = deps.repos.rules.get(item.tenant_id, item.cause_rule or "")
    return rule.name if rule is not None else "A rule"


def _write(
    audience: _Audience, event_id: str, kinds: dict[str, NoteKind], actor: tuple[str | None, str], at: str
) -> int:
    """One notification per recipient, never to the actor; the time is the event's, so a repeat writes the same."""
    actor_id, actor_name = actor
    item, added = audience.item, 0
    for user_id, kind in kinds.items():
        if user_id == actor_id or audience.told(user_id) is None:
            continue
        note = Notification(
            tenant_id=item.tenant_id, user_id=user_id, id=note_id(at, event_id, user_id), kind=kind,
            item_ref=item.ref, item_title=item.title, actor_id=actor_id, actor_name=actor_name, created_at=at,
        )
        added += audience.deps.repos.notifications.add(note)
    return added


DECIDED = {SheetState.APPROVED: NoteKind.TIMESHEET_APPROVED, SheetState.REJECTED: NoteKind.TIMESHEET_REJECTED}


def _decided(deps: Deps, event: TimesheetChanged) -> int:
    """Tell a timesheet's owner it was approved or rejected (not when they decided it themselves, as an admin)."""
    old, sheet = event.old, event.new
    if sheet is None or sheet.state not in DECIDED or (old is not None and old.state is sheet.state):
        return 0
    if sheet.decided_by == sheet.user_id:
        return 0
    owner = deps.repos.users.get(sheet.tenant_id, sheet.user_id)
    if owner is None or not owner.active or not owner.role.is_staff:
        return 0
    audience = _load(deps, sheet.tenant_id, sheet.item_ref)
    title = audience.item.title if audience is not None and audience.may_read(owner) else ""
    decider = deps.repos.users.get(sheet.tenant_id, sheet.decided_by) if sheet.decided_by else None
    # The decision is the sheet at the version it wrote: the same id on every delivery of its stream record.
    key = f"timesheet:{sheet.id}@{sheet.version}"
    note = Notification(
        tenant_id=sheet.tenant_id, user_id=owner.id, id=note_id(sheet.updated_at, key, owner.id),
        kind=DECIDED[sheet.state], item_ref=sheet.item_ref, item_title=title, actor_id=sheet.decided_by,
        actor_name=decider.name if decider else SOMEONE, created_at=sheet.updated_at, detail=sheet.reason,
    )
    return int(deps.repos.notifications.add(note))
