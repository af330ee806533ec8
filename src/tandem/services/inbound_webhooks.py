"""Inbound webhook endpoints: admins configure them; anyone holding an endpoint's secret URL posts JSON to it and
gets a new item.

The URL's token is `{tenant_id}.{endpoint_id}.{secret}`: the ids find the endpoint with one GetItem, the secret is
checked against its stored SHA-256 (the secret itself is shown once, at create and rotate, and never stored).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from tandem.domain.errors import BadRequest, NotFound, ValidationError
from tandem.domain.inbound_webhooks import InboundWebhook, check_mapping, map_document
from tandem.domain.items import Cause, Item
from tandem.domain.permissions import Action, Area, Principal
from tandem.domain.tenants import INTEGRATIONS
from tandem.services import throttle
from tandem.services.access import require_area
from tandem.services.deps import Deps
from tandem.services.editing import check_limit, check_version, text
from tandem.services.modules import module_tenant
from tandem.services.open_item import NewItem, fingerprint, open_item
from tandem.services.ports import IdempotencyClaim, Page, Position

PUBLIC_PATH = "/v1/public/inbound/"
ID_RE = re.compile(r"^[0-9a-z]{1,64}$")
HINT = 6  # characters of the secret kept to recognise a URL
DELIVERY_ID = 200  # longest `webhook-id` taken as an idempotency key


@dataclass(frozen=True)
class Issued:
    """An endpoint with its secret URL: only the create and rotate answers carry it."""

    endpoint: InboundWebhook
    url: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _issue(deps: Deps, endpoint: InboundWebhook) -> tuple[InboundWebhook, str]:
    """A fresh secret for `endpoint`: the endpoint holding its hash, and the URL that carries it."""
    secret = secrets.token_urlsafe(32)
    fresh = replace(endpoint, secret_hash=_hash(secret), secret_hint=secret[:HINT])
    token = f"{endpoint.tenant_id}.{endpoint.id}.{secret}"
    return fresh, deps.settings.portal_url.rstrip("/") + PUBLIC_PATH + token


def url_hint(deps: Deps, endpoint: InboundWebhook) -> str:
    """The URL with its secret left out (what lists show)."""
    base = deps.settings.portal_url.rstrip("/") + PUBLIC_PATH
    return f"{base}{endpoint.tenant_id}.{endpoint.id}.{endpoint.secret_hint}…"


def _checked(deps: Deps, p: Principal, endpoint: InboundWebhook) -> InboundWebhook:
    """The endpoint as written, checked against the tenant: its type exists, the mapping fits it, the project too."""
    name = text("name")(endpoint.name)
    item_type = deps.repos.item_types.get(p.tenant_id, endpoint.type_id or "")
    if item_type is None:
        raise ValidationError("unknown item type", {"field": "type_id"})
    raw = endpoint.mapping if isinstance(endpoint.mapping, dict) else _plain(endpoint.mapping)
    mapping = check_mapping(raw, item_type.form)
    if endpoint.project_id and deps.repos.projects.get(p.tenant_id, endpoint.project_id) is None:
        raise ValidationError("unknown project", {"field": "project_id"})
    return replace(endpoint, name=name, mapping=mapping)


def _plain(mapping: Any) -> dict[str, Any]:
    return {"title": mapping.title, "description": mapping.description, "requester": mapping.requester,
            "fields": dict(mapping.fields)}


def create_endpoint(deps: Deps, p: Principal, data: dict[str, Any]) -> Issued:
    """POST /v1/inbound-webhooks: admins only; the answer is the only time the URL's secret is shown."""
    module_tenant(deps, p.tenant_id, INTEGRATIONS)
    require_area(p, Area.INBOUND_WEBHOOKS, Action.CREATE)
    unknown = sorted(set(data) - {"name", "type_id", "mapping", "project_id"})
    if unknown:
        raise ValidationError("these fields cannot be set", {"fields": unknown})
    draft = InboundWebhook(p.tenant_id, deps.new_id(), data.get("name"), data.get("type_id"), deps.clock(),
                           mapping=data.get("mapping") or {}, project_id=data.get("project_id"))
    endpoint, url = _issue(deps, _checked(deps, p, draft))
    return Issued(deps.repos.inbound_webhooks.add(endpoint), url)


def get_endpoint(deps: Deps, p: Principal, endpoint_id: str) -> InboundWebhook:
    module_tenant(deps, p.tenant_id, INTEGRATIONS)
    require_area(p, Area.INBOUND_WEBHOOKS, Action.READ)
    endpoint = deps.repos.inbound_webhooks.get(p.tenant_id, endpoint_id)
    if endpoint is None:
        raise NotFound("inbound webhook not found", {"id": endpoint_id})
    return endpoint


