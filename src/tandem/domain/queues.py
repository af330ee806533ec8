"""Work queues: list orders, what "open" means, and the counters behind the queue counts.

A queue is a saved filter of the item list (`GET /v1/items`) with a count. Counting items by listing them would
grow with the tenant, so each item instead adds 1 to a few counters while it is open (see `tallies`); the stream
keeps them in step with every change (`deltas`), and a caller's count adds up the counters of what it may see
(`QueueCounts.for_agent`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from tandem.domain.hierarchy import Project
from tandem.domain.items import Item
from tandem.domain.statuses import Category

# Work still to do: a queue's items. Done and closed items leave every queue.
OPEN = (Category.NEW, Category.OPEN, Category.WAITING)
ORDERS = ("updated_at", "created_at", "priority", "due_date")
SORTS = tuple(s for o in ORDERS for s in (o, f"-{o}"))
Sort = Literal[
    "updated_at", "-updated_at", "created_at", "-created_at", "priority", "-priority", "due_date", "-due_date"
]
DEFAULT_SORT = "-updated_at"
ME = "me"  # `assignee=me`: the caller

# Counter records: the whole tenant, one per project ("-" holds the items of no project), one per assignee
# (a "user:<id>" or "team:<id>" ref). Fields: `open`, `unassigned`, and on assignee records `open@<project>`.
# One per sub-folder of a project (issue 15), field `items`: every item filed in it, open or not.
TENANT = "tenant"
NO_PROJECT = "-"


def is_open(item: Item | None) -> bool:
    return item is not None and item.status_category in OPEN


def project_counter(project_id: str | None) -> str:
    return f"project:{project_id or NO_PROJECT}"


def assignee_counter(ref: str) -> str:
    return f"assignee:{ref}"


def folder_counter(folder_id: str) -> str:
    return f"folder:{folder_id}"


def tallies(item: Item | None) -> Counter[tuple[str, str]]:
    """The (counter, field) pairs an item adds 1 to: its folder's `items` (open or not: a folder is deleted only
    when empty, issue 15), and the queues' counters while it is open."""
    out: Counter[tuple[str, str]] = Counter()
    if item is not None and item.folder_id:
        out[(folder_counter(item.folder_id), "items")] = 1
    if item is None or not is_open(item):
        return out
    project = project_counter(item.project_id)
    out.update({(TENANT, "open"): 1, (project, "open"): 1})
    if not item.assignees:
        out.update({(TENANT, "unassigned"): 1, (project, "unassigned"): 1})
    for ref in dict.fromkeys(item.assignees):
        # Per project too: an agent sees items assigned to it even in projects it is no member of.
        counter = assignee_counter(ref)
        out.update({(counter, "open"): 1, (counter, f"open@{item.project_id or NO_PROJECT}"): 1})
    return out


def deltas(old: Item | None, new: Item | None) -> dict[str, dict[str, int]]:
    """What a change adds to each counter (`old`/`new` None: the item appeared / went away); only non-zero
    amounts, grouped by counter record."""
    diff = tallies(new)
    diff.subtract(tallies(old))
    out: dict[str, dict[str, int]] = {}
    for (counter, name), amount in sorted(diff.items()):
        if amount:
            out.setdefault(counter, {})[name] = amount
    return out


@dataclass
class QueueCounts:
    """The three counts of the workspace's queues."""

    mine: int = 0
    unassigned: int = 0
    open: int = 0

    @staticmethod
    def for_everything(counters: dict[str, dict[str, int]], me: str) -> QueueCounts:
        """A caller who sees every item of the tenant (admins, API keys, agents where agents see all)."""
        tenant = counters.get(TENANT, {})
        mine = counters.get(assignee_counter(me), {})
        return QueueCounts(_n(mine, "open"), _n(tenant, "unassigned"), _n(tenant, "open"))

    @staticmethod
    def for_agent(counters: dict[str, dict[str, int]], me: str, refs: set[str], member_of: set[str]) -> QueueCounts:
        """An agent who sees items of no project, of the projects it is a member of, and items assigned to it or its
        teams (`refs`) anywhere. An item of another project assigned to two of its refs counts once per ref."""
        visible = [project_counter(None), *(project_counter(p) for p in member_of)]
        unassigned = sum(_n(counters.get(c, {}), "unassigned") for c in visible)
        in_projects = sum(_n(counters.get(c, {}), "open") for c in visible)
        elsewhere = 0
        for ref in refs:
            for name, amount in counters.get(assignee_counter(ref), {}).items():
                project = name.removeprefix("open@")
                if name.startswith("open@") and project != NO_PROJECT and project not in member_of:
                    elsewhere += amount
        mine = _n(counters.get(assignee_counter(me), {}), "open")
        return QueueCounts(mine, unassigned, in_projects + elsewhere)


def _n(fields: dict[str, int], name: str) -> int:
    return max(int(fields.get(name, 0)), 0)


def member_projects(projects: list[Project], user_id: str, team_ids: tuple[str, ...]) -> set[str]:
    return {p.id for p in projects if p.has_member(user_id, team_ids)}


@dataclass(frozen=True)
class Queue:
    """One queue as the workspace lists it: the filters are `GET /v1/items` parameters."""

    id: Literal["mine", "unassigned", "open"]
    name: str
    count: int
    filters: dict[str, object] = field(default_factory=dict)


def queues(counts: QueueCounts) -> list[Queue]:
    open_categories = [c.value for c in OPEN]
    return [
        Queue("mine", "My items", counts.mine, {"assignee": ME, "status_category": open_categories}),
        Queue("unassigned", "Unassigned", counts.unassigned, {"unassigned": True, "status_category": open_categories}),
        Queue("open", "All open", counts.open, {"status_category": open_categories}),
    ]
