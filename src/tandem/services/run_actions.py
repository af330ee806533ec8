"""Carrying out rule and macro actions: field changes in one write, side effects each exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tandem.domain.activity import Activity
from tandem.domain.errors import ValidationError
from tandem.domain.items import Cause, Item
from tandem.domain.messages import Visibility
from tandem.domain.modules import skip_reason
from tandem.domain.rule_actions import (
    SET_FIELDS,
    SIDE_EFFECTS,
    AddAssignee,
    AddFollower,
    AddTag,
    ApplySla,
    CallWebhook,
    ConvertToTask,
    PostMessage,
    SendEmail,
    SetAssignee,
    SetField,
    action_type,
)
from tandem.domain.rules import Action
from tandem.domain.tenants import Tenant, modules_of
from tandem.services.convert_item import convert
from tandem.services.deps import Deps
from tandem.services.emit_hooks import call_rule_webhook
from tandem.services.ports import IdempotencyClaim, OutboundMail
from tandem.services.post_message import add_message
from tandem.services.sla_clocks import apply_policy
from tandem.services.update_item import change_item, stage_change

# Actions that only change the item's fields (`field_changes` merges them): a rule of only these needs no step of
# its own, so a situation's rules of this kind are made as one write (services/apply_rules.py).
FIELD_ACTIONS = (*SET_FIELDS, SetAssignee, AddAssignee, SetField, AddFollower, AddTag)


@dataclass
class Actor:
    """Who runs the actions: a rule (with its chain depth) or an agent applying a macro."""

    cause: Cause
    name: str
    user_id: str | None = None
    rule_id: str | None = None
    depth: int = 0


def field_changes(item: Item, actions: list[Action]) -> dict[str, Any]:
    """The field part of a list of actions, merged into one change set (later actions win)."""
    changes: dict[str, Any] = {}

    def added(name: str, value: str) -> list[str]:
        return list(dict.fromkeys([*changes.get(name, getattr(item, name)), value]))

    for action in actions:
        if type(action) in SET_FIELDS:
            changes[SET_FIELDS[type(action)]] = action.value  # type: ignore[union-attr]
        elif isinstance(action, SetAssignee):
            changes["assignees"] = [action.value] if action.value else []
        elif isinstance(action, AddAssignee):
            changes["assignees"] = added("assignees", action.value)
        elif isinstance(action, SetField):
            changes.setdefault("fields", {})[action.key] = action.value
        elif isinstance(action, AddFollower):
            changes["followers"] = added("followers", action.value)
        elif isinstance(action, AddTag):
            changes["tags"] = added("tags", action.value)
    return changes


def _name_of(deps: Deps, tenant: Tenant, key: str, value: Any) -> str:
    """A person-readable value for the activity line: names instead of ids."""
    if key == "project_id" and value:
        project = deps.repos.projects.get(tenant.id, value)
        return project.name if project else str(value)
    if key == "type_id" and value:
        item_type = deps.repos.item_types.get(tenant.id, value)
        return item_type.name if item_type else str(value)
    if key in ("assignees", "followers") and isinstance(value, list):
        return ", ".join(_principal_name(deps, tenant, v) for v in value) or "nobody"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _principal_name(deps: Deps, tenant: Tenant, ref: str) -> str:
    kind, _, ident = ref.partition(":")
    if kind == "team":
        team = deps.repos.teams.get(tenant.id, ident)
        return f"team {team.name}" if team else ref
    user = deps.repos.users.get(tenant.id, ident if kind == "user" else ref)
    return user.name if user else ref


def describe(deps: Deps, tenant: Tenant, changes: dict[str, Any]) -> str:
    """`set project to Incoming tickets (A), set assignees to team Customer support`."""
    parts = []
    for key, value in changes.items():
        label = key.removesuffix("_id").replace("_", " ")
        parts.append(f"set {label} to {_name_of(deps, tenant, key, value)}")
    return ", ".join(parts)


def stage_fields(
    deps: Deps, tenant: Tenant, item: Item, actions: list[Action], actor: Actor
) -> tuple[Item, Activity] | None:
    """The field part of `actions` as `run` would write it (the item and its activity entry), not written yet;
    None when it changes nothing."""
    changes = field_changes(item, actions)
    if not changes:
        return None
    rule = (actor.rule_id, actor.depth) if actor.rule_id else None
    note = f"{actor.name} {describe(deps, tenant, changes)}"
    return stage_change(
        deps, tenant, item, changes, actor_id=actor.user_id, cause=actor.cause, note=note, rule=rule
    )


def run(
    deps: Deps, tenant: Tenant, item: Item, actions: list[Action], actor: Actor, once_key: str, secret: str
) -> Item:
    """Apply `actions` to `item`; every side effect is claimed under `once_key` so a repeat does nothing."""
    changes = field_changes(item, actions)
    if changes:
        rule = (actor.rule_id, actor.depth) if actor.rule_id else None
        item = change_item(
            deps,
            tenant,
            item,
            changes,
            actor_id=actor.user_id,
            cause=actor.cause,
            note=f"{actor.name} {describe(deps, tenant, changes)}",
            rule=rule,
        )
    on = modules_of(tenant)
    for index, action in enumerate(actions):
        if not isinstance(action, SIDE_EFFECTS):
            continue
        reason = skip_reason(action_type(action), on)
        if reason is not None:  # its module is off: skipped, and the history says why (issue 15)
            _skipped(deps, tenant, item, actor, f"{once_key}:{index}", reason)
            continue
        item = _side_effect(deps, tenant, item, action, actor, f"{once_key}:{index}", secret)
    return item


def _skipped(deps: Deps, tenant: Tenant, item: Item, actor: Actor, key: str, reason: str) -> None:
    note = f"{actor.name} skipped an action: {reason}"
    deps.once.run(tenant.id, f"action:{key}:skipped", lambda: _log(deps, tenant, item, actor, note))


def _side_effect(deps: Deps, tenant: Tenant, item: Item, action: Action, actor: Actor, key: str, secret: str) -> Item:
    if isinstance(action, ConvertToTask):
        if item.kind == "task":
            return item
        return convert(deps, tenant, item, to="task", type_id=action.type_id, actor_id=actor.user_id, cause=actor.cause)
    if isinstance(action, ApplySla):
        return apply_policy(deps, tenant, item, action.policy_id, note=actor.name)
    done = _once(deps, tenant, item, action, actor, f"action:{key}")
    if done:
        # A second step, so a failure writing the entry cannot make the redelivery repeat the effect.
        deps.once.run(tenant.id, f"action:{key}:logged", lambda: _log(deps, tenant, item, actor, done))
    return item


def _once(deps: Deps, tenant: Tenant, item: Item, action: Action, actor: Actor, key: str) -> str:
    """Carry out one side effect exactly once; answers what it did, for the item's activity ("" for nothing)."""
    if isinstance(action, PostMessage):
        # The claim is written with the message: a crash between the two steps cannot post it twice.
        claim = IdempotencyClaim(scope="rule", key=key, fingerprint=key)
        add_message(
            deps,
            tenant,
            item,
            body=action.body,
            visibility=Visibility(action.visibility),
            via="rule" if actor.rule_id else "web",
            author_id=actor.user_id,
            cause=actor.cause,
            claim=claim,
            note=f"{actor.name} posted a {action.visibility} message",
        )
        return ""  # add_message wrote the activity entry itself, in the same write
    if isinstance(action, SendEmail):
        sent = _send_email(deps, tenant, item, action, key)
        return f"{actor.name} emailed {', '.join(sent)}" if sent else ""
    if isinstance(action, CallWebhook):
        call_rule_webhook(deps, tenant, item, action.url, action.event, actor.name, key)
        return f"{actor.name} called a webhook at {_host(action.url)}"
    return ""


