"""Rules over change events: situations from the stream, the pure plan, then the actions, once.

Idempotent under redelivery: a rule run is marked done per (event, rule) once it ran (or failed for good), and
each side effect inside it is claimed on its own, so a batch delivered twice changes nothing the second time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Literal

from tandem.domain.activity import Activity
from tandem.domain.errors import Conflict, DomainError, ValidationError
from tandem.domain.events import Event, ItemChanged, ItemCreated, MessageAdded
from tandem.domain.items import Cause, Item
from tandem.domain.rules import Action, Rule, Situation, Trigger, plan
from tandem.domain.tenants import Tenant
from tandem.services.deps import Deps
from tandem.services.modules import shows_item
from tandem.services.ports import AlreadyDone

log = logging.getLogger(__name__)

RuleLoader = Callable[[str], list[Rule]]
Done = Callable[[str, str], bool]  # (tenant id, done-marker key) → known to exist
# (item to save, its activity entries, done-marker key, after it was saved, when it had moved on) → None
Defer = Callable[[Item, tuple[Activity, ...], str, Callable[[], None], Callable[[], None]], None]
CONFLICT_ATTEMPTS = 5  # a situation's write, against an item that keeps changing meanwhile

# Changes a rule reacts to as "item changed"; bookkeeping fields alone are not a change.
WATCHED = (
    "status",
    "priority",
    "type_id",
    "project_id",
    "assignees",
    "fields",
    "title",
    "description",
    "tags",
    "due_date",
    "requester_id",
    "followers",
    "kind",
    "percent_complete",
)


def all_rules(deps: Deps, tenant_id: str) -> list[Rule]:
    """Every rule of a tenant (pages of up to 1,000: one Query for any realistic tenant)."""
    rules, after = [], None
    while True:
        page = deps.repos.rules.list(tenant_id, limit=1000, after=after)
        rules, after = rules + page.items, page.after
        if not after:
            return rules


def rule_loader(deps: Deps) -> RuleLoader:
    """All rules of a tenant, read once per batch (one Query per tenant, whatever the batch holds)."""
    cache: dict[str, list[Rule]] = {}

    def load(tenant_id: str) -> list[Rule]:
        if tenant_id not in cache:
            cache[tenant_id] = all_rules(deps, tenant_id)
        return cache[tenant_id]

    return load


def requester_email(deps: Deps, item: Item) -> str | None:
    """What `requester.email` / `requester.domain` conditions look at."""
    user = deps.repos.users.get(item.tenant_id, item.requester_id) if item.requester_id else None
    return user.email if user else None


def situations(deps: Deps, event: Event) -> list[Situation]:
    """What the change means for rules: created / changed / status changed / message added / email received."""
    if isinstance(event, ItemCreated):
        item = event.item
        base = dict(item=item, requester_email=requester_email(deps, item))
        found = [Situation(Trigger.ITEM_CREATED, **base)]
        if item.via == "email":
            found.append(Situation(Trigger.EMAIL_RECEIVED, **base))
        return found
    if isinstance(event, ItemChanged):
        old, new = event.old, event.new
        if all(getattr(old, f) == getattr(new, f) for f in WATCHED):
            return []
        trigger = Trigger.STATUS_CHANGED if old.status != new.status else Trigger.ITEM_CHANGED
        return [
            Situation(
                trigger,
                new,
                old=old,
                requester_email=requester_email(deps, new),
                depth=new.rule_depth,
                caused_by_rule=new.cause_rule,
            )
        ]
    if isinstance(event, MessageAdded):
        return _message_situations(deps, event)
    return []


def _message_situations(deps: Deps, event: MessageAdded) -> list[Situation]:
    message = event.message
    if message.via in ("rule", "email-auto") or not message.item_ref:
        return []  # the bot's own words and automatic mail never trigger rules
    item = deps.repos.items.get(message.tenant_id, message.item_ref)
    if item is None:
        return []
    author = deps.repos.users.get(item.tenant_id, message.author_id) if message.author_id else None
    base = dict(
        item=item,
        message=message,
        message_author_role=author.role.value if author else None,
        requester_email=requester_email(deps, item),
        sender_email=author.email if author else None,
    )
    found = [Situation(Trigger.MESSAGE_ADDED, **base)]
    if message.via == "email":
        found.append(Situation(Trigger.EMAIL_RECEIVED, **base))
    return found


def apply_rules(
    deps: Deps, event: Event, load: RuleLoader, secret: str, done: Done | None = None, defer: Defer | None = None
) -> int:
    """Run the rules one change calls for; returns how many rule runs happened. `done` answers from a batch's
    one read of done-markers (see `done_keys`), so a redelivered event's finished work costs no request; `defer`
    takes a situation's one write of field rules to write it with other items' at the batch's end."""
    runs = 0
    for situation in situations(deps, event):
        runs += run_situation(deps, situation, load, event.event_id, secret, done, defer)
    return runs


