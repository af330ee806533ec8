"""Work items: tickets and tasks share one model; a lifecycle status carries a category."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import StrEnum
from typing import Any

from tandem.domain.errors import ValidationError
from tandem.domain.item_types import check_priority
from tandem.domain.statuses import Category

REF_RE = re.compile(r"^([TK])-(\d{1,12})$")
PREFIX = {"ticket": "T", "task": "K"}


class Cause(StrEnum):
    """Why a change happened; every activity entry and rule decision carries one."""

    USER = "user"
    RULE = "rule"
    EMAIL = "email"
    API = "api"
    TIMER = "timer"


@dataclass
class Link:
    kind: str  # parent | child | relates_to
    ref: str


@dataclass
class Item:
    tenant_id: str
    id: str
    ref: str
    kind: str
    type_id: str
    title: str
    status: str
    status_category: Category
    created_at: str
    updated_at: str
    description: str = ""
    priority: str = "normal"
    requester_id: str | None = None
    organization_id: str | None = None
    assignees: list[str] = field(default_factory=list)
    followers: list[str] = field(default_factory=list)
    project_id: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    due_date: str | None = None
    planned_start: str | None = None
    planned_finish: str | None = None
    actual_start: str | None = None
    actual_finish: str | None = None
    start_no_earlier_than: str | None = None
    finish_no_later_than: str | None = None
    percent_complete: int = 0
    points: float | None = None
    tags: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    portal_visible: bool = True
    former_refs: list[str] = field(default_factory=list)
    via: str = "web"
    # Who made the latest change: lets the rules engine skip its own echo and bound chains of rule changes.
    cause_rule: str | None = None
    rule_depth: int = 0
    sla_policy_id: str | None = None
    sla: dict[str, Any] = field(default_factory=dict)  # clocks and due times, see domain/sla.py
    version: int = 0


def format_ref(kind: str, number: int) -> str:
    return f"{PREFIX[kind]}-{number}"


def check_ref(ref: str) -> str:
    """References are `T-<n>` or `K-<n>`; anything else is a 404, not a lookup."""
    ref = (ref or "").strip().upper()
    if not REF_RE.match(ref):
        raise ValidationError("not an item reference", {"ref": ref})
    return ref


# Fields a PATCH may set directly; status, kind and ref have their own rules.
PATCHABLE = (
    "title",
    "description",
    "priority",
    "assignees",
    "followers",
    "project_id",
    "fields",
    "due_date",
    "planned_start",
    "planned_finish",
    "actual_start",
    "actual_finish",
    "start_no_earlier_than",
    "finish_no_later_than",
    "percent_complete",
    "points",
    "tags",
    "links",
    "portal_visible",
    "type_id",
    "status",
    "requester_id",
)
DATE_FIELDS = (
    "due_date",
    "planned_start",
    "planned_finish",
    "actual_start",
    "actual_finish",
    "start_no_earlier_than",
    "finish_no_later_than",
)


def _check_value(name: str, value: Any) -> Any:
    if name == "title":
        if not isinstance(value, str) or not value.strip():
            raise ValidationError("title must not be empty", {"field": "title"})
        return value.strip()[:500]
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
    return value


def diff_and_apply(item: Item, changes: dict[str, Any]) -> tuple[Item, dict[str, list[Any]]]:
    """Apply field changes, returning the new item and `{field: [old, new]}` for what really changed."""
    unknown = set(changes) - set(PATCHABLE)
    if unknown:
        raise ValidationError("these fields cannot be changed", {"fields": sorted(unknown)})
    clean = {name: _check_value(name, value) for name, value in changes.items()}
    diff = {n: [getattr(item, n), v] for n, v in clean.items() if getattr(item, n) != v}
    return replace(item, **{n: new for n, (_, new) in diff.items()}), diff


def item_field_names() -> list[str]:
    return [f.name for f in fields(Item)]
