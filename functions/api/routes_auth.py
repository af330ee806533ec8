"""Health, OpenAPI, sign-up, sign-in, magic links, me and tenant settings."""

from __future__ import annotations

from typing import Any

from chalice import Response

from api import render
from api.blueprint import api
from api.http import (
    JSON,
    bearer,
    clear_session,
    client_ip,
    current,
    if_match,
    principal,
    served_over_https,
    session_cookie,
    set_session,
    with_etag,
)
from api.ops import Call, op
from tandem.domain.item_types import PRIORITIES
from tandem.domain.permissions import Action, Area
from tandem.domain.roles import PRIVILEGES
from tandem.schemas import auth as m
from tandem.schemas.codec import encode, given
from tandem.services import authenticate
from tandem.services.access import require_area, tenant_of
from tandem.services.sign_up import sign_up
from tandem.services.tenant_settings import update_settings

AUTH = "auth"


def current_request() -> Any:
    return api.current_request


def _answer(body: Any, status: int, token: str, session: bool) -> Response:
    """`"session": true` asks for an HttpOnly cookie as well (the portal's way of signing in)."""
    secure = served_over_https(current_request())
    cookie = set_session(token, current().settings.token_ttl_seconds, secure=secure) if session else {}
    return Response(body=encode(body).decode(), status_code=status, headers={**JSON, **cookie})


@op("POST", "/v1/signup", summary="Create a help desk (tenant) and its first admin", tag=AUTH, auth=False,
    body=m.SignupIn, returns=m.SignupOut, status=201, errors=(409, 429))
def signup(call: Call) -> Response:
    b = call.body
    result = sign_up(
        current().deps, organization=b.organization, slug=b.slug, email=b.email, name=b.name, password=b.password
    )
    out = m.SignupOut(token=result.token, tenant=render.tenant(result.tenant), user=render.user(result.user))
    return _answer(out, 201, result.token, b.session)


@op("POST", "/v1/auth/login", summary="Sign in with a password", tag=AUTH, auth=False, body=m.LoginIn,
    returns=m.TokenOut, errors=(401, 429))
def login(call: Call) -> Response:
    b = call.body
    token = authenticate.log_in(
        current().deps, tenant_slug=b.tenant, email=b.email, password=b.password, ip=client_ip(call.request)
    )
    return _answer(m.TokenOut(token=token), 200, token, b.session)


@op("POST", "/v1/auth/logout", summary="End this session (the bearer token or the session cookie) at once",
    tag=AUTH, auth=False, returns=m.Health)
def logout(call: Call) -> Response:
    """No CSRF header needed: the cookie is SameSite=Strict, and the worst a forged logout does is sign someone out."""
    request = call.request
    authenticate.log_out(current().deps, bearer(request) or session_cookie(request))
    headers = {**JSON, **clear_session(secure=served_over_https(request))}
    return Response(body=encode(m.Health(status="signed out")).decode(), status_code=200, headers=headers)


@op("POST", "/v1/auth/magic-link/redeem", summary="Trade a magic link's token for an access token", tag=AUTH,
    auth=False, body=m.RedeemIn, returns=m.TokenOut, errors=(401, 429))
def redeem_magic_link(call: Call) -> Response:
    access = authenticate.redeem_magic_link(current().deps, call.body.token)
    return _answer(m.TokenOut(token=access), 200, access, call.body.session)


@op("GET", "/v1/me", summary="The caller", tag=AUTH, returns=m.MeOut)
def me(call: Call) -> Any:
    p = principal(call.request)
    tenant = tenant_of(current().deps, p)
    return m.MeOut(
        id=p.user_id,
        email=p.email,
        name=p.name,
        role=p.role.value,
        role_id=p.role_id,
        privileges=[x for x in PRIVILEGES if p.holds(x)],
        team_ids=list(p.team_ids),
        organization_id=p.organization_id,
        tenant=render.tenant(tenant),
        statuses=render.statuses(tenant),
        priorities=list(PRIORITIES),
        portal_visibility=tenant.portal.visibility,
        modules=render.modules(tenant),
    )


@op("GET", "/v1/settings", summary="The tenant's settings (admins)", tag=AUTH, returns=m.SettingsOut)
def get_settings(call: Call) -> Response:
    p = principal(call.request)
    require_area(p, Area.SETTINGS, Action.READ)
    tenant = tenant_of(current().deps, p)
    return with_etag(render.tenant_settings(tenant), tenant.version)


@op("PATCH", "/v1/settings", summary="Change the tenant's settings (admins)", tag=AUTH, body=m.SettingsPatch,
    returns=m.SettingsOut, headers=("If-Match",))
def patch_settings(call: Call) -> Response:
    p = principal(call.request)
    tenant = update_settings(current().deps, p, given(call.body), expected_version=if_match(call.request))
    return with_etag(render.tenant_settings(tenant), tenant.version)
