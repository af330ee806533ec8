"""API keys (admins) and the connection test integrations run with them."""

from __future__ import annotations

from typing import Any

from api.http import current, decode_cursor, page_body, principal
from api.ops import Call, op
from tandem.domain.api_keys import ApiKey
from tandem.schemas import keys as m
from tandem.schemas.common import ListQuery, page_of
from tandem.schemas.derive import project
from tandem.services import api_keys
from tandem.services.access import tenant_of

TAG = "api keys"


def _created(key: ApiKey, secret: str) -> Any:
    return project(m.ApiKeyCreated, key, key=secret)


@op("GET", "/v1/api-keys", summary="List the tenant's API keys (never the keys themselves)", tag=TAG,
    query=ListQuery, returns=page_of(m.ApiKeyOut))
def list_api_keys(call: Call) -> dict[str, Any]:
    p = principal(call.request)
    scope = f"{p.user_id}/api-keys"
    page = api_keys.list_keys(current().deps, p, limit=call.query.limit, after=decode_cursor(call.query.cursor, scope))
    return page_body(page, lambda k: project(m.ApiKeyOut, k), scope)


@op("POST", "/v1/api-keys", summary="Create an API key (the answer shows the key, once)", tag=TAG,
    body=m.ApiKeyCreate, returns=m.ApiKeyCreated, status=201)
def create_api_key(call: Call) -> Any:
    # No Idempotency-Key replay here (unlike other creates): remembering the answer would store the key in clear.
    p = principal(call.request)
    key, secret = api_keys.create_key(current().deps, p, name=call.body.name, scopes=list(call.body.scopes))
    return _created(key, secret)


@op("POST", "/v1/api-keys/{id}/rotate", summary="A new key for the same id, name and scopes; the old key stops now",
    tag=TAG, returns=m.ApiKeyCreated, errors=(409,))
def rotate_api_key(call: Call, id: str) -> Any:
    key, secret = api_keys.rotate_key(current().deps, principal(call.request), id)
    return _created(key, secret)


@op("DELETE", "/v1/api-keys/{id}", summary="Revoke an API key (it stops working at once)", tag=TAG, status=204)
def delete_api_key(call: Call, id: str) -> None:
    api_keys.revoke_key(current().deps, principal(call.request), id)


@op("GET", "/v1/auth/test", summary="Connection test: the tenant and the name of the key (or person)", tag="auth",
    returns=m.AuthTestOut)
def auth_test(call: Call) -> Any:
    p = principal(call.request)
    return m.AuthTestOut(tenant=tenant_of(current().deps, p).slug, name=p.name)
