"""Rules: trigger + conditions (all/any groups) + ordered actions, evaluated purely.

The engine here decides *whether* a rule matches a situation and *which* actions it would take;
carrying them out (writes, mail, webhooks) is the use case's job, so a dry run is just `plan()`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from tandem.domain.decoding import decode_as
from tandem.domain.items import Item
from tandem.domain.messages import Message
from tandem.domain.rule_actions import Action, Stop, action_type, actions_json, decode_actions
from tandem.domain.rule_conditions import (
    OPERATORS,
    Condition,
    ConditionGroup,
    ConditionNode,
    Group,
    decode_conditions,
    group_json,
)

__all__ = [
    "OPERATORS", "Action", "Condition", "ConditionGroup", "ConditionNode", "Group", "Macro", "Rule", "RuleOptions",
    "Situation", "Trigger", "Undecoded", "action_type", "actions_json", "decode_actions", "decode_conditions",
    "decode_options", "group_json", "holds", "is_known_field", "matches", "plan",
]

# A chain of rule-caused changes stops here: change → rule → change → rule … at most this deep.
MAX_DEPTH = 3


class Trigger(StrEnum):
    ITEM_CREATED = "item_created"
    ITEM_CHANGED = "item_changed"
    STATUS_CHANGED = "status_changed"
    MESSAGE_ADDED = "message_added"
    EMAIL_RECEIVED = "email_received"
    SLA_WARNING = "sla_warning"
    SLA_BREACH = "sla_breach"
    IDLE = "idle"  # no change for `hours`
    DUE_SOON = "due_soon"  # due date within `hours`


@dataclass
class Undecoded:
    """Parts of a stored definition that no longer decode (written by older code, or edited by hand).

    The raw parts are kept so saving the entity (say, to disable a rule) keeps them; a rule with any fails on
    every run until an update replaces them. `errors` says, per part, why it does not decode."""

    parts: dict[str, Any]
    errors: dict[str, str]

    @property
    def error(self) -> str:
        return "; ".join(self.errors.values())

    def without(self, replaced: set[str]) -> Undecoded | None:
        """What is left once an update wrote the `replaced` parts anew (None: the definition decodes again)."""
        left = {part: raw for part, raw in self.parts.items() if part not in replaced}
        return Undecoded(left, {p: e for p, e in self.errors.items() if p in left}) if left else None


@dataclass
class Rule:
    tenant_id: str
    id: str
    name: str
    trigger: Trigger
    created_at: str
    conditions: Group = field(default_factory=Group)
    actions: list[Action] = field(default_factory=list)
    enabled: bool = True
    position: int = 0
    # Trigger options: message visibility/author ("public", "customer"…), hours for idle/due_soon.
    options: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    # The latest run's failure (cleared by the next success) and when the current run of failures began.
    last_error: str | None = None
    failing_since: str | None = None
    undecoded: Undecoded | None = None


@dataclass
class Macro:
    """An agent-applied bundle of the same actions rules take."""

    tenant_id: str
    id: str
    name: str
    created_at: str
    actions: list[Action] = field(default_factory=list)
    version: int = 0
    undecoded: Undecoded | None = None


@dataclass
class Situation:
    """Everything a rule may look at; built by the use case from a change event."""

    trigger: Trigger
    item: Item
    old: Item | None = None
    message: Message | None = None
    message_author_role: str | None = None  # customer | agent | admin | None (bot / system)
    requester_email: str | None = None
    # Who wrote `message` (its author's address); without a message the item came from its requester.
    sender_email: str | None = None
    depth: int = 0
    caused_by_rule: str | None = None


class MessageOptions(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """`message_added` rules may narrow to a visibility and to who wrote (`agent` covers admins)."""

    visibility: Literal["public", "private"] | None = None
    author: Literal["customer", "agent"] | None = None


class TimeOptions(msgspec.Struct, forbid_unknown_fields=True):
    """`idle` (no change for `hours`) and `due_soon` (due date within `hours`) need the threshold."""

    hours: Annotated[int, Meta(gt=0, le=24 * 366)] | Annotated[float, Meta(gt=0, le=24 * 366)]


class NoOptions(msgspec.Struct, forbid_unknown_fields=True):
    """The other triggers take no options."""


class RuleOptions(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Every trigger option, for the API document: `visibility` / `author` for message_added, `hours` (required)
    for idle and due_soon, nothing for the other triggers. Which apply is checked by `decode_options`."""

    visibility: Literal["public", "private"] | None = None
    author: Literal["customer", "agent"] | None = None
    hours: Annotated[int, Meta(gt=0, le=24 * 366)] | Annotated[float, Meta(gt=0, le=24 * 366)] | None = None

OPTIONS: dict[Trigger, type] = {
    Trigger.MESSAGE_ADDED: MessageOptions,
    Trigger.IDLE: TimeOptions,
    Trigger.DUE_SOON: TimeOptions,
}


def decode_options(trigger: Trigger, raw: Any, root: str = "options") -> dict[str, Any]:
    """A trigger's options, checked: unknown keys are refused, idle/due_soon need `hours`."""
    options = decode_as({} if raw is None else raw, OPTIONS.get(trigger, NoOptions), root)
    return msgspec.to_builtins(options)


def _read(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, part, None)
    return obj


def _domain(email: str | None) -> str | None:
    return email.rsplit("@", 1)[-1].lower() if email else None


