"""PynamoDB records of REST hooks: subscriptions (`HOOK#` under the tenant) and deliveries (one record each).

See ACCESS_PATTERNS.md, "Webhooks". A delivery is keyed by its `webhook-id`, itself derived from the event and
the hook: the conditional Put of a redelivered stream batch fails and nothing is written twice.
"""
from __future__ import annotations

from pynamodb.exceptions import PutError

from tandem.dal.codec import dumps, loads
from tandem.dal.dynamo_base import DynamoEntityRepo, get, one_page, tkey, ttl
from tandem.dal.table import Record
from tandem.domain.hooks import Delivery, Hook
from tandem.services.ports import Page, Position

DELIVERY_TTL = 30 * 24 * 3600  # the delivery log keeps a month


def hook_repo() -> DynamoEntityRepo[Hook]:
    return DynamoEntityRepo("hook", Hook, "HOOK")


def _key(tenant_id: str, delivery_id: str) -> str:
    return f"{tkey(tenant_id)}#DLV#{delivery_id}"


def _log_key(tenant_id: str, hook_id: str) -> str:
    return f"{tkey(tenant_id)}#HOOK#{hook_id}#DLV"


class DynamoDeliveryRepo:
    def _record(self, d: Delivery) -> Record:
        return Record(pk=_key(d.tenant_id, d.id), sk="DLV", kind="delivery", data=dumps(d),
                      gsi1pk=_log_key(d.tenant_id, d.hook_id), gsi1sk=f"{d.created_at}#{d.id}",
                      expires_at=ttl(DELIVERY_TTL))

    def add(self, delivery: Delivery) -> bool:
        try:
            self._record(delivery).save(condition=Record.pk.does_not_exist())
        except PutError as exc:
            if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def get(self, tenant_id: str, delivery_id: str) -> Delivery | None:
        found = get(_key(tenant_id, delivery_id), "DLV")
        return loads(Delivery, found.data) if found is not None and found.data else None

    def save(self, delivery: Delivery) -> None:
        self._record(delivery).save()

    def list_for_hook(self, tenant_id: str, hook_id: str, *, limit: int = 50,
                      after: Position = None) -> Page[Delivery]:
        key = _log_key(tenant_id, hook_id)
        records, last = one_page(lambda **kw: Record.gsi1.query(key, scan_index_forward=False, **kw), limit, after)
        return Page([loads(Delivery, r.data) for r in records], last)
