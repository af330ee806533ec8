"""Inbound webhook endpoints (the admin resource) and what a post to one answers."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct

from tandem.domain.inbound_webhooks import FieldKey, InboundWebhook
from tandem.domain.limits import LIST, JsonPath
from tandem.schemas.derive import derive


class MappingIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """Where the item's parts are in the posted JSON: `$.a.b`, `$.a[0].b`, `$["key with space"]`."""

    title: JsonPath | None = None
    description: JsonPath | None = None
    requester: JsonPath | None = None  # the requester's email; a new address becomes a customer
    fields: Annotated[dict[FieldKey, JsonPath], Meta(max_length=LIST)] = {}


# `url` carries the secret only in the create and rotate answers; reads show `url_hint` (the secret left out).
_OUT = [("url", str | None), ("url_hint", str)]
InboundWebhookOut = derive(InboundWebhook, "InboundWebhook", extra=_OUT)
InboundWebhookCreate = derive(InboundWebhook, "InboundWebhookCreate", write="create", required=("name", "type_id"),
                              types={"mapping": MappingIn})
InboundWebhookPatch = derive(InboundWebhook, "InboundWebhookPatch", write="patch", types={"mapping": MappingIn})


class InboundAccepted(Struct, kw_only=True):
    """A post to an endpoint's URL became (or, repeated with the same webhook-id, already was) this item."""

    ref: str
