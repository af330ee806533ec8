"""Tenant-less public endpoints: forms for visitors, magic-link requests, the widget's panel page."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote

from chalice import Response

from api import api, render, route
from api.http import JSON, body, client_ip, current, endpoint, idempotency_key, optional_principal
from tandem.domain.errors import ValidationError
from tandem.security.headers import page_headers
from tandem.services import authenticate
from tandem.services.open_item import fingerprint
from tandem.services.ports import IdempotencyClaim
from tandem.services.submit_form import allowed_origins, public_forms, submit_form
from tandem.services.submit_form import unsubscribe as unsubscribe_from


@route("/v1/public/{slug}/forms", methods=["GET"])
@endpoint
def forms(slug: str) -> dict[str, Any]:
    tenant, types = public_forms(current().deps, slug)
    portal = tenant.portal
    return {
        "tenant": {
            "slug": tenant.slug,
            "name": tenant.name,
            "branding": {
                "name": portal.branding.name,
                "logo_url": portal.branding.logo_url,
                "color": portal.branding.color,
            },
        },
        "require_login": portal.require_login,
        "visibility": portal.visibility.value,
        "statuses": render.statuses(tenant),
        "items": [render.public_form(t) for t in types],
    }


@route("/v1/public/{slug}/forms/{type_id}", methods=["POST"])
@endpoint
def submit(slug: str, type_id: str) -> Response:
    request = api.current_request
    p = optional_principal(request)
    data = body(request)
    key = idempotency_key(request)
    who = p.user_id if p else str(data.get("email", "")).lower()
    claim = IdempotencyClaim(f"form:{who}", key, fingerprint(data)) if key else None
    item = submit_form(current().deps, slug, type_id, data, p, claim=claim)
    return Response(body={"ref": item.ref, "id": item.id}, status_code=201, headers=dict(JSON))


@route("/v1/public/{slug}/magic-link", methods=["POST"])
@endpoint
def magic_link(slug: str) -> Response:
    request = api.current_request
    email = body(request).get("email")
    if not isinstance(email, str):
        raise ValidationError("email is required", {"field": "email"})
    authenticate.request_magic_link(current().deps, tenant_slug=slug, email=email, ip=client_ip(request))
    return Response(body={"status": "sent if the address is known"}, status_code=202, headers=dict(JSON))


@route(
    "/v1/public/{slug}/unsubscribe",
    methods=["POST"],
    content_types=["application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data"],
)
@endpoint
def unsubscribe(slug: str) -> dict[str, Any]:
    token = (api.current_request.query_params or {}).get("token", "")
    ref = unsubscribe_from(current().deps, slug, token)
    return {"status": "unsubscribed", "ref": ref}


@route("/v1/public/{slug}/unsubscribe", methods=["GET"])
def unsubscribe_page(slug: str) -> Response:
    """What a click on the mail's link shows: a button, because link scanners must not unsubscribe anyone."""
    token = (api.current_request.query_params or {}).get("token", "")
    action = f"/v1/public/{quote(slug)}/unsubscribe?token={quote(token)}"
    page = (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Stop notifications</title>"
        "<meta name=viewport content='width=device-width'></head><body>"
        "<h1>Stop notifications for this request?</h1>"
        f"<form method=post action='{html.escape(action, quote=True)}'><button type=submit>Stop notifications</button>"
        "</form></body></html>"
    )
    return Response(
        body=page,
        status_code=200,
        headers={
            "Content-Type": "text/html; charset=utf-8",
            "Content-Security-Policy": (
                "default-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
            ),
        },
    )


# The widget's panel (static_portal/widget.js frames it). It is served here rather than from the static bucket
# because who may frame it is the tenant's setting (`portal.allowed_origins`): CloudFront sends every static
# page with frame-ancestors 'none', and only this response names the tenant's sites.
WIDGET_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Help widget</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/css/base.css">
<script type="module" src="/widget/boot.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="topbar" id="topbar"></header>
<main id="main" tabindex="-1"><p class="muted">Loading…</p></main>
</body>
</html>
"""


@route("/v1/public/{slug}/widget", methods=["GET"])
@endpoint
def widget_page(slug: str) -> Response:
    """The widget's panel page, which only this site and the tenant's widget origins may frame."""
    origins = allowed_origins(current().deps, slug)
    headers = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache", **page_headers(origins)}
    return Response(body=WIDGET_PAGE, status_code=200, headers=headers)