def _log(deps: Deps, tenant: Tenant, item: Item, actor: Actor, note: str) -> None:
    deps.repos.conversations.add_activity(
        Activity(tenant.id, deps.new_id(), item.id, deps.clock(), "side_effect", actor.cause, actor.user_id, note=note)
    )


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def _send_email(deps: Deps, tenant: Tenant, item: Item, action: SendEmail, key: str) -> list[str]:
    """A templated mail from a rule: `to` is requester, followers or an address; subject/body are templates.

    One once-step per recipient, the mail last in it: a failure after some mails went out repeats only the rest."""
    from jinja2.sandbox import SandboxedEnvironment  # on first use: jinja2 costs the API ~50 ms at import

    env = SandboxedEnvironment(autoescape=False)
    context = {"item": item, "tenant": tenant}
    try:
        subject = env.from_string(action.subject).render(context)
        body = env.from_string(action.body).render(context)
    except Exception as exc:  # a broken template is the admin's error, not a crash of the stream
        raise ValidationError(f"email template failed: {exc}") from exc
    mail = {"subject": subject, "text": body, "headers": {"Auto-Submitted": "auto-generated"}}
    mail["headers"]["X-Auto-Response-Suppress"] = "All"
    sent = []
    for user in _recipients(deps, tenant, item, action.to):
        if user.active and not user.email_failing:
            out = OutboundMail(to=[user.email], **mail)
            deps.once.run(tenant.id, f"{key}:{user.id}", lambda out=out: deps.mailer.send(tenant, out))
            sent.append(user.email)
    return sent


def _recipients(deps: Deps, tenant: Tenant, item: Item, to: str) -> list[Any]:
    ids = {"requester": [item.requester_id], "followers": item.followers}.get(to)
    if ids is None:
        user = deps.repos.users.by_email(tenant.id, to)
        return [user] if user else []
    return [u for u in (deps.repos.users.get(tenant.id, i) for i in ids if i) if u]
