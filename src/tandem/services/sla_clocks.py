"""SLA clocks on items: chosen by type, priority and organisation, counted in business time, paused while
the item waits on the customer, with one timer per warning and breach (each fires its rule trigger once).

Every computation is anchored on the event's own timestamps, so a redelivered event recomputes the same
clocks and writes nothing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tandem.domain.activity import Activity
from tandem.domain.clock import iso, parse_iso
from tandem.domain.errors import ValidationError
from tandem.domain.events import Event, ItemChanged, ItemCreated, MessageAdded
from tandem.domain.items import Cause, Item
from tandem.domain.messages import Visibility
from tandem.domain.sla import SlaClock, SlaPolicy, choose_policy, due_times, mark_met, pause, policy_targets, resume
from tandem.domain.statuses import Category
from tandem.domain.tenants import Tenant
from tandem.services.deps import Deps
from tandem.services.holidays_calendar import calendar_for
from tandem.services.ports import Timer

STAGES = ("warning", "breach")


def _policies(deps: Deps, tenant_id: str, cache: dict[str, list[SlaPolicy]] | None = None) -> list[SlaPolicy]:
    """The tenant's policies, read once per stream batch when the caller passes a cache."""
    if cache is not None and tenant_id in cache:
        return cache[tenant_id]
    policies = deps.repos.sla_policies.list(tenant_id, limit=200).items
    if cache is not None:
        cache[tenant_id] = policies
    return policies


def _calendar(policy: SlaPolicy, around: str):
    year = parse_iso(around).year
    return calendar_for(policy.calendar, range(year - 1, year + 3))


def _with_due_times(sla: dict[str, Any], policy: SlaPolicy) -> dict[str, Any]:
    """Recompute each clock's warning and due instants (None while paused or once met)."""
    clocks = {}
    for target in policy_targets(policy):
        state = dict(sla["clocks"].get(target.name) or {})
        clock = SlaClock.from_dict(state)
        warning_at, due_at = due_times(
            clock, _calendar(policy, clock.started_at), target.minutes, policy.warning_percent
        )
        state.update(
            clock.to_dict(),
            warning_at=iso(warning_at) if warning_at else None,
            due_at=iso(due_at) if due_at else None,
            minutes=target.minutes,
        )
        state.setdefault("warned", False)
        state.setdefault("breached", False)
        clocks[target.name] = state
    return {**sla, "clocks": clocks}


def start(item: Item, policy: SlaPolicy, *, manual: bool = False) -> dict[str, Any]:
    """Fresh clocks for every target of the policy, started when the item was created."""
    clocks = {t.name: SlaClock(policy.id, t.name, item.created_at).to_dict() for t in policy_targets(policy)}
    if item.status_category is Category.WAITING:
        clocks = {k: pause(SlaClock.from_dict(v), parse_iso(item.updated_at)).to_dict() for k, v in clocks.items()}
    return _with_due_times({"policy_id": policy.id, "policy": policy.name, "manual": manual, "clocks": clocks}, policy)


def _advance(sla: dict[str, Any], old: Item | None, new: Item, at: str) -> dict[str, Any]:
    """Pause on entering waiting, resume on leaving it, meet resolution on done/closed."""
    moment = parse_iso(at)
    clocks = {}
    for name, state in sla["clocks"].items():
        clock = SlaClock.from_dict(state)
        if new.status_category is Category.WAITING:
            clock = pause(clock, moment)
        elif old is not None and old.status_category is Category.WAITING:
            clock = resume(clock, moment)
        if name == "resolution" and new.status_category in (Category.DONE, Category.CLOSED):
            clock = mark_met(clock, moment)
        clocks[name] = {**state, **clock.to_dict()}
    return {**sla, "clocks": clocks}


def _schedule(deps: Deps, item: Item, sla: dict[str, Any]) -> None:
    """One timer per (target, stage) still to come; cancelled when paused or met.

    A stage already marked keeps its timer: the tick that marked it removes the timer only after the stage's
    rules ran, so a tick that fails between the mark and the rules leaves the timer for the next one."""
    for name, state in sla.get("clocks", {}).items():
        for stage, field, done in (("warning", "warning_at", "warned"), ("breach", "due_at", "breached")):
            key = f"sla:{item.id}:{name}:{stage}"
            if state.get(done) and not state.get("met_at"):
                continue
            if state.get(field) and not state.get("met_at"):
                deps.repos.timers.schedule(
                    Timer(item.tenant_id, key, state[field], "sla", {"ref": item.ref, "target": name, "stage": stage})
                )
            else:
                deps.repos.timers.cancel(item.tenant_id, key)


