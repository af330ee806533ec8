"""Rules, macros and SLA policies."""

from __future__ import annotations

from typing import Annotated, Any

from msgspec import UNSET, Meta, Struct, UnsetType

from tandem.domain.limits import Id, Name
from tandem.domain.rules import Action, ConditionGroup, RuleOptions, Trigger
from tandem.domain.sla import SlaPolicy
from tandem.schemas.derive import derive

Position = Annotated[int, Meta(ge=0, le=100_000)]
# Rule and macro actions are the domain's tagged union (`type` is the tag); conditions its nested groups. The use
# cases check each part against the tenant (statuses, people, projects, types, custom fields) on write.
Actions = Annotated[list[Action], Meta(max_length=50)]


class RuleWarning(Struct, kw_only=True):
    """An action the rule skips while the module it needs is switched off (domain/modules.py ACTION_MODULES)."""

    action_index: int
    module: str
    message: str


class RuleOut(Struct, kw_only=True):
    id: str
    name: str
    trigger: str
    conditions: dict[str, Any]
    actions: list[dict[str, Any]]
    enabled: bool
    position: int
    options: dict[str, Any]
    created_at: str
    version: int
    last_error: str | None  # why the rule failed the last time it ran; None once it succeeds again
    failing_since: str | None
    warnings: list[RuleWarning]  # actions skipped while their module is off; empty when every action runs


class RuleCreate(Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name
    trigger: Trigger
    conditions: ConditionGroup | UnsetType = UNSET
    actions: Actions = []
    enabled: bool = True
    position: Position | UnsetType = UNSET
    options: RuleOptions | UnsetType = UNSET


class RulePatch(Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    trigger: Trigger | UnsetType = UNSET
    conditions: ConditionGroup | UnsetType = UNSET
    actions: Actions | UnsetType = UNSET
    enabled: bool | UnsetType = UNSET
    position: Position | UnsetType = UNSET
    options: RuleOptions | UnsetType = UNSET


class ReorderIn(Struct, kw_only=True, forbid_unknown_fields=True):
    order: Annotated[list[Id], Meta(max_length=1000)]


class DryRunIn(Struct, kw_only=True, forbid_unknown_fields=True):
    ref: Annotated[str, Meta(min_length=1, max_length=20)]


class DryRunOut(Struct, kw_only=True):
    rule_id: str
    ref: str
    matches: bool
    enabled: bool
    actions: list[dict[str, Any]]
    changes: dict[str, Any]


class MacroOut(Struct, kw_only=True):
    id: str
    name: str
    actions: list[dict[str, Any]]
    created_at: str
    version: int


class MacroCreate(Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name
    actions: Actions = []


class MacroPatch(Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    actions: Actions | UnsetType = UNSET


SlaPolicyOut = derive(SlaPolicy, "SlaPolicy")
SlaPolicyCreate = derive(SlaPolicy, "SlaPolicyCreate", write="create", required=("name",))
SlaPolicyPatch = derive(SlaPolicy, "SlaPolicyPatch", write="patch")