def value_of(s: Situation, path: str, *, old: bool = False) -> Any:
    """A field of the situation: item fields by name, `fields.<key>`, `requester.email|domain`,
    `sender.email|domain` (the message's author, else the requester), `message.*`."""
    item = s.old if old else s.item
    if path in ("requester.email", "requester_email"):
        return s.requester_email
    if path in ("requester.domain", "requester_domain"):
        return _domain(s.requester_email)
    if path in ("sender.email", "sender.domain"):
        sender = s.sender_email if s.message is not None else s.requester_email
        return sender if path == "sender.email" else _domain(sender)
    if path == "message.author_role":
        return s.message_author_role
    if path.startswith("message."):
        return _read(s.message, path.removeprefix("message."))
    value = _read(item, path)
    return value.value if hasattr(value, "value") and not isinstance(value, str | int | float) else value


_SITUATION_FIELDS = frozenset(
    {"requester.email", "requester_email", "requester.domain", "requester_domain", "sender.email", "sender.domain",
     "message.author_role"}
)
_ITEM_FIELDS = frozenset(f.name for f in fields(Item))
_MESSAGE_FIELDS = frozenset(f.name for f in fields(Message))


def is_known_field(path: str, custom_keys: set[str] | frozenset[str]) -> bool:
    """Whether `value_of` can ever find something at `path`: a misspelt field would silently never match.

    `custom_keys` are the tenant's custom-field keys (`fields.<key>`); `sla.*` reaches into the clocks."""
    if path in _SITUATION_FIELDS:
        return True
    head, _, rest = path.partition(".")
    if head == "message":
        return rest in _MESSAGE_FIELDS
    if head == "fields":
        return rest == "" or rest in custom_keys
    return head in _ITEM_FIELDS and (rest == "" or head == "sla")


def _comparable(a: Any, b: Any) -> tuple[Any, Any]:
    """Numbers compare as numbers, ISO dates as dates, everything else as case-folded text."""
    try:
        return float(a), float(b)
    except (TypeError, ValueError):
        pass
    try:
        return date.fromisoformat(str(a)[:10]), date.fromisoformat(str(b)[:10])
    except ValueError:
        return str(a).casefold(), str(b).casefold()


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    return a == b


def _test(op: str, actual: Any, expected: Any, s: Situation, path: str) -> bool:
    if op in ("changed", "changed_from", "changed_to"):
        if s.old is None:
            return False  # a creation is not a change of any field
        before = value_of(s, path, old=True)
        if before == actual:
            return False
        return op == "changed" or _equal(before if op == "changed_from" else actual, expected)
    if op == "is_empty":
        return actual in (None, "", [], {})
    if op == "is_not_empty":
        return actual not in (None, "", [], {})
    if actual is None:
        return op in ("not_equals", "not_in", "not_contains")
    return _compare(op, actual, expected)


def _compare(op: str, actual: Any, expected: Any) -> bool:
    if op == "equals":
        return _equal(actual, expected)
    if op == "not_equals":
        return not _equal(actual, expected)
    if op in ("in", "not_in"):
        found = any(_equal(actual, e) for e in (expected or []))
        return found if op == "in" else not found
    if op in ("contains", "not_contains"):
        hay = actual if isinstance(actual, list) else str(actual).casefold()
        needle = expected if isinstance(actual, list) else str(expected).casefold()
        return (needle in hay) if op == "contains" else needle not in hay
    if op == "starts_with":
        return str(actual).casefold().startswith(str(expected).casefold())
    if op == "domain_is":
        domain = str(actual).rsplit("@", 1)[-1].casefold()
        wanted = expected if isinstance(expected, list) else [expected]
        return any(domain == str(w).lstrip("@").casefold() for w in wanted)
    a, b = _comparable(actual, expected)
    try:
        return {"gt": a > b, "lt": a < b, "gte": a >= b, "lte": a <= b}[op]
    except TypeError:
        return False


def holds(group: Group, s: Situation) -> bool:
    """Whether a condition group holds (an empty group always does)."""
    results = (holds(c, s) if isinstance(c, Group) else _test(c.op, value_of(s, c.field), c.value, s, c.field)
               for c in group.conditions)
    return all(results) if group.mode == "all" else any(results) if group.conditions else True


def _trigger_fits(rule: Rule, s: Situation) -> bool:
    if rule.trigger == s.trigger:
        pass
    elif rule.trigger is Trigger.ITEM_CHANGED and s.trigger is Trigger.STATUS_CHANGED:
        pass  # a status change is a change
    else:
        return False
    if s.trigger is Trigger.MESSAGE_ADDED and s.message is not None:
        wanted_vis, wanted_author = rule.options.get("visibility"), rule.options.get("author")
        if wanted_vis and s.message.visibility.value != wanted_vis:
            return False
        if wanted_author == "customer" and s.message_author_role != "customer":
            return False
        if wanted_author == "agent" and s.message_author_role not in ("agent", "admin"):
            return False
    return True


def matches(rule: Rule, s: Situation) -> bool:
    """Enabled, fits the trigger, not the rule's own echo, within the depth limit, and the conditions hold."""
    if not rule.enabled or not _trigger_fits(rule, s):
        return False
    if s.caused_by_rule == rule.id or s.depth >= MAX_DEPTH:
        return False
    return holds(rule.conditions, s)


def plan(rules: list[Rule], s: Situation) -> list[tuple[Rule, list[Action]]]:
    """The rules that fire, in order, with the actions each would take; a `stop` action ends the evaluation."""
    fired: list[tuple[Rule, list[Action]]] = []
    for rule in sorted(rules, key=lambda r: (r.position, r.created_at, r.id)):
        if not matches(rule, s):
            continue
        actions = []
        for action in rule.actions:
            if isinstance(action, Stop):
                fired.append((rule, actions))
                return fired
            actions.append(action)
        fired.append((rule, actions))
    return fired
