"""Sharing many projects with many people in one step (issue 15): `POST /v1/projects/share`.

Every project gets every member (`user:` staff, `team:`) and every follower (any person, customers too) it does not
have yet. The whole request is checked first — unknown or invisible projects and unknown people are 422 with their
index (`project_ids[3]`, `members[1]`), projects the caller may not share 403 — then each project is changed in one
write on the version read, re-read and merged when someone else changed it meanwhile. A repeat adds nothing
(`added` 0): what is there already is left as it is. A failure half-way leaves the projects before it shared, and
the same call again completes the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tandem.domain.errors import Conflict, Forbidden, ValidationError
from tandem.domain.hierarchy import Project
from tandem.domain.limits import LIST
from tandem.domain.permissions import Action, Principal, ProjectTarget, allowed, visible
from tandem.domain.tenants import Tenant
from tandem.services.access import tenant_of
from tandem.services.deps import Deps

RETRIES = 5  # re-reads of one project changed by someone else meanwhile


@dataclass
class Shared:
    projects: list[Project]
    added: int  # members and followers added, over all projects


def share_projects(deps: Deps, p: Principal, *, project_ids: list[str], members: list[str],
                   followers: list[str]) -> Shared:
    """Add all `members` and `followers` to all projects (admins; managers for the projects they manage)."""
    tenant = tenant_of(deps, p)
    ids = list(dict.fromkeys(project_ids))
    projects = {pid: deps.repos.projects.get(tenant.id, pid) for pid in ids}
    errors = [{"field": f"project_ids[{n}]", "message": "unknown project"} for n, pid in enumerate(project_ids)
              if projects.get(pid) is None or not visible(p, Action.READ, ProjectTarget(tenant, projects[pid]))]
    errors += _people_errors(deps, tenant, members, followers)
    if errors:
        raise ValidationError(f"cannot share: {errors[0]['field']}: {errors[0]['message']}", {"errors": errors})
    refused = [f"project_ids[{n}]" for n, pid in enumerate(project_ids)
               if not allowed(p, Action.ADMINISTER, ProjectTarget(tenant, projects[pid]))]  # type: ignore[arg-type]
    if refused:
        raise Forbidden("only admins and the projects' managers share them", {"fields": refused})
    shared, added = [], 0
    for pid in ids:
        project, n = _share_one(deps, p, tenant, pid, members, followers)
        shared.append(project)
        added += n
    return Shared(shared, added)


def _people_errors(deps: Deps, tenant: Tenant, members: list[str], followers: list[str]) -> list[dict[str, str]]:
    """Members are `user:<id>` of staff or `team:<id>`; followers user ids of anyone of the tenant."""
    wanted = [r.removeprefix("user:") for r in members if r.startswith("user:")] + list(followers)
    people = {u.id: u for u in deps.repos.users.get_many(tenant.id, list(dict.fromkeys(wanted)))} if wanted else {}
    teams = {t: deps.repos.teams.get(tenant.id, t) for t in {r.removeprefix("team:") for r in members
                                                             if r.startswith("team:")}}
    errors = []
    for n, ref in enumerate(members):
        kind, _, ref_id = ref.partition(":")
        if kind not in ("user", "team") or not ref_id:
            errors.append({"field": f"members[{n}]", "message": "members are 'user:<id>' or 'team:<id>'"})
        elif kind == "team" and teams.get(ref_id) is None:
            errors.append({"field": f"members[{n}]", "message": "unknown team"})
        elif kind == "user" and ref_id not in people:
            errors.append({"field": f"members[{n}]", "message": "unknown user"})
        elif kind == "user" and not people[ref_id].role.is_staff:
            errors.append({"field": f"members[{n}]", "message": "customers follow projects; they are not members"})
    errors += [{"field": f"followers[{n}]", "message": "unknown person"}
               for n, user_id in enumerate(followers) if user_id not in people]
    return errors


def _share_one(deps: Deps, p: Principal, tenant: Tenant, project_id: str, members: list[str],
               followers: list[str]) -> tuple[Project, int]:
    """One project gains what it lacks, on the version read; re-read and merged on a conflict."""
    for _ in range(RETRIES):
        project = deps.repos.projects.get(tenant.id, project_id)
        if project is None or not allowed(p, Action.ADMINISTER, ProjectTarget(tenant, project)):
            raise Conflict("the project changed meanwhile: it is gone or you no longer manage it", {"id": project_id})
        new_members = [m for m in dict.fromkeys(members) if m not in project.members]
        new_followers = [f for f in dict.fromkeys(followers) if f not in project.followers]
        if not new_members and not new_followers:
            return project, 0
        if len(project.members) + len(new_members) > LIST or len(project.followers) + len(new_followers) > LIST:
            raise Conflict(f"a project has at most {LIST} members and {LIST} followers: share with a team",
                           {"id": project_id})
        changed = replace(project, members=[*project.members, *new_members],
                          followers=[*project.followers, *new_followers])
        try:
            return deps.repos.projects.save(changed), len(new_members) + len(new_followers)
        except Conflict:
            continue
    raise Conflict("the project keeps changing, try again", {"id": project_id})
