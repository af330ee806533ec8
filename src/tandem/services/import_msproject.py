"""Importing a Microsoft Project plan into a project (issue 15 B): one task item per plan task, then the
hierarchy and the finish-to-start predecessors between them.

Pass 1 opens each task through the create use case (services/open_item.py: the tenant's default task type, its
initial status, the same checks as the API), parents before children, each with an idempotency claim
`msproject:{project id}` / task UID written in the create's own transaction: that claim is the marker that makes a
re-import create nothing twice, even two imports racing. Pass 2 sets `links` (parent on the child, child on the
parent) and `predecessors` through the update use case (services/update_item.py: the cycle check, the activity),
adding to what the items hold, so it can run again and again. A run that stops half way (a crash, a timeout) is
completed by running it again: pass 1 skips the tasks it finds claimed, pass 2 sets what is missing.

Duration: MS Project's work duration goes into the custom field `duration_hours` when the task type's form has a
number field with that key; otherwise it is not stored (the planned dates keep the span). Milestones get the tag
`milestone`. Other link types, lags and notes cut short come back as `warnings`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tandem.domain.errors import Conflict, DomainError, Forbidden, TooLarge, ValidationError
from tandem.domain.item_types import FieldType, ItemType, validate_answers
from tandem.domain.items import Cause, Item, Link, diff_and_apply
from tandem.domain.msproject import Plan, PlanResource, PlanTask, parse_plan
from tandem.domain.people import Role, User
from tandem.domain.permissions import Action, Principal, ProjectTarget, allowed, visible
from tandem.domain.plan_graph import successors_first
from tandem.domain.search_text import fold
from tandem.domain.statuses import Category
from tandem.domain.tenants import Tenant
from tandem.services.access import tenant_of
from tandem.services.deps import Deps
from tandem.services.open_item import NewItem, open_item
from tandem.services.ports import IdempotencyClaim
from tandem.services.update_item import change_item

DURATION_FIELD = "duration_hours"
MILESTONE_TAG = "milestone"
VIA = "import"
NOTE = "Microsoft Project import"
BATCH = 100  # references per batch read in pass 2


@dataclass
class PlanImportResult:
    """What an import did (or, in a dry run, would do). `errors`/`warnings`: `{uid, field, message}`."""

    tasks: int
    created: int
    skipped: int
    unmatched_resources: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)  # `{uid, ref}` of each task that has its item


def scope_of(project_id: str) -> str:
    """The claim scope of a project's imported tasks (one marker per tenant, project and task UID)."""
    return f"msproject:{project_id}"


def import_plan(
    deps: Deps, p: Principal, project_id: str, xml: bytes | str, dry_run: bool = False
) -> PlanImportResult:
    """Import the MS Project XML `xml` into the project: admins and the project's managers (ADMINISTER on it).

    422 for an unknown project or a plan with wrong values (nothing imported), 413 past the plan's limits; a task
    the create or update use case refuses is listed in `errors` and the rest goes on. A dry run checks everything
    and writes nothing: `created` counts what would be created."""
    tenant = tenant_of(deps, p)
    project = _project(deps, p, tenant, project_id)
    plan = parse_plan(xml)
    item_type = default_task_type(deps, tenant)
    assignees, unmatched = match_resources(deps, tenant.id, plan.resources)
    scope = scope_of(project.id)
    refs = _claimed(deps, tenant.id, scope, plan.tasks)
    result = PlanImportResult(len(plan.tasks), 0, len(refs), [_resource_out(r) for r in unmatched],
                              warnings=[{"uid": n.uid, "field": n.field, "message": n.message} for n in plan.notices])
    for task in plan.tasks:
        if task.uid in refs:
            continue
        new = _new_item(task, item_type, project.id, assignees)
        try:
            if dry_run:
                _check(tenant, item_type, new)
            else:
                claim = IdempotencyClaim(scope, str(task.uid), "msproject")
                refs[task.uid] = open_item(deps, tenant, p, new, via=VIA, cause=Cause.USER, claim=claim,
                                           note=f"{NOTE} (task UID {task.uid})").ref
            result.created += 1
        except (ValidationError, TooLarge) as exc:
            result.errors.append(_error(task.uid, exc))
    if not dry_run:
        _link(deps, p, tenant, plan, refs, result)
    result.items = [{"uid": t.uid, "ref": refs[t.uid]} for t in plan.tasks if t.uid in refs]
    return result


