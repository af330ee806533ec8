"""REST hooks: subscribe, list, unsubscribe, rotate a secret, read the delivery log, redeliver, poll events.

Every call asks the one permission function for `Area.HOOKS` (admins; the integration role's `hooks` scope).
A hook's scope: `staff` (the default for staff and API keys) receives private messages too; `customer`
receives only what a customer could see (public messages, portal-visible items).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tandem.domain.clock import iso, parse_iso
from tandem.domain.errors import Conflict, NotFound, ValidationError
from tandem.domain.hooks import (
    EVENTS,
    ITEM_CREATED,
    ITEM_UPDATED,
    ROTATION_GRACE,
    RULES_CHANNEL,
    SCOPES,
    STATUS_CHANGED,
    Delivery,
    Hook,
    HookSecret,
    item_event,
    message_event,
)
from tandem.domain.permissions import Action, Area, Principal
from tandem.domain.tenants import INTEGRATIONS
from tandem.services.access import require_area
from tandem.services.deliver_hooks import attempt
from tandem.services.deps import Deps
from tandem.services.emit_hooks import rules_channel
from tandem.services.modules import module_tenant
from tandem.services.ports import ItemQuery, Page, Position

POLL_SIZE = 10  # Zapier reads the newest few for samples and deduplication
MAX_HOOKS = 100  # per tenant: every change reads the tenant's hooks


def _event(value: Any) -> str:
    if value not in EVENTS:
        raise ValidationError(f"event must be one of {', '.join(EVENTS)}", {"field": "event"})
    return str(value)


def _scope(p: Principal, value: Any) -> str:
    if not p.is_staff:
        return "customer"  # nobody sees more through a hook than they could see themselves
    if value is None:
        return "staff"
    if value not in SCOPES:
        raise ValidationError("scope must be staff or customer", {"field": "scope"})
    return str(value)


def create_hook(deps: Deps, p: Principal, data: dict[str, Any]) -> Hook:
    """Subscribe `target_url` to `event`; the answer carries the secret (shown here and on rotation only)."""
    from tandem.domain.webhooks import new_secret

    module_tenant(deps, p.tenant_id, INTEGRATIONS)
    require_area(p, Area.HOOKS, Action.ADMINISTER)
    event = _event(data.get("event"))
    url = data.get("target_url")
    if not isinstance(url, str) or not url:
        raise ValidationError("target_url is required", {"field": "target_url"})
    deps.webhooks.check(url)
    if len(deps.repos.hooks.list(p.tenant_id, limit=MAX_HOOKS + 1).items) > MAX_HOOKS:
        raise Conflict(f"a workspace has at most {MAX_HOOKS} hooks", {"field": "target_url"})
    hook = Hook(p.tenant_id, "hk_" + deps.new_id(), event, url, _scope(p, data.get("scope")), deps.clock(),
                created_by=p.user_id, secrets=[HookSecret(new_secret())])
    return deps.repos.hooks.add(hook)


def list_hooks(deps: Deps, p: Principal, *, limit: int = 50, after: Position = None) -> Page[Hook]:
    module_tenant(deps, p.tenant_id, INTEGRATIONS)
    require_area(p, Area.HOOKS, Action.READ)
    page = deps.repos.hooks.list(p.tenant_id, limit=limit, after=after)
    return Page([h for h in page.items if h.id != RULES_CHANNEL], page.after)


def _hook(deps: Deps, p: Principal, hook_id: str, *, channel: bool = False) -> Hook:
    """A subscription of the caller's tenant; the rules channel only where `channel` allows it (created then)."""
    if hook_id == RULES_CHANNEL and channel:
        return rules_channel(deps, p.tenant_id)
    hook = deps.repos.hooks.get(p.tenant_id, hook_id) if hook_id != RULES_CHANNEL else None
    if hook is None:
        raise NotFound("no such hook", {"id": hook_id})
    return hook