def done_key(event_key: str, trigger: Trigger) -> str:
    """The done-marker of a situation's rules made as one write (`save`'s `done`)."""
    return f"rules:{event_key}:{trigger.value}"


def done_keys(event: Event) -> list[str]:
    """The done-markers `apply_rules` may write for `event`, known without reading anything (for a batch read)."""
    if isinstance(event, ItemCreated):
        triggers = [Trigger.ITEM_CREATED, Trigger.EMAIL_RECEIVED] if event.item.via == "email" else [
            Trigger.ITEM_CREATED]
    elif isinstance(event, ItemChanged):
        triggers = [Trigger.STATUS_CHANGED if event.old.status != event.new.status else Trigger.ITEM_CHANGED]
    elif isinstance(event, MessageAdded) and event.message.via not in ("rule", "email-auto"):
        triggers = [Trigger.MESSAGE_ADDED, Trigger.EMAIL_RECEIVED]
    else:
        triggers = []
    return [done_key(event.event_id, t) for t in triggers]


def run_situation(
    deps: Deps,
    s: Situation,
    load: RuleLoader,
    event_key: str,
    secret: str,
    done: Done | None = None,
    defer: Defer | None = None,
) -> int:
    """Run the rules a situation calls for, once per (event, trigger).

    Rules that only change fields (the usual kind) are made together: each applies to the item as the previous
    one left it, each with its own activity entry, all in ONE write with the situation's done-marker, so a repeat
    writes nothing. A situation with a side effect (mail, message, webhook…) runs rule by rule, each run once
    per (event, trigger, rule) with its side effects each once on their own.

    A rule that fails deterministically (a DomainError: its project was deleted, its stored definition no
    longer decodes…) fails alone: the failure is written on the item and the rule, its run counts as done,
    and the other rules go on. Anything else (the store, the network) propagates so the event is redelivered."""
    tenant = deps.repos.tenants.get(s.item.tenant_id)
    if tenant is None or not shows_item(tenant, s.item):
        return 0  # tasks switched off: rules leave task items alone, as every other channel does (issue 15)
    fired = plan(load(tenant.id), s)
    if not fired:
        return 0
    key = done_key(event_key, s.trigger)
    if done is not None and done(tenant.id, key):
        return 0
    if all(_fields_only(rule, actions) for rule, actions in fired):
        if defer is not None:
            return _defer_together(deps, tenant, s, fired, key, defer)
        return _run_together(deps, tenant, s, fired, key)
    runs = 0
    for rule, actions in fired:
        key = f"{event_key}:{s.trigger.value}:{rule.id}"

        def attempt(rule: Rule = rule, actions: list[Action] = actions, key: str = key) -> None:
            _record_outcome(deps, tenant, s.item, rule, _attempt(deps, tenant, s, rule, actions, key, secret))

        # The run as a whole once (its side effects are each once on their own, so a retry after a timeout
        # finishes what the first attempt left and repeats nothing).
        runs += deps.once.run(tenant.id, f"rule-done:{key}", attempt)
    return runs


def _fields_only(rule: Rule, actions: list[Action]) -> bool:
    from tandem.services.run_actions import FIELD_ACTIONS  # off the timers' cold path, like `run` below

    return rule.undecoded is None and all(isinstance(a, FIELD_ACTIONS) for a in actions)


def _defer_together(
    deps: Deps, tenant: Tenant, s: Situation, fired: list[tuple[Rule, list[Action]]], key: str, defer: Defer
) -> int:
    """`_run_together`'s write left to the batch (`defer`): once written, the rules' outcomes are marked; when the
    item had moved on (Conflict), the situation runs alone from the item read again."""
    staged, entries, outcomes = _stage(deps, tenant, s, s.item, fired)
    if not entries:
        return len(fired)

    def saved() -> None:
        for rule, failure in outcomes:
            _mark_rule(deps, tenant, rule, failure)

    def again() -> None:
        _run_together(deps, tenant, s, fired, key, deps.repos.items.get(tenant.id, s.item.ref))

    defer(staged, tuple(entries), key, saved, again)
    return len(fired)


