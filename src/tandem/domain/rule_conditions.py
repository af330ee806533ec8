"""When a rule applies: conditions `{field, op, value}` in `{"all": [...]}` / `{"any": [...]}` groups, nested.

On the wire a group is an object with exactly one of `all` / `any`, and an entry of its list is either a
condition or a group. msgspec cannot tell two untagged objects apart, so the wire type is one node struct
with every key optional (`ConditionGroup` / `ConditionNode`, which also document the API); the shape rules
msgspec cannot state are checked here, path by path, and the result is the engine's `Group` of `Condition`s.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from tandem.domain.decoding import decode_as
from tandem.domain.errors import ValidationError

MAX_NESTING = 5  # groups within groups
MAX_CONDITIONS = 50  # per group

Operator = Literal[
    "equals", "not_equals", "in", "not_in", "contains", "not_contains", "starts_with", "is_empty", "is_not_empty",
    "gt", "lt", "gte", "lte", "changed", "changed_from", "changed_to", "domain_is",
]
OPERATORS: frozenset[str] = frozenset(Operator.__args__)  # type: ignore[attr-defined]
FieldPath = Annotated[
    str, Meta(min_length=1, max_length=100, pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$")
]
Scalar = Annotated[str, Meta(max_length=1_000)] | bool | int | float
ConditionValue = Scalar | Annotated[list[Scalar], Meta(max_length=200)] | None


class Condition(msgspec.Struct, frozen=True):
    """`field` of the situation (`priority`, `fields.budget`, `requester.domain`, `message.body` …) `op` `value`."""

    field: str
    op: str
    value: Any = None


class Group(msgspec.Struct):
    """The engine's form of a group: every (`all`) or some (`any`) entry holds; an empty group always holds."""

    mode: Literal["all", "any"] = "all"
    conditions: list[Condition | Group] = msgspec.field(default_factory=list)


class ConditionNode(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """An entry of a condition group: a condition `{field, op, value}` or a nested group `{all|any: [...]}`."""

    field: FieldPath | UnsetType = UNSET
    op: Operator | UnsetType = UNSET
    value: ConditionValue | UnsetType = UNSET
    all: Annotated[list[ConditionNode], Meta(max_length=MAX_CONDITIONS)] | UnsetType = UNSET
    any: Annotated[list[ConditionNode], Meta(max_length=MAX_CONDITIONS)] | UnsetType = UNSET


class ConditionGroup(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """A rule's conditions: exactly one of `all` (every entry holds) or `any` (at least one does)."""

    all: Annotated[list[ConditionNode], Meta(max_length=MAX_CONDITIONS)] | UnsetType = UNSET
    any: Annotated[list[ConditionNode], Meta(max_length=MAX_CONDITIONS)] | UnsetType = UNSET


def _bad(path: str, message: str) -> ValidationError:
    return ValidationError(f"{path}: {message}", {"field": path})


def _group(node: ConditionNode | ConditionGroup, path: str, depth: int) -> Group:
    modes = [m for m in ("all", "any") if getattr(node, m) is not UNSET]
    if len(modes) != 1:
        raise _bad(path, "a condition group has exactly one of all / any")
    if depth > MAX_NESTING:
        raise _bad(path, f"condition groups nest at most {MAX_NESTING} deep")
    mode = modes[0]
    entries: list[Condition | Group] = []
    for n, entry in enumerate(getattr(node, mode)):
        at = f"{path}.{mode}[{n}]"
        is_group = entry.all is not UNSET or entry.any is not UNSET
        if is_group and (entry.field, entry.op, entry.value) != (UNSET, UNSET, UNSET):
            raise _bad(at, "an entry is either a condition {field, op, value} or a group {all|any: [...]}")
        if is_group:
            entries.append(_group(entry, at, depth + 1))
        elif entry.field is UNSET:
            raise _bad(f"{at}.field", "a condition needs a field")
        elif entry.op is UNSET:
            raise _bad(f"{at}.op", "a condition needs an operator")
        else:
            entries.append(Condition(entry.field, entry.op, None if entry.value is UNSET else entry.value))
    return Group(mode, entries)


def decode_conditions(raw: Any, root: str = "conditions") -> Group:
    """Parsed JSON → the engine's Group. None is the empty group, a bare list means `all`.

    Raises ValidationError whose details name the bad part, e.g. `conditions.all[0].op`."""
    if raw is None:
        return Group()
    if isinstance(raw, list):
        raw = {"all": raw}
    return _group(decode_as(raw, ConditionGroup, root), root, 1)


def group_json(group: Group) -> dict[str, Any]:
    """The engine's Group → its JSON shape `{all|any: [{field, op, value} | group, ...]}`."""
    return {
        group.mode: [
            group_json(c) if isinstance(c, Group) else {"field": c.field, "op": c.op, "value": c.value}
            for c in group.conditions
        ]
    }


def condition_fields(group: Group, root: str = "conditions") -> list[tuple[str, str]]:
    """Every condition's field with the path of that field, depth first: what a use case checks names against."""
    found: list[tuple[str, str]] = []
    for n, entry in enumerate(group.conditions):
        at = f"{root}.{group.mode}[{n}]"
        if isinstance(entry, Group):
            found += condition_fields(entry, at)
        else:
            found.append((f"{at}.field", entry.field))
    return found
