"""Planning rules: actual dates that follow the status, finish-to-start predecessors without cycles, and the
conflicts a plan has with its constraints and predecessors.

Dates are whole calendar days (YYYY-MM-DD), both ends included: a task planned 1–3 March works on the 3rd, so a
successor may start on the 4th at the earliest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

from tandem.domain.errors import ValidationError
from tandem.domain.items import Item
from tandem.domain.statuses import Category

ConflictCode = Literal["start_before_constraint", "finish_after_constraint", "starts_before_predecessor"]
STARTED = (Category.OPEN, Category.WAITING)
FINISHED = (Category.DONE, Category.CLOSED)
# A cycle check walks the predecessors' predecessors; a plan deeper or wider than this is refused rather than
# read without bound (each level is one batch read).
MAX_WALK = 1000
MAX_LEVELS = 100


@dataclass(frozen=True)
class PlanConflict:
    """A constraint or dependency the plan breaks: allowed, but shown to whoever plans."""

    code: ConflictCode
    message: str
    ref: str | None = None  # the predecessor concerned


def finish_of(item: Item) -> str | None:
    """When an item finishes as far as its successors are concerned: its actual finish, else its plan."""
    return item.actual_finish or item.planned_finish


def conflicts(item: Item, predecessors: Iterable[Item]) -> list[PlanConflict]:
    """The breaks of `item`'s plan: a planned start before *start no earlier than*, a planned finish after *finish
    no later than*, and each predecessor that finishes on or after the planned start (finish-to-start).

    Only dates that are set are compared; `predecessors` are the items `item.predecessors` name (others ignored)."""
    found: list[PlanConflict] = []
    start, finish = item.planned_start, item.planned_finish
    if start and item.start_no_earlier_than and start < item.start_no_earlier_than:
        found.append(PlanConflict("start_before_constraint",
                                  f"Planned start {start} is before its constraint: start no earlier than "
                                  f"{item.start_no_earlier_than}."))
    if finish and item.finish_no_later_than and finish > item.finish_no_later_than:
        found.append(PlanConflict("finish_after_constraint",
                                  f"Planned finish {finish} is after its constraint: finish no later than "
                                  f"{item.finish_no_later_than}."))
    named = set(item.predecessors)
    for pred in predecessors:
        ends = finish_of(pred)
        if not start or not ends or not (named & {pred.ref, *pred.former_refs}) or ends < start:
            continue
        found.append(PlanConflict("starts_before_predecessor",
                                  f"Planned start {start} is not after predecessor {pred.ref} "
                                  f"({pred.title}) finishes on {ends}.", pred.ref))
    return found


def follow_status(before: Item, after: Item, explicit: Iterable[str], today: str) -> tuple[Item, dict[str, list]]:
    """Actual dates that follow a change of status category, as `(item, {field: [old, new]})`.

    Entering open/waiting starts the work (`actual_start` = today when empty); entering done/closed finishes it
    (`actual_finish` = today, and `actual_start` when empty); reopening (done/closed → anything else) clears
    `actual_finish`. A field the same change sets explicitly (`explicit`) is left as the caller gave it."""
    old, new = before.status_category, after.status_category
    if old == new:
        return after, {}
    given = set(explicit)
    values: dict[str, Any] = {}
    if old in FINISHED and new not in FINISHED and after.actual_finish and "actual_finish" not in given:
        values["actual_finish"] = None
    if new in STARTED and not after.actual_start and "actual_start" not in given:
        values["actual_start"] = today
    if new in FINISHED:
        if not after.actual_finish and "actual_finish" not in given:
            values["actual_finish"] = today
        finish = values.get("actual_finish", after.actual_finish)
        if not after.actual_start and "actual_start" not in given:
            values["actual_start"] = min(today, finish) if finish else today
    diff = {name: [getattr(after, name), value] for name, value in values.items() if getattr(after, name) != value}
    return replace(after, **values), diff


def check_acyclic(item: Item, first: list[Item], fetch: Callable[[list[str]], list[Item]]) -> None:
    """422 when making `first` the predecessors of `item` closes a loop (`item` precedes one of them, directly or
    through others). Walks the predecessors of predecessors breadth first; `fetch(refs)` reads one level at once.
    A ref of an item that no longer exists ends its path."""
    own = {item.ref, *item.former_refs} - {""}
    origin: dict[str, int] = {}  # each ref reached → which of `first` it came through (for the error's field)
    parent: dict[str, str | None] = {}
    level: list[Item] = []
    for n, pred in enumerate(first):
        if pred.ref not in origin:
            origin[pred.ref], parent[pred.ref] = n, None
            level.append(pred)
    for _ in range(MAX_LEVELS):
        wanted: list[str] = []
        for node in level:
            for ref in node.predecessors:
                if ref in own:
                    _loop(item, node.ref, parent, origin[node.ref])
                if ref not in origin:
                    origin[ref], parent[ref] = origin[node.ref], node.ref
                    wanted.append(ref)
        if not wanted:
            return
        if len(origin) > MAX_WALK:
            break
        level = fetch(wanted)
        for found in level:  # a retired reference read under the current one: follow it as that one
            asked = next((r for r in (found.ref, *found.former_refs) if r in origin), found.ref)
            if asked != found.ref and found.ref not in origin:
                origin[found.ref], parent[found.ref] = origin[asked], parent[asked]
    raise ValidationError(f"the dependency chain is too long to check (more than {MAX_WALK} items)",
                          {"field": "predecessors"})


def _loop(item: Item, last: str, parent: dict[str, str | None], at: int) -> None:
    path = [last]
    while parent.get(path[-1]):
        path.append(parent[path[-1]])  # type: ignore[arg-type]
    path.reverse()  # from the predecessor given to the one that waits for this item
    chain = " → ".join([item.ref or "this item", *path, item.ref or "this item"])
    raise ValidationError(f"predecessors would form a cycle: {chain}", {"field": f"predecessors[{at}]", "cycle": chain})
