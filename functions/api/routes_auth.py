"""Health, OpenAPI, sign-up, sign-in, magic links, me and tenant settings."""

from __future__ import annotations

from typing import Any

from chalice import Response

from api import api, render, route
from api.http import JSON, body, clear_session, current, endpoint, if_match, principal, set_session, with_etag
from tandem.domain.errors import ValidationError
from tandem.domain.permissions import Action, Area
from tandem.services import authenticate
from tandem.services.access import require_area, tenant_of
from tandem.services.sign_up import sign_up
from tandem.services.tenant_settings import update_settings


@route("/v1/health", methods=["GET"])
@endpoint
def health() -> Any:
    from api.http import error

    report = current().health()
    if report["status"] != "ok":
        return error(503, "unavailable", "a dependency is unreachable", {"checks": report["checks"]})
    return report


@route("/v1/openapi.json", methods=["GET"])
@endpoint
def openapi() -> dict[str, Any]:
    from api.openapi import document

    return document()


@route("/v1/signup", methods=["POST"])
@endpoint
def signup() -> Response:
    data = body(api.current_request)
    result = sign_up(
        current().deps,
        organization=data.get("organization"),
        slug=data.get("slug"),
        email=data.get("email"),
        name=data.get("name") or "",
        password=data.get("password"),
    )
    return Response(
        body={"token": result.token, "tenant": render.tenant(result.tenant), "user": render.user(result.user)},
        status_code=201,
        headers={**JSON, **_session(data, result.token)},
    )


def _session(data: dict, token: str) -> dict[str, str]:
    """`"session": true` asks for an HttpOnly cookie as well (the portal's way of signing in)."""
    return set_session(token, current().settings.token_ttl_seconds) if data.get("session") is True else {}


@route("/v1/auth/login", methods=["POST"])
@endpoint
def login() -> Response:
    data = body(api.current_request)
    token = authenticate.log_in(
        current().deps, tenant_slug=data.get("tenant"), email=data.get("email"), password=data.get("password")
    )
    return Response(body={"token": token}, status_code=200, headers={**JSON, **_session(data, token)})


@route("/v1/auth/logout", methods=["POST"])
@endpoint
def logout() -> Response:
    return Response(body={"status": "signed out"}, status_code=200, headers={**JSON, **clear_session()})


@route("/v1/auth/magic-link/redeem", methods=["POST"])
@endpoint
def redeem_magic_link() -> Response:
    data = body(api.current_request)
    token = data.get("token")
    if not isinstance(token, str):
        raise ValidationError("token is required", {"field": "token"})
    access = authenticate.redeem_magic_link(current().deps, token)
    return Response(body={"token": access}, status_code=200, headers={**JSON, **_session(data, access)})


@route("/v1/me", methods=["GET"])
@endpoint
def me() -> dict[str, Any]:
    p = principal(api.current_request)
    tenant = tenant_of(current().deps, p)
    return {
        "id": p.user_id,
        "email": p.email,
        "name": p.name,
        "role": p.role.value,
        "team_ids": list(p.team_ids),
        "organization_id": p.organization_id,
        "tenant": render.tenant(tenant),
        "statuses": render.statuses(tenant),
        "portal_visibility": tenant.portal.visibility.value,
    }


@route("/v1/settings", methods=["GET"])
@endpoint
def get_settings() -> Response:
    p = principal(api.current_request)
    require_area(p, Area.SETTINGS, Action.READ)
    tenant = tenant_of(current().deps, p)
    return with_etag(render.tenant_settings(tenant), tenant.version)


@route("/v1/settings", methods=["PATCH"])
@endpoint
def patch_settings() -> Response:
    request = api.current_request
    p = principal(request)
    tenant = update_settings(current().deps, p, body(request), expected_version=if_match(request))
    return with_etag(render.tenant_settings(tenant), tenant.version)