def _store(deps: Deps, item: Item, sla: dict[str, Any], note: str, cause: Cause = Cause.TIMER) -> Item:
    """Write the clocks (only when they changed) and (re)schedule their timers."""
    if sla == item.sla:
        return item
    current = deps.repos.items.get(item.tenant_id, item.ref) or item
    updated = replace(current, sla=sla, sla_policy_id=sla.get("policy_id"))
    activity = Activity(
        item.tenant_id,
        deps.new_id(),
        item.id,
        deps.clock(),
        "sla",
        cause,
        note=note,
        changes={"sla_policy": [current.sla.get("policy"), sla.get("policy")]}
        if current.sla.get("policy_id") != sla.get("policy_id")
        else {},
    )
    stored = deps.repos.items.save(updated, activity)
    _schedule(deps, stored, sla)
    return stored


def apply_policy(deps: Deps, tenant: Tenant, item: Item, policy_id: str | None, note: str = "") -> Item:
    """The rule action `apply_sla`: this policy, whatever the automatic choice would be."""
    policy = deps.repos.sla_policies.get(tenant.id, policy_id or "")
    if policy is None:
        raise ValidationError("unknown SLA policy", {"field": "policy_id"})
    return _store(
        deps, item, start(item, policy, manual=True), f"{note} applied SLA policy {policy.name}".strip(), Cause.RULE
    )


def track(deps: Deps, event: Event, cache: dict[str, list[SlaPolicy]] | None = None) -> Item | None:
    """Keep an item's clocks in step with a change (called for every stream event)."""
    if isinstance(event, ItemCreated):
        return _choose(deps, event.item, cache)
    if isinstance(event, ItemChanged):
        return _changed(deps, event.old, event.new, cache)
    if isinstance(event, MessageAdded):
        return _first_response(deps, event)
    return None


def _choose(deps: Deps, item: Item, cache: dict | None = None) -> Item | None:
    policy = choose_policy(
        _policies(deps, item.tenant_id, cache),
        type_id=item.type_id,
        priority=item.priority,
        organization_id=item.organization_id,
    )
    if policy is None:
        return None
    return _store(deps, item, start(item, policy), f"SLA policy {policy.name} chosen")


def _changed(deps: Deps, old: Item, new: Item, cache: dict | None = None) -> Item | None:
    if not new.sla and not new.sla_policy_id:
        return _choose(deps, new, cache) if (old.type_id, old.priority) != (new.type_id, new.priority) else None
    policy = deps.repos.sla_policies.get(new.tenant_id, new.sla.get("policy_id", ""))
    if policy is None:
        return None
    if not new.sla.get("manual") and (old.type_id, old.priority, old.organization_id) != (
        new.type_id,
        new.priority,
        new.organization_id,
    ):
        chosen = choose_policy(
            _policies(deps, new.tenant_id, cache),
            type_id=new.type_id,
            priority=new.priority,
            organization_id=new.organization_id,
        )
        if chosen is not None and chosen.id != policy.id:
            return _store(
                deps, new, _advance(start(new, chosen), None, new, new.updated_at), f"SLA policy {chosen.name} chosen"
            )
    sla = _with_due_times(_advance(new.sla, old, new, new.updated_at), policy)
    return _store(deps, new, sla, "SLA clocks updated")


def _first_response(deps: Deps, event: MessageAdded) -> Item | None:
    message = event.message
    if message.visibility is not Visibility.PUBLIC or not message.author_id or not message.item_ref:
        return None
    item = deps.repos.items.get(message.tenant_id, message.item_ref)
    clock = (item.sla.get("clocks") or {}).get("first_response") if item else None
    if item is None or clock is None or clock.get("met_at"):
        return None
    author = deps.repos.users.get(item.tenant_id, message.author_id)
    if author is None or not author.role.is_staff:
        return None
    policy = deps.repos.sla_policies.get(item.tenant_id, item.sla["policy_id"])
    if policy is None:
        return None
    met = SlaClock.from_dict(clock)
    met = mark_met(met, parse_iso(message.created_at))
    sla = {**item.sla, "clocks": {**item.sla["clocks"], "first_response": {**clock, **met.to_dict()}}}
    return _store(deps, item, _with_due_times(sla, policy), "first response given")


def mark_fired(deps: Deps, item: Item, timer: Timer) -> Item | None:
    """A warning or breach timer: mark the stage on its clock; None when the clock was met meanwhile.

    Running the SLA rules is the timers use case's part (clocks know nothing of rules)."""
    target, stage = timer.payload.get("target"), timer.payload.get("stage")
    state = (item.sla.get("clocks") or {}).get(target)
    if state is None or state.get("met_at"):
        return None
    flag = "warned" if stage == "warning" else "breached"
    sla = {**item.sla, "clocks": {**item.sla["clocks"], target: {**state, flag: True}}}
    return _store(deps, item, sla, f"SLA {target.replace('_', ' ')} {stage}")
