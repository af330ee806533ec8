"""Asking to join a project (issue 15): an agent asks, an admin or one of the project's managers approves (the
agent becomes a member in the same write) or declines.

Who may do what is the permission function's (`Action.JOIN`, `Action.ADMINISTER` on a `ProjectTarget`): every agent
knows every project's name (`GET /v1/projects?joinable=true`) and may ask; deciders see every request of the
project, an asker their own. The deciders hear of a new request and the asker of the decision through the stream
(services/join_notify.py), once per write.

At-least-once everywhere: asking again while a request is pending answers that request; deciding again the same way
answers the decided request; deciding the other way is a conflict (409) — the first decision stands, also when two
deciders click at once (the decision is conditional on the version read).
"""

from __future__ import annotations

from dataclasses import replace

from tandem.domain.errors import Conflict, Forbidden, NotFound
from tandem.domain.hierarchy import Project, user_ref
from tandem.domain.join_requests import MESSAGE, JoinRequest, JoinState, decide
from tandem.domain.limits import LIST
from tandem.domain.permissions import Action, Area, Principal, ProjectTarget, allowed, visible
from tandem.domain.tenants import Tenant
from tandem.services.access import require_area, tenant_of
from tandem.services.deps import Deps
from tandem.services.editing import check_limit, text
from tandem.services.ports import Page, Position

RETRIES = 5  # a decision re-read after the project changed under it (another edit, another approval)


def known_project(deps: Deps, p: Principal, project_id: str) -> tuple[Tenant, Project]:
    """A project the caller sees, or may ask to join; 404 otherwise (existence does not leak)."""
    tenant = tenant_of(deps, p)
    project = deps.repos.projects.get(tenant.id, project_id)
    if project is None:
        raise NotFound("project not found", {"id": project_id})
    target = ProjectTarget(tenant, project)
    if not visible(p, Action.READ, target) and not allowed(p, Action.JOIN, target):
        raise NotFound("project not found", {"id": project_id})
    return tenant, project


def ask_to_join(deps: Deps, p: Principal, project_id: str, *, message: str | None = None) -> tuple[JoinRequest, bool]:
    """POST /v1/projects/{id}/join-requests: a new pending request (True), or the asker's pending one (False).
    409 for a member already; 403 for anyone but agents (admins see every project, customers follow instead)."""
    tenant, project = known_project(deps, p, project_id)
    if not allowed(p, Action.JOIN, ProjectTarget(tenant, project)):
        raise Forbidden("only agents ask to join a project")
    if project.has_member(p.user_id, p.team_ids):
        raise Conflict("you are a member of this project already", {"project_id": project.id})
    said = text("message", required=False, max_len=MESSAGE)(message)
    request = JoinRequest(tenant.id, deps.new_id(), project.id, p.user_id, deps.clock(), message=said)
    return deps.repos.join_requests.add(request)


def list_join_requests(deps: Deps, p: Principal, project_id: str, *, state: str | None = None,
                       limit: int | None = None, after: Position = None) -> Page[JoinRequest]:
    """GET /v1/projects/{id}/join-requests: every request for admins and the project's managers, an agent's own
    for the agent (one Query, the asker and the state as its filter: a page may be short), 403 for anyone else."""
    tenant, project = known_project(deps, p, project_id)
    target = ProjectTarget(tenant, project)
    if allowed(p, Action.ADMINISTER, target):
        user_id = None
    elif allowed(p, Action.JOIN, target):
        user_id = p.user_id
    else:
        raise Forbidden("join requests are read by the project's deciders and their askers")
    return deps.repos.join_requests.list(tenant.id, project.id, state=state, user_id=user_id,
                                         limit=check_limit(limit), after=after)


def decide_join_request(deps: Deps, p: Principal, project_id: str, request_id: str, *, approve: bool,
                        note: str | None = None) -> JoinRequest:
    """POST …/join-requests/{rid}/approve|decline: admins and the project's managers (403 for others who know the
    project). Approving adds the asker to the members in the same write. The same decision again is answered with
    the request as it is; the other one is 409."""
    tenant, project = known_project(deps, p, project_id)
    if not allowed(p, Action.ADMINISTER, ProjectTarget(tenant, project)):
        raise Forbidden("only admins and the project's managers decide on join requests")
    said = text("note", required=False, max_len=MESSAGE)(note)
    state = JoinState.APPROVED if approve else JoinState.DECLINED
    for _ in range(RETRIES):
        request = deps.repos.join_requests.get(tenant.id, project.id, request_id)
        if request is None:
            raise NotFound("join request not found", {"id": request_id})
        decided = decide(request, state, by=p.user_id, at=deps.clock(), note=said)
        if decided is None:
            return request
        project = deps.repos.projects.get(tenant.id, project.id) or project
        joined = _with_member(project, request.user_id) if approve else None
        try:
            return deps.repos.join_requests.decide(decided, joined)
        except Conflict:
            continue  # re-read both: the other decision wins (409 above), a project edit is merged
    raise Conflict("the project keeps changing, try again", {"id": request_id})


def _with_member(project: Project, user_id: str) -> Project | None:
    """The project with the user among its members, or None when it is there already (directly)."""
    ref = user_ref(user_id)
    if ref in project.members:
        return None
    if len(project.members) >= LIST:
        raise Conflict(f"the project has {LIST} members, the most it may have: add the person to a member team",
                       {"id": project.id})
    return replace(project, members=[*project.members, ref])


def joinable_projects(deps: Deps, p: Principal, *, limit: int | None = None,
                      after: Position = None) -> Page[Project]:
    """GET /v1/projects/joinable: the projects the caller may ask to join and is no member of — for an agent, the
    names of the tenant's other projects (one Query a page, filtered here: a page may be short); for anyone else
    none."""
    require_area(p, Area.PROJECTS, Action.READ)
    tenant = tenant_of(deps, p)
    page = deps.repos.projects.list(tenant.id, limit=check_limit(limit), after=after)
    page.items = [pr for pr in page.items if allowed(p, Action.JOIN, ProjectTarget(tenant, pr))
                  and not pr.has_member(p.user_id, p.team_ids)]
    return page