def _run_together(
    deps: Deps,
    tenant: Tenant,
    s: Situation,
    fired: list[tuple[Rule, list[Action]]],
    key: str,
    start: Item | None | Literal[False] = False,
) -> int:
    """The situation's field-only rules as one write of the item with its done-marker (see `run_situation`).

    Starts from the item the change carries (no read) unless given the item read again (`start`); when it has
    moved on since (Conflict), reads it and stages again."""
    item: Item | None = s.item if start is False else start
    for _ in range(CONFLICT_ATTEMPTS):
        if item is None:
            return 0  # gone meanwhile
        staged, entries, outcomes = _stage(deps, tenant, s, item, fired)
        try:
            if entries:
                deps.repos.items.save(staged, entries[0], more=tuple(entries[1:]), done=key)
        except AlreadyDone:
            return 0
        except Conflict:
            item = deps.repos.items.get(tenant.id, s.item.ref)
            continue
        for rule, failure in outcomes:
            _mark_rule(deps, tenant, rule, failure)
        return len(fired)
    raise Conflict("the item kept changing while its rules ran; the event comes again")


def _stage(
    deps: Deps, tenant: Tenant, s: Situation, item: Item, fired: list[tuple[Rule, list[Action]]]
) -> tuple[Item, list[Activity], list[tuple[Rule, DomainError | None]]]:
    """Each rule's changes on the item as the rule before left it: the item to write, its activity entries
    (one per rule that changed something or failed) and each rule's outcome."""
    from tandem.services.run_actions import Actor, stage_fields

    entries: list[Activity] = []
    outcomes: list[tuple[Rule, DomainError | None]] = []
    for rule, actions in fired:
        actor = Actor(Cause.RULE, f'rule "{rule.name}"', rule_id=rule.id, depth=s.depth + 1)
        try:
            staged = stage_fields(deps, tenant, item, actions, actor)
        except Conflict:
            raise
        except DomainError as exc:
            outcomes.append((rule, exc))
            entries.append(_failure_entry(deps, tenant, item, rule, exc))
            continue
        outcomes.append((rule, None))
        if staged is not None:
            item, entry = staged
            entries.append(entry)
    return item, entries, outcomes


def _attempt(
    deps: Deps, tenant: Tenant, s: Situation, rule: Rule, actions: list[Action], key: str, secret: str
) -> DomainError | None:
    """Carry the rule out; its deterministic failure is returned, a transient one raised."""
    # Kept off the cold path: the timers Lambda loads rules through this module on every tick, and only a rule
    # that fires needs the actions (they import item conversion, webhooks, replies, SLA clocks).
    from tandem.services.run_actions import Actor, run

    try:
        if rule.undecoded is not None:
            raise ValidationError(f"its stored definition no longer decodes: {rule.undecoded.error}")
        # Act on the item as it is now: an earlier rule of the same event may already have changed it.
        item = deps.repos.items.get(tenant.id, s.item.ref) or s.item
        actor = Actor(Cause.RULE, f'rule "{rule.name}"', rule_id=rule.id, depth=s.depth + 1)
        run(deps, tenant, item, actions, actor, key, secret)
    except Conflict:
        raise  # someone changed the item meanwhile: running again will do
    except DomainError as exc:
        return exc
    return None


def describe_error(exc: DomainError) -> str:
    """`unknown project (project_id)`: the message with the part it is about, when the error names it."""
    details = exc.details if isinstance(exc.details, dict) else {}
    where = details.get("field")
    if isinstance(details.get("fields"), dict):  # custom-field answers: each key with its problem
        where = ", ".join(f"{k}: {v}" for k, v in details["fields"].items())
    return f"{exc.message} ({where})" if where and str(where) not in exc.message else exc.message


def _record_outcome(deps: Deps, tenant: Tenant, item: Item, rule: Rule, failure: DomainError | None) -> None:
    """A failure goes into the item's activity and onto the rule; the next success clears the rule's mark."""
    if failure is not None:
        deps.repos.conversations.add_activity(_failure_entry(deps, tenant, item, rule, failure))
    _mark_rule(deps, tenant, rule, failure)


def _failure_entry(deps: Deps, tenant: Tenant, item: Item, rule: Rule, failure: DomainError) -> Activity:
    error = describe_error(failure)
    log.warning("rule failed", extra={"tenant_id": tenant.id, "rule_id": rule.id, "item_ref": item.ref, "error": error})
    note = f'rule "{rule.name}" failed: {error}'
    return Activity(tenant.id, deps.new_id(), item.id, deps.clock(), "rule_failed", Cause.RULE, changes={}, note=note)


def _mark_rule(deps: Deps, tenant: Tenant, rule: Rule, failure: DomainError | None) -> None:
    """The rule's failure mark set, or cleared by a success. The batch's cached rule is updated too, so later
    events of the batch see the mark (no write per success)."""
    now = deps.clock()
    if failure is None:
        if rule.last_error is not None:
            deps.repos.rules.record_outcome(tenant.id, rule.id, error=None, at=now)
            rule.last_error = rule.failing_since = None
        return
    error = describe_error(failure)
    deps.repos.rules.record_outcome(tenant.id, rule.id, error=error, at=now)
    rule.last_error, rule.failing_since = error, rule.failing_since or now
