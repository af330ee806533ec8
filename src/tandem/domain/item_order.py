"""The sort keys of item lists, shared by the PynamoDB repo (index range keys) and its in-memory twin (so both
order and page alike). Every key ends in `#{item id}`: unique, so a page position is exact."""
from __future__ import annotations

from collections.abc import Callable

from tandem.domain.items import Item

# Most urgent first when read ascending; an unknown priority sorts after the known ones.
RANK = {"urgent": "0", "high": "1", "normal": "2", "low": "3"}
NO_DUE = "~"  # after every date: no due date sorts last when read ascending, first when read descending


def activity_key(item: Item) -> str:
    """Last activity: `updated_at` moves on every change and every message."""
    return f"{item.updated_at}#{item.id}"


def created_key(item: Item) -> str:
    return f"{item.created_at}#{item.id}"


def priority_key(item: Item) -> str:
    """Most urgent first, then oldest first (first come, first served within a priority)."""
    return f"{RANK.get(item.priority, '9')}#{item.created_at}#{item.id}"


def due_key(item: Item) -> str:
    """Earliest due date first, then oldest first; items without a due date after all others."""
    return f"{item.due_date or NO_DUE}#{item.created_at}#{item.id}"


ORDER_KEYS: dict[str, Callable[[Item], str]] = {
    "updated_at": activity_key,
    "created_at": created_key,
    "priority": priority_key,
    "due_date": due_key,
}


def order_of(sort: str) -> tuple[str, bool]:
    """(order, forward): which key a sort reads and whether ascending. `-priority` is most urgent first, which the
    priority key holds ascending; every other `-x` is the key read backwards."""
    order = sort.removeprefix("-")
    if order not in ORDER_KEYS:
        raise ValueError(f"unknown sort {sort!r}")
    descending = sort.startswith("-")
    return order, descending if order == "priority" else not descending
