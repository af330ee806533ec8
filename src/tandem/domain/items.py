"""Work items: tickets and tasks share one model; a lifecycle status carries a category."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal, get_type_hints

import msgspec
from msgspec import Meta

from tandem.domain.errors import TooLarge, ValidationError
from tandem.domain.exposure import exposed, patchable
from tandem.domain.item_types import check_priority
from tandem.domain.limits import (
    ITEM_BYTES,
    LIST,
    PREDECESSORS,
    Answers,
    Date,
    Description,
    Id,
    Ids,
    Percent,
    Points,
    Predecessors,
    Tags,
    Title,
)
from tandem.domain.statuses import Category

REF_RE = re.compile(r"^([TK])-(\d{1,12})$")
PREFIX = {"ticket": "T", "task": "K"}
Kind = Literal["ticket", "task"]


class Cause(StrEnum):
    """Why a change happened; every activity entry and rule decision carries one."""

    USER = "user"
    RULE = "rule"
    EMAIL = "email"
    API = "api"
    TIMER = "timer"
    WEBHOOK = "webhook"  # an inbound webhook endpoint (the activity note names it)


@dataclass
class Link:
    kind: Literal["parent", "child", "relates_to"]
    ref: Annotated[str, Meta(pattern=r"^[TKtk]-\d{1,12}$", max_length=20)]


@dataclass
class Item:
    """A ticket or task. This dataclass is the one declaration of an item's fields: the API's item models
    (tandem.schemas.items) are derived from it, with the limits and exposure written on each field here."""

    tenant_id: str = exposed(hidden=True)
    id: str = exposed()
    ref: str = exposed()
    kind: Kind = exposed(create=True)
    type_id: Id = exposed(create=True, patch=True)
    title: Title = exposed(create=True, patch=True)
    status: Id = exposed(patch=True)
    status_category: Category = exposed()
    created_at: str = exposed()
    updated_at: str = exposed()
    description: Description = exposed(create=True, patch=True, default="")
    priority: Id = exposed(create=True, patch=True, default="normal")
    requester_id: Id | None = exposed(create=True, patch=True, name="requester", default=None)
    organization_id: str | None = exposed(default=None)
    assignees: Ids = exposed(create=True, patch=True, default_factory=list)
    followers: Ids = exposed(create=True, patch=True, default_factory=list)
    project_id: Id | None = exposed(create=True, patch=True, default=None)
    # A sub-folder of the item's project (issue 15, domain/folders.py); moving the item to another project clears it.
    folder_id: Id | None = exposed(create=True, patch=True, default=None)
    fields: Answers = exposed(create=True, patch=True, default_factory=dict)
    due_date: Date | None = exposed(create=True, patch=True, default=None)
    planned_start: Date | None = exposed(create=True, patch=True, default=None)
    planned_finish: Date | None = exposed(create=True, patch=True, default=None)
    actual_start: Date | None = exposed(create=True, patch=True, default=None)
    actual_finish: Date | None = exposed(create=True, patch=True, default=None)
    start_no_earlier_than: Date | None = exposed(create=True, patch=True, default=None)
    finish_no_later_than: Date | None = exposed(create=True, patch=True, default=None)
    # Finish-to-start: this item should start after each of these finishes (domain/planning.py reports breaks).
    predecessors: Predecessors = exposed(create=True, patch=True, default_factory=list)
    percent_complete: Percent = exposed(create=True, patch=True, default=0)
    points: Points | None = exposed(create=True, patch=True, default=None)
    tags: Tags = exposed(create=True, patch=True, default_factory=list)
    links: Annotated[list[Link], Meta(max_length=LIST)] = exposed(create=True, patch=True, default_factory=list)
    portal_visible: bool = exposed(create=True, patch=True, default=True)
    former_refs: list[str] = exposed(default_factory=list)
    via: str = exposed(default="web")
    # Who made the latest change: lets the rules engine skip its own echo and bound chains of rule changes.
    cause_rule: str | None = exposed(hidden=True, default=None)
    rule_depth: int = exposed(hidden=True, default=0)
    # The person behind the latest change (None for mail from no one known, rules, timers): the stream's change
    # events carry the item only, and in-app notifications must not tell people what they did themselves.
    changed_by: str | None = exposed(hidden=True, default=None)
    sla_policy_id: str | None = exposed(hidden=True, default=None)
    sla: dict[str, Any] = exposed(default_factory=dict)  # clocks and due times, see domain/sla.py
    version: int = exposed(default=0)


def format_ref(kind: str, number: int) -> str:
    return f"{PREFIX[kind]}-{number}"


def check_ref(ref: str) -> str:
    """References are `T-<n>` or `K-<n>`; anything else is a 404, not a lookup."""
    ref = (ref or "").strip().upper()
    if not REF_RE.match(ref):
        raise ValidationError("not an item reference", {"ref": ref})
    return ref


# Fields a PATCH may set directly (status and type have their own checks in the use case).
PATCHABLE = patchable(Item)
# Calendar dates, normalised to YYYY-MM-DD: every field declared as a `Date`.
DATE_FIELDS = tuple(n for n, t in get_type_hints(Item, include_extras=True).items() if t == Date | None)


def _check_value(name: str, value: Any) -> Any:
    if name == "title":
        if not isinstance(value, str) or not value.strip():
            raise ValidationError("title must not be empty", {"field": "title"})
        return value.strip()
    if name == "priority":
        return check_priority(value)
    if name in DATE_FIELDS and value is not None:
        try:
            return date.fromisoformat(str(value)[:10]).isoformat()
        except ValueError as exc:
            raise ValidationError(f"{name} must be a date (YYYY-MM-DD)", {"field": name}) from exc
    if name == "percent_complete":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise ValidationError("percent_complete must be an integer 0-100", {"field": name})
    if name in ("assignees", "followers", "tags") and (
        not isinstance(value, list) or not all(isinstance(v, str) for v in value)
    ):
        raise ValidationError(f"{name} must be a list of strings", {"field": name})
    if name == "links":
        return [v if isinstance(v, Link) else Link(kind=v["kind"], ref=v["ref"]) for v in value or []]
    if name == "predecessors":
        return list(dict.fromkeys(predecessor_refs(value)))
    return value


def predecessor_refs(value: Any) -> list[str]:
    """Predecessors as given, checked to be references and upper-cased (whether they exist is the use case's
    check: services/planning.py)."""
    if not isinstance(value, list):
        raise ValidationError("predecessors must be a list of item references", {"field": "predecessors"})
    if len(value) > PREDECESSORS:
        raise ValidationError(f"at most {PREDECESSORS} predecessors", {"field": "predecessors"})
    refs: list[str] = []
    for n, ref in enumerate(value):
        if not isinstance(ref, str) or not REF_RE.match(ref.strip().upper()):
            raise ValidationError("not an item reference", {"field": f"predecessors[{n}]"})
        refs.append(ref.strip().upper())
    return refs


def _check_plan(item: Item, changed: dict[str, Any]) -> None:
    """A plan ends on or after its start (checked when either date changes: older data is left as it is), and an
    item is not its own predecessor."""
    if item.ref and item.ref in changed.get("predecessors", ()):
        at = changed["predecessors"].index(item.ref)
        raise ValidationError("an item cannot be its own predecessor", {"field": f"predecessors[{at}]"})
    if "planned_start" not in changed and "planned_finish" not in changed:
        return
    if item.planned_start and item.planned_finish and item.planned_finish < item.planned_start:
        field = "planned_finish" if "planned_finish" in changed else "planned_start"
        raise ValidationError("planned_finish must not be before planned_start", {"field": field})


def diff_and_apply(item: Item, changes: dict[str, Any]) -> tuple[Item, dict[str, list[Any]]]:
    """Apply field changes, returning the new item and `{field: [old, new]}` for what really changed."""
    unknown = set(changes) - set(PATCHABLE)
    if unknown:
        raise ValidationError("these fields cannot be changed", {"fields": sorted(unknown)})
    clean = {name: _check_value(name, value) for name, value in changes.items()}
    diff = {n: [getattr(item, n), v] for n, v in clean.items() if getattr(item, n) != v}
    updated = replace(item, **{n: new for n, (_, new) in diff.items()})
    _check_plan(updated, clean)
    check_size(updated)
    return updated, diff


def check_size(item: Item) -> None:
    """An item is one stored record: its content (with every custom answer added over time) must fit in it."""
    size = len(msgspec.json.encode(item))
    if size > ITEM_BYTES:
        raise TooLarge(f"the item would take {size} bytes; at most {ITEM_BYTES} fit", {"limit": ITEM_BYTES})


def item_field_names() -> list[str]:
    return [f.name for f in fields(Item)]