def _project(deps: Deps, p: Principal, tenant: Tenant, project_id: str) -> Any:
    """The project named in the body: 422 when unknown (or invisible) to the caller, 403 when they may see it
    but not administer it (the permission function: admins and the project's managers)."""
    project = deps.repos.projects.get(tenant.id, project_id) if project_id else None
    if project is None or not visible(p, Action.READ, ProjectTarget(tenant, project)):
        raise ValidationError("unknown project", {"field": "project_id"})
    if not allowed(p, Action.ADMINISTER, ProjectTarget(tenant, project)):
        raise Forbidden("only admins and the project's managers import plans into it")
    return project


def default_task_type(deps: Deps, tenant: Tenant) -> ItemType:
    """The tenant's default task type: its first one (as conversion to task picks it)."""
    found = next((t for t in deps.repos.item_types.list(tenant.id, limit=200).items if t.kind == "task"), None)
    if found is None:
        raise ValidationError("the tenant has no task type", {"field": "type_id"})
    return found


def _claimed(deps: Deps, tenant_id: str, scope: str, tasks: list[PlanTask]) -> dict[int, str]:
    found = deps.repos.items.claimed(tenant_id, scope, [str(t.uid) for t in tasks])
    return {int(uid): ref for uid, ref in found.items()}


def _new_item(task: PlanTask, item_type: ItemType, project_id: str, assignees: dict[int, str]) -> NewItem:
    extra: dict[str, Any] = {
        "planned_start": task.start.isoformat() if task.start else None,
        "planned_finish": task.finish.isoformat() if task.finish else None,
        "percent_complete": task.percent_complete,
    }
    if task.milestone:
        extra["tags"] = [MILESTONE_TAG]
    fields: dict[str, Any] = {}
    if task.duration_minutes is not None and _has_duration_field(item_type):
        fields[DURATION_FIELD] = round(task.duration_minutes / 60, 2)
    people = list(dict.fromkeys(assignees[r] for r in task.resource_uids if r in assignees))
    return NewItem(type_id=item_type.id, title=task.name, description=task.notes, kind="task",
                   project_id=project_id, assignees=people, fields=fields, extra=extra)


def _has_duration_field(item_type: ItemType) -> bool:
    return any(f.key == DURATION_FIELD and f.type is FieldType.NUMBER for f in item_type.form)


def _check(tenant: Tenant, item_type: ItemType, new: NewItem) -> None:
    """A dry run's check of one new task: the form's answers and the item's own rules (dates, title, size), as the
    create use case applies them, on an item that is never stored."""
    validate_answers(item_type.form, new.fields)
    draft = Item(tenant_id=tenant.id, id="dry-run", ref="", kind="task", type_id=item_type.id, title="-",
                 status="new", status_category=Category.NEW, created_at="", updated_at="")
    changes = {"title": new.title, "description": new.description, "assignees": new.assignees, **new.extra}
    diff_and_apply(draft, {k: v for k, v in changes.items() if k == "title" or v not in (None, "")})


def _error(uid: int, exc: DomainError) -> dict[str, Any]:
    where = exc.details.get("field") or ", ".join(sorted(exc.details.get("fields", {}))) or ""
    return {"uid": uid, "field": str(where), "message": exc.message}


# -- pass 2: hierarchy and predecessors ---------------------------------------------------------------------------


def _wanted(plan: Plan, refs: dict[int, str]) -> dict[int, tuple[list[Link], list[str]]]:
    """Each task's links (its parent, its children) and predecessors, as references of the items that exist."""
    out: dict[int, tuple[list[Link], list[str]]] = {t.uid: ([], []) for t in plan.tasks if t.uid in refs}
    for t in plan.tasks:
        if t.uid not in refs:
            continue
        if t.parent_uid in refs:
            out[t.uid][0].append(Link("parent", refs[t.parent_uid]))
            out[t.parent_uid][0].append(Link("child", refs[t.uid]))
        out[t.uid][1].extend(refs[u] for u in t.predecessor_uids if u in refs)
    return out


