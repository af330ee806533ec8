"""Who hears about join requests (issue 15), in the workspace and by mail: the stream's side.

- A new request: the project's managers, or the tenant's admins when it has none (or none active) — active staff,
  never the asker.
- A decision: the asker (active staff), unless they decided it themselves.

Run for every stream record of a join request (at least once per write). A notification's id comes from the request,
the version the write stored and the recipient, so a redelivery adds nothing; each mail is one side effect per
(write, recipient) under `deps.once`, so it is sent once.
"""

from __future__ import annotations

from dataclasses import dataclass

from tandem.domain.events import Event, JoinRequestChanged
from tandem.domain.hierarchy import Project
from tandem.domain.join_requests import JoinRequest, JoinState
from tandem.domain.notifications import NoteKind, Notification, note_id
from tandem.domain.people import Role, User
from tandem.domain.tenants import Tenant
from tandem.services.deps import Deps
from tandem.services.ports import OutboundMail

ADMIN_PAGES = 5  # staff read 200 a page looking for the admins of a project without managers
DECIDED = {JoinState.APPROVED: NoteKind.JOIN_APPROVED, JoinState.DECLINED: NoteKind.JOIN_DECLINED}


def _what(event: Event) -> tuple[JoinRequest, bool] | None:
    """The request and whether it is new (True) or decided (False); None for any other write."""
    if not isinstance(event, JoinRequestChanged):
        return None
    new = event.new
    if event.old is None and new.pending:
        return new, True
    if event.old is not None and event.old.pending and not new.pending:
        return new, False
    return None


def _deciders(deps: Deps, request: JoinRequest, project: Project) -> list[User]:
    """The project's managers, or the admins when it has none able to decide (none named, or none active): active
    staff other than the asker."""
    def able(users: list[User]) -> list[User]:
        return [u for u in users if u.active and u.role.is_staff and u.id != request.user_id]

    managers = able(deps.repos.users.get_many(request.tenant_id, list(project.managers))) if project.managers else []
    if managers:
        return managers
    admins, after = [], None
    for _ in range(ADMIN_PAGES):
        page = deps.repos.users.list(request.tenant_id, staff=True, limit=200, after=after)
        admins += [u for u in page.items if u.role is Role.ADMIN]
        after = page.after
        if not after:
            break
    return able(admins)


def _audience(deps: Deps, request: JoinRequest, new: bool, project: Project) -> list[User]:
    if new:
        return _deciders(deps, request, project)
    asker = deps.repos.users.get(request.tenant_id, request.user_id)
    if asker is None or not asker.active or not asker.role.is_staff or request.decided_by == asker.id:
        return []
    return [asker]


@dataclass
class _Told:
    """What one write of a request tells, read once for both channels."""

    request: JoinRequest
    new: bool  # asked (True) or decided (False)
    tenant: Tenant
    project: Project
    audience: list[User]
    actor: User | None  # the asker of a new request, the decider of a decision

    @property
    def actor_name(self) -> str:
        return self.actor.name if self.actor else "Someone"


def _told(deps: Deps, event: Event) -> _Told | None:
    what = _what(event)
    if what is None:
        return None
    request, new = what
    tenant = deps.repos.tenants.get(request.tenant_id)
    project = deps.repos.projects.get(request.tenant_id, request.project_id) if tenant is not None else None
    if tenant is None or project is None:
        return None
    actor = deps.repos.users.get(request.tenant_id, request.user_id if new else request.decided_by or "")
    return _Told(request, new, tenant, project, _audience(deps, request, new, project), actor)


def _key(request: JoinRequest) -> str:
    # The write is the request at the version it stored: the same key on every delivery of its stream record.
    return f"join:{request.id}@{request.version}"


def notes(deps: Deps, event: Event) -> int:
    """In-app notifications for a join request asked or decided; how many were new (0 on a redelivery)."""
    told = _told(deps, event)
    if told is None:
        return 0
    request, new = told.request, told.new
    at = request.created_at if new else request.decided_at or request.created_at
    kind = NoteKind.JOIN_REQUESTED if new else DECIDED[request.state]
    added = 0
    for user in told.audience:
        note = Notification(
            tenant_id=request.tenant_id, user_id=user.id, id=note_id(at, _key(request), user.id), kind=kind,
            item_ref="", item_title=told.project.name, actor_id=told.actor.id if told.actor else None,
            actor_name=told.actor_name, created_at=at, detail=request.message if new else request.note,
            project_id=told.project.id,
        )
        added += int(deps.repos.notifications.add(note))
    return added


def mail(deps: Deps, event: Event) -> int:
    """Mail for a join request asked or decided, once per write and recipient; how many went out now."""
    told = _told(deps, event)
    if told is None:
        return 0
    sent = 0
    for user in told.audience:
        if user.email_failing:
            continue

        def send(to: User = user) -> None:
            deps.mailer.send(told.tenant, _compose(deps, told, to))

        sent += int(deps.once.run(told.tenant.id, f"sent:{_key(told.request)}:{user.id}", send))
    return sent


def _compose(deps: Deps, told: _Told, to: User) -> OutboundMail:
    from tandem.mail.render import render

    rendered = render("join_request" if told.new else "join_decision", tenant=told.tenant, project=told.project,
                      request=told.request, recipient=to, actor_name=told.actor_name, subject_line=told.project.name,
                      project_url=f"{deps.settings.portal_url}/app/#/projects/{told.project.id}")
    return OutboundMail(to=[to.email], subject=rendered.subject, text=rendered.text, html=rendered.html,
                        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"})
