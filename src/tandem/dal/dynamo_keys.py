"""PynamoDB repo for API keys: a record per key, and a lookup record under the hash of its secret.

`pk=T#{tid}` `sk=APIKEY#{id}` holds the key (listing, revoking and rotating by id); `pk=T#{tid}#KEYHASH#{sha256}`
`sk=KEYHASH` holds a copy, so authenticating a request is one strongly consistent GetItem by the credential.
Both change in one transaction. The key itself is never stored.
"""
from __future__ import annotations

from dataclasses import replace

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from tandem.dal.codec import dumps, loads
from tandem.dal.dynamo_base import failed_items, one_page, tkey, transaction
from tandem.dal.table import Record
from tandem.domain.api_keys import ApiKey
from tandem.domain.errors import Conflict
from tandem.services.ports import Page, Position

KIND = "apikey"
LOOKUP = "apikey_hash"


def _key_record(key: ApiKey) -> Record:
    return Record(pk=tkey(key.tenant_id), sk=f"APIKEY#{key.id}", kind=KIND, data=dumps(key), version=key.version)


def _lookup_record(key: ApiKey) -> Record:
    return Record(pk=f"{tkey(key.tenant_id)}#KEYHASH#{key.secret_hash}", sk="KEYHASH", kind=LOOKUP, owner=key.id,
                  data=dumps(key))


def _key(record: Record) -> ApiKey:
    key = loads(ApiKey, record.data)
    key.last_used_at = record.last_used_at or key.last_used_at
    return key


def _conflict(exc: TransactWriteError, message: str) -> Exception:
    return Conflict(message) if failed_items(exc) else exc


class DynamoApiKeyRepo:
    def add(self, key: ApiKey) -> ApiKey:
        stored = replace(key, version=1)
        try:
            with transaction() as tx:
                tx.save(_key_record(stored), condition=Record.pk.does_not_exist())
                tx.save(_lookup_record(stored), condition=Record.pk.does_not_exist())
        except TransactWriteError as exc:
            raise _conflict(exc, "api key already exists") from exc
        return stored

    def get(self, tenant_id: str, key_id: str) -> ApiKey | None:
        try:
            found = Record.get(tkey(tenant_id), f"APIKEY#{key_id}", consistent_read=True)
        except DoesNotExist:
            return None
        return _key(found) if found.kind == KIND else None

    def by_hash(self, tenant_id: str, secret_hash: str) -> ApiKey | None:
        # Strongly consistent: a revoked or rotated key must stop at once, not after replication.
        try:
            found = Record.get(f"{tkey(tenant_id)}#KEYHASH#{secret_hash}", "KEYHASH", consistent_read=True)
        except DoesNotExist:
            return None
        return loads(ApiKey, found.data) if found.kind == LOOKUP else None

    def list(self, tenant_id: str, *, limit: int = 50, after: Position = None) -> Page[ApiKey]:
        records, last = one_page(
            lambda **kw: Record.query(tkey(tenant_id), Record.sk.startswith("APIKEY#"), **kw), limit, after
        )
        return Page([_key(r) for r in records if r.kind == KIND], last)

    def replace_secret(self, key: ApiKey, secret_hash: str, prefix: str, at: str) -> ApiKey:
        rotated = replace(key, secret_hash=secret_hash, prefix=prefix, rotated_at=at, version=key.version + 1)
        try:
            with transaction() as tx:
                tx.save(_key_record(rotated), condition=Record.version == key.version)
                tx.delete(_lookup_record(key))
                tx.save(_lookup_record(rotated), condition=Record.pk.does_not_exist())
        except TransactWriteError as exc:
            raise _conflict(exc, "api key changed meanwhile, read it again") from exc
        return rotated

    def delete(self, key: ApiKey) -> None:
        with transaction() as tx:
            tx.delete(_key_record(key))
            tx.delete(_lookup_record(key))

    def touch(self, key: ApiKey, at: str) -> None:
        record = Record(pk=tkey(key.tenant_id), sk=f"APIKEY#{key.id}")
        try:
            record.update(actions=[Record.last_used_at.set(at)], condition=Record.pk.exists())
        except UpdateError as exc:
            if getattr(exc, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise  # a key revoked meanwhile is left alone
