"""SLA policies: targets, business calendar, which items they cover, in order."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from tandem.domain.errors import NotFound, ValidationError
from tandem.domain.exposure import patchable
from tandem.domain.permissions import Action, Area, Principal
from tandem.domain.sla import SlaPolicy, check_policy
from tandem.services.access import require_area
from tandem.services.deps import Deps
from tandem.services.editing import check_limit, check_version
from tandem.services.holidays_calendar import calendar_for
from tandem.services.ports import Page, Position

FIELDS = patchable(SlaPolicy)


def _build(base: dict[str, Any], changes: dict[str, Any]) -> SlaPolicy:
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise ValidationError("these fields cannot be changed", {"fields": unknown})
    data = {**base, **changes}
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        raise ValidationError("name is required", {"field": "name"})
    for key in ("calendar", "match"):
        if not isinstance(data.get(key) or {}, dict):
            raise ValidationError(f"{key} must be an object", {"field": key})
    try:
        policy = SlaPolicy.from_dict(data)
    except TypeError as exc:
        raise ValidationError("unknown calendar or match field", {"detail": str(exc)}) from exc
    check_policy(policy)
    if policy.calendar.holiday_country:
        calendar_for(policy.calendar, range(2026, 2027))  # an unknown country fails now, not at the first ticket
    return policy


def create_policy(deps: Deps, p: Principal, data: dict[str, Any]) -> SlaPolicy:
    require_area(p, Area.SETTINGS, Action.ADMINISTER)
    base = {"tenant_id": p.tenant_id, "id": deps.new_id(), "created_at": deps.clock(), "version": 0}
    return deps.repos.sla_policies.add(_build(base, data))


def get_policy(deps: Deps, p: Principal, policy_id: str) -> SlaPolicy:
    require_area(p, Area.USERS, Action.READ)  # staff
    policy = deps.repos.sla_policies.get(p.tenant_id, policy_id)
    if policy is None:
        raise NotFound("SLA policy not found", {"id": policy_id})
    return policy


def list_policies(deps: Deps, p: Principal, *, limit: int | None = None, after: Position = None) -> Page[SlaPolicy]:
    require_area(p, Area.USERS, Action.READ)
    page = deps.repos.sla_policies.list(p.tenant_id, limit=check_limit(limit), after=after)
    page.items.sort(key=lambda x: (x.position, x.created_at))
    return page


def update_policy(
    deps: Deps, p: Principal, policy_id: str, changes: dict[str, Any], expected: int | None = None
) -> SlaPolicy:
    require_area(p, Area.SETTINGS, Action.ADMINISTER)
    policy = get_policy(deps, p, policy_id)
    check_version(policy, expected)
    return deps.repos.sla_policies.save(_build(asdict(policy), changes))


def delete_sla_policy(deps: Deps, p: Principal, policy_id: str, expected_version: int | None = None) -> None:
    """DELETE /v1/sla-policies/{id}: admins only; honours If-Match. Items keep the clocks they have; new items
    are no longer matched to it, and a rule applying it fails (visibly) until it is changed."""
    require_area(p, Area.SETTINGS, Action.ADMINISTER)
    policy = get_policy(deps, p, policy_id)
    check_version(policy, expected_version)
    deps.repos.sla_policies.delete(policy)