def delete_hook(deps: Deps, p: Principal, hook_id: str) -> None:
    """Unsubscribe: nothing more is sent, retries of earlier deliveries included."""
    module_tenant(deps, p.tenant_id, INTEGRATIONS)
    require_area(p, Area.HOOKS, Action.ADMINISTER)
    deps.repos.hooks.delete(_hook(deps, p, hook_id))


def rotate_secret(deps: Deps, p: Principal, hook_id: str) -> Hook:
    """A new secret signs from now on; the previous one signs too for 24 h, so receivers can switch over.
    `rules` rotates (and first creates) the secret of the tenant's rule `call_webhook`s."""
    module_tenant(deps, p.tenant_id, INTEGRATIONS)
    require_area(p, Area.HOOKS, Action.ADMINISTER)
    from tandem.domain.webhooks import new_secret

    hook = _hook(deps, p, hook_id, channel=True)
    now = deps.clock()
    until = iso(parse_iso(now) + ROTATION_GRACE)
    live = [s for s in hook.secrets if s.expires_at is None or s.expires_at > now]
    kept = [HookSecret(s.value, s.expires_at or until) for s in live]
    return deps.repos.hooks.save(replace(hook, secrets=[HookSecret(new_secret()), *kept[:1]]))


def list_deliveries(
    deps: Deps, p: Principal, hook_id: str, *, limit: int = 50, after: Position = None
) -> Page[Delivery]:
    module_tenant(deps, p.tenant_id, INTEGRATIONS)
    require_area(p, Area.HOOKS, Action.READ)
    hook = _hook(deps, p, hook_id, channel=True)
    return deps.repos.deliveries.list_for_hook(p.tenant_id, hook.id, limit=limit, after=after)


def redeliver(deps: Deps, p: Principal, hook_id: str, delivery_id: str) -> Delivery:
    """One more attempt of a delivery now, with the same `webhook-id` (a disabled hook too: someone asked)."""
    module_tenant(deps, p.tenant_id, INTEGRATIONS)
    require_area(p, Area.HOOKS, Action.ADMINISTER)
    hook = _hook(deps, p, hook_id, channel=True)
    delivery = deps.repos.deliveries.get(p.tenant_id, delivery_id)
    if delivery is None or delivery.hook_id != hook.id:
        raise NotFound("no such delivery", {"id": delivery_id})
    return attempt(deps, delivery, manual=True)


def poll(deps: Deps, p: Principal, event: str) -> list[dict[str, Any]]:
    """Zapier's performList: the newest real events of the tenant as `event` payloads, newest first, unique ids.

    Rendered from the current items and messages (the latest items, the latest messages of the latest changed
    items), so a new workspace answers an empty list rather than invented samples. A change's old values are not
    kept, so polled change events carry an empty `previous`: the same keys as a delivery, for Zapier's field
    mapping."""
    module_tenant(deps, p.tenant_id, INTEGRATIONS)
    require_area(p, Area.HOOKS, Action.READ)
    if event not in EVENTS:
        raise NotFound("no such event", {"event": event})
    items = deps.repos.items.query(ItemQuery(p.tenant_id, limit=50)).items
    if event == ITEM_CREATED:
        found = [item_event(ITEM_CREATED, i) for i in items]
    elif event in (ITEM_UPDATED, STATUS_CHANGED):
        changed = [i for i in items if i.version > 1]
        found = [item_event(event, i) for i in changed]
        for f in found:
            f["data"].setdefault("previous", {})
    else:
        found = _latest_messages(deps, p, sorted(items, key=lambda i: i.updated_at, reverse=True)[:5])
    unique = {f["id"]: f for f in found}
    return sorted(unique.values(), key=lambda f: (f["created_at"], f["id"]), reverse=True)[:POLL_SIZE]


def _latest_messages(deps: Deps, p: Principal, items: list[Any]) -> list[dict[str, Any]]:
    found = []
    for item in items:
        messages = deps.repos.conversations.messages(p.tenant_id, item.id, public_only=not p.is_staff, limit=50)
        found += [message_event(m) for m in messages.items]
    return found
