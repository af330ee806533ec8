"""PynamoDB repo for inbound webhook endpoints: one record per endpoint under its tenant.

The public URL's token carries the tenant and endpoint ids, so a post finds its endpoint with one GetItem on
pk=`T#{tid}` sk=`INHOOK#{id}`; the record holds the secret's SHA-256 only.
"""
from __future__ import annotations

from tandem.dal.dynamo_base import DynamoEntityRepo
from tandem.domain.inbound_webhooks import InboundWebhook


class DynamoInboundWebhookRepo(DynamoEntityRepo[InboundWebhook]):
    def __init__(self) -> None:
        super().__init__("inhook", InboundWebhook, "INHOOK")