def _link(deps: Deps, p: Principal, tenant: Tenant, plan: Plan, refs: dict[int, str],
          result: PlanImportResult) -> None:
    """Set what each task misses of its links and predecessors, successors first (see plan_graph), reading the
    items in batches. Authorisation was decided for the whole import (ADMINISTER on the project), so the update
    use case runs without a principal: every reference is an item this import created in that project."""
    wanted = _wanted(plan, refs)
    order = [u for u in successors_first({t.uid: t.predecessor_uids for t in plan.tasks}) if u in wanted]
    for start in range(0, len(order), BATCH):
        chunk = order[start:start + BATCH]
        items = {i.ref: i for i in deps.repos.items.many(tenant.id, [refs[u] for u in chunk])}
        for uid in chunk:
            item = items.get(refs[uid])
            if item is None:
                result.errors.append({"uid": uid, "field": "ref", "message": f"item {refs[uid]} no longer exists"})
                continue
            try:
                _complete(deps, p, tenant, item, *wanted[uid])
            except (ValidationError, TooLarge, Conflict) as exc:
                result.errors.append(_error(uid, exc))


def _complete(deps: Deps, p: Principal, tenant: Tenant, item: Item, links: list[Link], preds: list[str]) -> None:
    for attempt in range(3):
        changes: dict[str, Any] = {}
        have = {(link.kind, link.ref) for link in item.links}
        missing = [link for link in links if (link.kind, link.ref) not in have]
        if missing:
            changes["links"] = [*item.links, *missing]
        if any(r not in item.predecessors for r in preds):
            changes["predecessors"] = list(dict.fromkeys([*item.predecessors, *preds]))
        if not changes:
            return
        try:
            change_item(deps, tenant, item, changes, actor_id=p.user_id, cause=Cause.USER, note=NOTE)
            return
        except Conflict:
            fresh = deps.repos.items.get(tenant.id, item.ref)  # someone changed it meanwhile: merge into theirs
            if fresh is None or attempt == 2:
                raise
            item = fresh


# -- resources → assignees -------------------------------------------------------------------------------------------


def name_key(name: str) -> str:
    """Names compared without case, accents or extra spaces: "Ólaf  OUTSIDER" is "olaf outsider"."""
    return " ".join(fold(name).split())


Matches = tuple[dict[int, str], list[PlanResource]]


def match_resources(deps: Deps, tenant_id: str, resources: list[PlanResource]) -> Matches:
    """Resources → `user:<id>` of active staff users: by email, else by name (a name two people share matches
    nobody). Answers the matches by resource UID and the resources left unmatched."""
    matched: dict[int, str] = {}
    unmatched: list[PlanResource] = []
    by_name: dict[str, User | None] | None = None
    for r in resources:
        user = _by_email(deps, tenant_id, r.email)
        if user is None:
            by_name = _staff_by_name(deps, tenant_id) if by_name is None else by_name
            user = by_name.get(name_key(r.name))
        if user is None:
            unmatched.append(r)
        else:
            matched[r.uid] = f"user:{user.id}"
    return matched, unmatched


def _is_staff(user: User | None) -> bool:
    return user is not None and user.active and user.role in (Role.ADMIN, Role.AGENT)


def _by_email(deps: Deps, tenant_id: str, email: str | None) -> User | None:
    if not email:
        return None
    user = deps.repos.users.by_email(tenant_id, email.strip().lower())
    return user if _is_staff(user) else None


def _staff_by_name(deps: Deps, tenant_id: str) -> dict[str, User | None]:
    found: dict[str, User | None] = {}
    after = None
    while True:
        page = deps.repos.users.list(tenant_id, staff=True, limit=200, after=after)
        for user in page.items:
            if _is_staff(user):
                key = name_key(user.name)
                found[key] = None if key in found else user  # two people of one name: neither is a match
        if not page.after:
            return found
        after = page.after


def _resource_out(r: PlanResource) -> dict[str, Any]:
    return {"uid": r.uid, "name": r.name, "email": r.email}