def list_endpoints(deps: Deps, p: Principal, *, limit: int | None = None, after: Position = None
                   ) -> Page[InboundWebhook]:
    module_tenant(deps, p.tenant_id, INTEGRATIONS)
    require_area(p, Area.INBOUND_WEBHOOKS, Action.READ)
    return deps.repos.inbound_webhooks.list(p.tenant_id, limit=check_limit(limit), after=after)


def update_endpoint(deps: Deps, p: Principal, endpoint_id: str, changes: dict[str, Any],
                    expected: int | None = None) -> InboundWebhook:
    """PATCH: name, type, mapping (replaced whole) or project; the mapping is checked against the resulting type."""
    module_tenant(deps, p.tenant_id, INTEGRATIONS)
    require_area(p, Area.INBOUND_WEBHOOKS, Action.ADMINISTER)
    endpoint = get_endpoint(deps, p, endpoint_id)
    check_version(endpoint, expected)
    unknown = sorted(set(changes) - {"name", "type_id", "mapping", "project_id"})
    if unknown:
        raise ValidationError("these fields cannot be changed", {"fields": unknown})
    return deps.repos.inbound_webhooks.save(_checked(deps, p, replace(endpoint, **changes)))


def delete_endpoint(deps: Deps, p: Principal, endpoint_id: str, expected: int | None = None) -> None:
    """DELETE: the URL stops working at once; items it created stay."""
    module_tenant(deps, p.tenant_id, INTEGRATIONS)
    require_area(p, Area.INBOUND_WEBHOOKS, Action.ADMINISTER)
    endpoint = get_endpoint(deps, p, endpoint_id)
    check_version(endpoint, expected)
    deps.repos.inbound_webhooks.delete(endpoint)


def rotate_endpoint(deps: Deps, p: Principal, endpoint_id: str) -> Issued:
    """A new secret URL; the old one answers 404 from now on."""
    module_tenant(deps, p.tenant_id, INTEGRATIONS)
    require_area(p, Area.INBOUND_WEBHOOKS, Action.ADMINISTER)
    endpoint, url = _issue(deps, get_endpoint(deps, p, endpoint_id))
    return Issued(deps.repos.inbound_webhooks.save(endpoint), url)


def find_by_token(deps: Deps, token: str) -> InboundWebhook:
    """The endpoint a URL's token names, if its secret is the current one (NotFound otherwise, whatever is wrong)."""
    tenant_id, _, rest = (token or "").partition(".")
    endpoint_id, _, secret = rest.partition(".")
    if not (ID_RE.match(tenant_id) and ID_RE.match(endpoint_id) and secret):
        raise NotFound("no such inbound webhook")
    endpoint = deps.repos.inbound_webhooks.get(tenant_id, endpoint_id)
    if endpoint is None or not hmac.compare_digest(endpoint.secret_hash, _hash(secret)):
        raise NotFound("no such inbound webhook")
    return endpoint


def receive(deps: Deps, token: str, read_body: Callable[[], Any], delivery_id: str | None = None) -> Item:
    """POST to an endpoint's URL: the posted JSON becomes an item of the endpoint's type.

    In this order: the token (404), the integrations module (404 `module_disabled`), the endpoint's rate (429), the
    body (`read_body` raises 413/400), the mapping (422). A `delivery_id` (the sender's `webhook-id`) makes a
    repeat answer the first item and create nothing."""
    endpoint = find_by_token(deps, token)
    module_tenant(deps, endpoint.tenant_id, INTEGRATIONS)
    throttle.inbound_webhook_post(deps, tenant_id=endpoint.tenant_id, endpoint_id=endpoint.id)
    document = read_body()
    tenant = deps.repos.tenants.get(endpoint.tenant_id)
    item_type = deps.repos.item_types.get(endpoint.tenant_id, endpoint.type_id)
    if tenant is None or item_type is None:
        raise NotFound("no such inbound webhook")  # its tenant or type is gone: the URL leads nowhere
    mapped = map_document(endpoint, item_type.form, document, deps.clock())
    claim = None
    if delivery_id is not None:
        delivery_id = delivery_id.strip()
        if not delivery_id or len(delivery_id) > DELIVERY_ID:
            raise BadRequest(f"webhook-id must be 1-{DELIVERY_ID} characters", {"field": "webhook-id"})
        claim = IdempotencyClaim(f"inbound:{endpoint.id}", delivery_id, fingerprint({"body": document}))
    new = NewItem(type_id=item_type.id, title=mapped.title, description=mapped.description,
                  requester=mapped.requester, fields=mapped.fields)
    return open_item(deps, tenant, None, new, via="webhook", cause=Cause.WEBHOOK, claim=claim,
                     note=f"inbound webhook “{endpoint.name}” ({endpoint.id})", configured_project=endpoint.project_id)

