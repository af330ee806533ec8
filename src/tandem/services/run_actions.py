"""Carrying out rule and macro actions: field changes in one write, side effects each exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tandem.domain.errors import ValidationError
from tandem.domain.items import Cause, Item
from tandem.domain.messages import Visibility
from tandem.domain.rules import SET_ACTIONS, Action
from tandem.domain.tenants import Tenant
from tandem.services.deps import Deps
from tandem.services.ports import OutboundMail

CLAIM_TTL = 7 * 24 * 3600


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
    for action in actions:
        p = action.params
        if action.type in SET_ACTIONS:
            changes[SET_ACTIONS[action.type]] = p.get("value")
        elif action.type == "set_assignee":
            changes["assignees"] = [p["value"]] if p.get("value") else []
        elif action.type == "add_assignee":
            current = changes.get("assignees", item.assignees)
            changes["assignees"] = list(dict.fromkeys([*current, p["value"]]))
        elif action.type == "set_field":
            changes.setdefault("fields", {})[p["key"]] = p.get("value")
        elif action.type == "add_follower":
            current = changes.get("followers", item.followers)
            changes["followers"] = list(dict.fromkeys([*current, p["value"]]))
        elif action.type == "add_tag":
            current = changes.get("tags", item.tags)
            changes["tags"] = list(dict.fromkeys([*current, p["value"]]))
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


def run(
    deps: Deps, tenant: Tenant, item: Item, actions: list[Action], actor: Actor, once_key: str, secret: str
) -> Item:
    """Apply `actions` to `item`; every side effect is claimed under `once_key` so a repeat does nothing."""
    from tandem.services.update_item import change_item

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
    for index, action in enumerate(actions):
        if action.type in ("post_message", "send_email", "call_webhook", "convert_to_task", "apply_sla"):
            item = _side_effect(deps, tenant, item, action, actor, f"{once_key}:{index}", secret)
    return item


def _side_effect(deps: Deps, tenant: Tenant, item: Item, action: Action, actor: Actor, key: str, secret: str) -> Item:
    if action.type == "convert_to_task":
        if item.kind == "task":
            return item
        from tandem.services.convert_item import convert

        return convert(
            deps,
            tenant,
            item,
            to="task",
            type_id=action.params.get("type_id"),
            actor_id=actor.user_id,
            cause=actor.cause,
        )
    if action.type == "apply_sla":
        from tandem.services.sla_clocks import apply_policy

        return apply_policy(deps, tenant, item, action.params.get("policy_id"), note=actor.name)
    if not deps.repos.mail.claim(tenant.id, f"action:{key}", CLAIM_TTL):
        return item
    try:
        _once(deps, tenant, item, action, actor, key)
    except Exception:
        deps.repos.mail.release(tenant.id, f"action:{key}")
        raise
    return item


def _once(deps: Deps, tenant: Tenant, item: Item, action: Action, actor: Actor, key: str) -> None:
    from tandem.services.post_message import add_message

    p = action.params
    if action.type == "post_message":
        visibility = Visibility(p.get("visibility", "private"))
        add_message(
            deps,
            tenant,
            item,
            body=str(p.get("body", "")),
            visibility=visibility,
            via="rule" if actor.rule_id else "web",
            author_id=actor.user_id,
            cause=actor.cause,
        )
    elif action.type == "send_email":
        _send_email(deps, tenant, item, p)
    elif action.type == "call_webhook":
        url = p.get("url")
        if not isinstance(url, str):
            raise ValidationError("call_webhook needs a url")
        deps.repos.jobs.enqueue(
            tenant.id,
            f"webhook:{key}",
            "webhook",
            {"url": url, "event": p.get("event", "rule"), "item_ref": item.ref, "item_id": item.id, "rule": actor.name},
        )


def _send_email(deps: Deps, tenant: Tenant, item: Item, p: dict[str, Any]) -> None:
    """A templated mail from a rule: `to` is requester, followers or an address; subject/body are templates."""
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(autoescape=False)
    context = {"item": item, "tenant": tenant}
    try:
        subject = env.from_string(str(p.get("subject", "[{{ item.ref }}] {{ item.title }}"))).render(context)
        body = env.from_string(str(p.get("body", ""))).render(context)
    except Exception as exc:  # a broken template is the admin's error, not a crash of the stream
        raise ValidationError(f"email template failed: {exc}") from exc
    for user in _recipients(deps, tenant, item, p.get("to", "requester")):
        if user.active and not user.email_failing:
            deps.mailer.send(
                tenant,
                OutboundMail(
                    to=[user.email],
                    subject=subject,
                    text=body,
                    headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
                ),
            )


def _recipients(deps: Deps, tenant: Tenant, item: Item, to: str) -> list[Any]:
    ids = {"requester": [item.requester_id], "followers": item.followers}.get(to)
    if ids is None:
        user = deps.repos.users.by_email(tenant.id, to)
        return [user] if user else []
    return [u for u in (deps.repos.users.get(tenant.id, i) for i in ids if i) if u]
