"""Per-kind lifecycle statuses; each carries a category the rest of the system reasons about."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    NEW = "new"
    OPEN = "open"
    WAITING = "waiting"
    DONE = "done"
    CLOSED = "closed"


@dataclass(frozen=True)
class Status:
    key: str
    name: str
    category: Category


def default_statuses() -> dict[str, list[Status]]:
    """The lifecycle a new tenant starts with, per kind."""
    return {
        "ticket": [
            Status("new", "New", Category.NEW),
            Status("open", "Open", Category.OPEN),
            Status("waiting", "Waiting on customer", Category.WAITING),
            Status("customer_replied", "Customer replied", Category.OPEN),
            Status("resolved", "Resolved", Category.DONE),
            Status("closed", "Closed", Category.CLOSED),
        ],
        "task": [
            Status("todo", "To do", Category.NEW),
            Status("in_progress", "In progress", Category.OPEN),
            Status("blocked", "Blocked", Category.WAITING),
            Status("done", "Done", Category.DONE),
            Status("cancelled", "Cancelled", Category.CLOSED),
        ],
    }


def status_for_category(statuses: list[Status], category: Category) -> Status:
    """The first status of a lifecycle in `category` (used when an item changes kind)."""
    return next((s for s in statuses if s.category == category), statuses[0])
