"""Tenant-less public endpoints: forms for visitors, magic-link requests, the widget's panel page."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote

from chalice import Response

from api import render
from api.http import client_ip, current, idempotency_key, optional_principal
from api.ops import Call, op
from tandem.schemas import auth as m
from tandem.schemas.codec import given
from tandem.security.headers import page_headers
from tandem.services import authenticate
from tandem.services.open_item import fingerprint
from tandem.services.ports import IdempotencyClaim
from tandem.services.submit_form import allowed_origins, public_forms, submit_form
from tandem.services.submit_form import unsubscribe as unsubscribe_from

PUBLIC = "public"


@op("GET", "/v1/public/{slug}/forms", summary="The web forms a visitor may use", tag=PUBLIC, auth=False,
    returns=m.PublicForms)
def forms(call: Call, slug: str) -> Any:
    tenant, types = public_forms(current().deps, slug)
    portal = tenant.portal
    b = portal.branding
    return m.PublicForms(
        tenant=m.PublicTenant(slug=tenant.slug, name=tenant.name,
                              branding=m.PublicBranding(name=b.name, logo_url=b.logo_url, color=b.color)),
        require_login=portal.require_login,
        visibility=portal.visibility,
        statuses=render.statuses(tenant),
        items=[render.public_form(t) for t in types],
        modules=render.modules(tenant),
    )


@op("POST", "/v1/public/{slug}/forms/{type_id}", summary="Submit a web form (becomes an item)", tag=PUBLIC,
    auth=False, body=m.FormSubmit, returns=m.Submitted, status=201, errors=(401,), headers=("Idempotency-Key",))
def submit(call: Call, slug: str, type_id: str) -> Any:
    p = optional_principal(call.request)
    data = given(call.body)
    key = idempotency_key(call.request)
    who = p.user_id if p else str(data.get("email") or "").lower()
    claim = IdempotencyClaim(f"form:{who}", key, fingerprint(data)) if key else None
    item = submit_form(current().deps, slug, type_id, data, p, claim=claim)
    return m.Submitted(ref=item.ref, id=item.id)


@op("POST", "/v1/public/{slug}/magic-link", summary="Email a sign-in link", tag=PUBLIC, auth=False,
    body=m.MagicLinkIn, returns=m.Health, status=202, errors=(429,))
def magic_link(call: Call, slug: str) -> Any:
    authenticate.request_magic_link(
        current().deps, tenant_slug=slug, email=call.body.email, ip=client_ip(call.request)
    )
    return m.Health(status="sent if the address is known")


@op("POST", "/v1/public/{slug}/unsubscribe", summary="Stop notifications (the mail's one-click link)", tag=PUBLIC,
    auth=False, query=m.UnsubscribeQuery, returns=m.Unsubscribed, errors=(401,),
    content_types=["application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data"])
def unsubscribe(call: Call, slug: str) -> Any:
    ref = unsubscribe_from(current().deps, slug, call.query.token)
    return m.Unsubscribed(status="unsubscribed", ref=ref)


@op("GET", "/v1/public/{slug}/unsubscribe", summary="The confirmation page a mail's unsubscribe link opens",
    tag=PUBLIC, auth=False, query=m.UnsubscribeQuery, returns=str, media="text/html")
def unsubscribe_page(call: Call, slug: str) -> Response:
    """What a click on the mail's link shows: a button, because link scanners must not unsubscribe anyone."""
    action = f"/v1/public/{quote(slug)}/unsubscribe?token={quote(call.query.token)}"
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


@op("GET", "/v1/public/{slug}/widget", summary="The widget's panel page (framable by the tenant's sites only)",
    tag=PUBLIC, auth=False, returns=str, media="text/html")
def widget_page(call: Call, slug: str) -> Response:
    """The widget's panel page, which only this site and the tenant's widget origins may frame."""
    origins = allowed_origins(current().deps, slug)
    headers = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache", **page_headers(origins)}
    return Response(body=WIDGET_PAGE, status_code=200, headers=headers)
