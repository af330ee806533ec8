"""REST hooks (Zapier style): subscribe, list, unsubscribe, rotate, delivery log, redeliver, polling lists."""

from __future__ import annotations

import json
from typing import Any

from api.http import current, decode_cursor, page_body, principal
from api.ops import Call, op
from tandem.domain.hooks import Delivery, Hook
from tandem.schemas import hooks as m
from tandem.schemas.codec import given
from tandem.schemas.common import ListQuery, page_of
from tandem.services import manage_hooks as hooks

TAG = "hooks"


def _hook(h: Hook, *, secret: bool = False) -> Any:
    out = dict(id=h.id, event=h.event, target_url=h.target_url, scope=h.scope, enabled=h.enabled,
               disabled_reason=h.disabled_reason, created_at=h.created_at)
    return m.HookWithSecret(**out, secret=h.secrets[0].value) if secret else m.HookOut(**out)


def _delivery(d: Delivery) -> m.DeliveryOut:
    attempts = [
        m.AttemptOut(n=a.n, at=a.at, status="succeeded" if a.ok else "failed", response_code=a.response_code,
                     ms=a.ms, error=a.error, manual=a.manual)
        for a in d.attempts
    ]
    return m.DeliveryOut(id=d.id, hook_id=d.hook_id, event=d.event, target_url=d.target_url, state=d.state,
                         created_at=d.created_at, next_attempt_at=d.next_attempt_at, attempts=attempts,
                         payload=json.loads(d.body))


@op("POST", "/v1/hooks", summary="Subscribe a URL to an event (REST hook)", tag=TAG, body=m.HookCreate,
    returns=m.HookWithSecret, status=201)
def hooks_create(call: Call) -> Any:
    return _hook(hooks.create_hook(current().deps, principal(call.request), given(call.body)), secret=True)


@op("GET", "/v1/hooks", summary="List the hooks", tag=TAG, query=ListQuery, returns=page_of(m.HookOut))
def hooks_list(call: Call) -> Any:
    p = principal(call.request)
    scope = f"{p.user_id}/v1/hooks"
    page = hooks.list_hooks(current().deps, p, limit=call.query.limit, after=decode_cursor(call.query.cursor, scope))
    return page_body(page, _hook, scope)


@op("DELETE", "/v1/hooks/{id}", summary="Unsubscribe a hook", tag=TAG, status=204)
def hooks_delete(call: Call, id: str) -> None:
    hooks.delete_hook(current().deps, principal(call.request), id)


@op("POST", "/v1/hooks/{id}/rotate-secret", summary="Give a hook a new secret (the old one signs 24 h more)",
    tag=TAG, returns=m.HookWithSecret)
def hooks_rotate_secret(call: Call, id: str) -> Any:
    return _hook(hooks.rotate_secret(current().deps, principal(call.request), id), secret=True)


@op("GET", "/v1/hooks/{id}/deliveries", summary="A hook's delivery log, newest first", tag=TAG, query=ListQuery,
    returns=page_of(m.DeliveryOut))
def hooks_deliveries(call: Call, id: str) -> Any:
    p = principal(call.request)
    scope = f"{p.user_id}/v1/hooks/{id}/deliveries"
    page = hooks.list_deliveries(current().deps, p, id, limit=call.query.limit,
                                 after=decode_cursor(call.query.cursor, scope))
    return page_body(page, _delivery, scope)


@op("POST", "/v1/hooks/{id}/deliveries/{delivery_id}/redeliver", summary="Send a delivery again now", tag=TAG,
    returns=m.DeliveryOut)
def hooks_redeliver(call: Call, id: str, delivery_id: str) -> Any:
    return _delivery(hooks.redeliver(current().deps, principal(call.request), id, delivery_id))


@op("GET", "/v1/hooks/events/{event}", summary="The newest events of a kind (polling, Zapier's performList)",
    tag=TAG, returns=m.EventList)
def hooks_poll(call: Call, event: str) -> Any:
    return m.EventList(items=[m.EventPayload(**e) for e in hooks.poll(current().deps, principal(call.request), event)])
