"""Queues: their counts for the caller (`GET /v1/queues`), and the stream part that keeps the counters in step."""

from __future__ import annotations

from collections import Counter

from tandem.domain.errors import Forbidden
from tandem.domain.events import Event, ItemChanged, ItemCreated, ItemStored
from tandem.domain.hierarchy import Project, user_ref
from tandem.domain.permissions import Action, Area, AreaTarget, Principal, allowed, sees_every_item
from tandem.domain.queues import (
    TENANT,
    Queue,
    QueueCounts,
    assignee_counter,
    deltas,
    member_projects,
    project_counter,
    queues,
    tallies,
)
from tandem.services.access import tenant_of
from tandem.services.deps import Deps
from tandem.services.ports import ItemQuery


def count_change(deps: Deps, event: Event) -> bool:
    """Stream part: add what an item's change means to the queue counters, exactly once per stream event (a
    redelivered event finds its marker and adds nothing). True when counters changed."""
    if isinstance(event, ItemCreated):
        old, new = None, event.item
    elif isinstance(event, ItemChanged | ItemStored):
        old, new = event.old, event.new
    else:
        return False
    change = deltas(old, new)
    item = new or old
    if not change or item is None:
        return False
    return deps.repos.queue_counts.apply(item.tenant_id, event.event_id, change)


def list_queues(deps: Deps, p: Principal) -> list[Queue]:
    """The caller's queues with counts of the items it may see: one read of counters, whatever the tenant's size
    (an agent limited to its projects also reads the project list, to know which those are)."""
    if not allowed(p, Action.READ, AreaTarget(p.tenant_id, Area.QUEUES)):
        raise Forbidden("queues are for staff")
    tenant = tenant_of(deps, p)
    me = user_ref(p.user_id)
    if not sees_every_item(p, tenant):
        member_of = member_projects(_projects(deps, tenant.id), p.user_id, p.team_ids)
        refs = p.refs
        names = [project_counter(None), *(project_counter(pid) for pid in sorted(member_of))]
        names += [assignee_counter(ref) for ref in sorted(refs)]
        counts = QueueCounts.for_agent(deps.repos.queue_counts.read(tenant.id, names), me, refs, member_of)
    else:
        counters = deps.repos.queue_counts.read(tenant.id, [TENANT, assignee_counter(me)])
        counts = QueueCounts.for_everything(counters, me)
    return queues(counts)


def _projects(deps: Deps, tenant_id: str) -> list[Project]:
    found, after = [], None
    while True:
        page = deps.repos.projects.list(tenant_id, limit=200, after=after)
        found += page.items
        after = page.after
        if not after:
            return found


def reindex_tenant(deps: Deps, tenant_id: str) -> int:
    """Bring a tenant's stored items up to the list orders and queues: every item record gets today's index keys
    (content and version untouched, so the stream sees no change) and the queue counters are set from the items.
    Run once after deploying this onto existing data; a change made while it runs may be counted twice or not at
    all (the stream adds it, the recount may not have seen it), so run it at a quiet moment or once more.
    Answers how many items it went through."""
    totals: Counter[tuple[str, str]] = Counter()
    seen, after = 0, None
    while True:  # last-activity order over gsi1: a reindexed item moves forward, never into the unread part
        page = deps.repos.items.query(ItemQuery(tenant_id, limit=200, after=after))
        for item in page.items:
            if not deps.repos.items.reindex(item):  # changed meanwhile: its own write carried the new keys
                item = deps.repos.items.get(tenant_id, item.ref) or item
            totals.update(tallies(item))
            seen += 1
        after = page.after
        if not after:
            break
    counters: dict[str, dict[str, int]] = {TENANT: {"open": 0, "unassigned": 0}}
    for project in _projects(deps, tenant_id):  # a project or person with nothing open anymore reads 0
        counters[project_counter(project.id)] = {"open": 0, "unassigned": 0}
    for (counter, name), amount in totals.items():
        counters.setdefault(counter, {})[name] = amount
    deps.repos.queue_counts.replace(tenant_id, counters)
    return seen
