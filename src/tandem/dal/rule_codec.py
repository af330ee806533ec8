"""Rules and macros ⇄ their stored JSON document, which holds conditions and actions in the API's own shape.

Rows written before actions were typed hold `{"mode", "conditions"}` groups and `{"type", "params"}` actions;
they are read in today's shape. A part that still does not decode is kept raw on the entity (`Undecoded`):
the reader never fails and nothing is dropped; the rule fails when it runs (see services/apply_rules).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tandem.domain.errors import ValidationError
from tandem.domain.rules import (
    Group,
    Macro,
    Rule,
    Trigger,
    Undecoded,
    actions_json,
    decode_actions,
    decode_conditions,
    group_json,
)


def _upgrade_group(raw: Any) -> Any:
    """`{"mode": "all", "conditions": [...]}` (the old stored form) → `{"all": [...]}`, nested."""
    if isinstance(raw, dict) and set(raw) == {"mode", "conditions"} and isinstance(raw["conditions"], list):
        return {str(raw["mode"]): [_upgrade_group(c) for c in raw["conditions"]]}
    if isinstance(raw, dict):
        return {k: [_upgrade_group(c) for c in v] if k in ("all", "any") and isinstance(v, list) else v
                for k, v in raw.items()}
    return raw


def _upgrade_actions(raw: Any) -> Any:
    """`{"type": "set_field", "params": {"key": …}}` (the old stored form) → `{"type": "set_field", "key": …}`."""
    if not isinstance(raw, list):
        return raw
    return [{"type": a["type"], **a["params"]}
            if isinstance(a, dict) and set(a) == {"type", "params"} and isinstance(a["params"], dict) else a
            for a in raw]


class _Parts:
    """Decodes the parts of one document, collecting those that do not decode."""

    def __init__(self) -> None:
        self.raw: dict[str, Any] = {}
        self.errors: dict[str, str] = {}

    def take(self, name: str, raw: Any, decode: Callable[[Any], Any], fallback: Any) -> Any:
        try:
            return decode(raw)
        except (ValidationError, ValueError) as exc:
            self.raw[name] = raw
            self.errors[name] = exc.message if isinstance(exc, ValidationError) else f"{name}: {exc}"
            return fallback

    def undecoded(self) -> Undecoded | None:
        return Undecoded(self.raw, self.errors) if self.raw else None


def rule_document(rule: Rule) -> dict[str, Any]:
    """What is stored for a rule (its run outcome is stored beside it by each backend)."""
    doc = {
        "tenant_id": rule.tenant_id,
        "id": rule.id,
        "name": rule.name,
        "trigger": rule.trigger.value,
        "created_at": rule.created_at,
        "conditions": group_json(rule.conditions),
        "actions": actions_json(rule.actions),
        "enabled": rule.enabled,
        "position": rule.position,
        "options": rule.options,
        "version": rule.version,
    }
    return {**doc, **(rule.undecoded.parts if rule.undecoded else {})}


def rule_from_document(doc: dict[str, Any], *, last_error: str | None = None, failing_since: str | None = None) -> Rule:
    """A stored rule, whatever code wrote it."""
    parts = _Parts()
    # An unknown trigger (from newer or much older code) keeps the rule visible and failing, not silent.
    trigger = parts.take("trigger", doc.get("trigger"), Trigger, Trigger.ITEM_CREATED)
    conditions = parts.take("conditions", _upgrade_group(doc.get("conditions")), decode_conditions, Group())
    actions = parts.take("actions", _upgrade_actions(doc.get("actions", [])), decode_actions, [])
    return Rule(
        tenant_id=doc["tenant_id"],
        id=doc["id"],
        name=doc.get("name", ""),
        trigger=trigger,
        created_at=doc.get("created_at", ""),
        conditions=conditions,
        actions=actions,
        enabled=bool(doc.get("enabled", True)),
        position=int(doc.get("position", 0)),
        options=doc.get("options") or {},
        version=int(doc.get("version", 0)),
        last_error=last_error,
        failing_since=failing_since,
        undecoded=parts.undecoded(),
    )


def macro_document(macro: Macro) -> dict[str, Any]:
    doc = {
        "tenant_id": macro.tenant_id,
        "id": macro.id,
        "name": macro.name,
        "created_at": macro.created_at,
        "actions": actions_json(macro.actions),
        "version": macro.version,
    }
    return {**doc, **(macro.undecoded.parts if macro.undecoded else {})}


def macro_from_document(doc: dict[str, Any]) -> Macro:
    parts = _Parts()
    actions = parts.take("actions", _upgrade_actions(doc.get("actions", [])), decode_actions, [])
    return Macro(
        tenant_id=doc["tenant_id"],
        id=doc["id"],
        name=doc.get("name", ""),
        created_at=doc.get("created_at", ""),
        actions=actions,
        version=int(doc.get("version", 0)),
        undecoded=parts.undecoded(),
    )
