"""API keys and the integrations' connection test."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct

from tandem.domain.api_keys import ApiKey, Scope
from tandem.schemas.derive import derive

KeyName = Annotated[str, Meta(min_length=1, max_length=100)]

ApiKeyOut = derive(ApiKey, "ApiKey")


class ApiKeyCreate(Struct, kw_only=True, forbid_unknown_fields=True):
    name: KeyName
    scopes: Annotated[list[Scope], Meta(min_length=1, max_length=3)]


class ApiKeyCreated(Struct, kw_only=True):
    """The one answer that carries the key itself: store it now, it is never shown again."""

    id: str
    name: str
    scopes: list[Scope]
    key: str
    created_at: str
    prefix: str


class AuthTestOut(Struct, kw_only=True):
    tenant: str  # the tenant's slug
    name: str  # the key's name, or the signed-in person's
