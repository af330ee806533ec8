"""Shared mechanics of the PynamoDB repos: one-page queries, transactions, claims, optimistic versions."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any, Generic, TypeVar

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from tandem.dal.codec import dumps, loads
from tandem.dal.table import Record
from tandem.dal.warm import WarmFacts
from tandem.domain.errors import Conflict
from tandem.services.ports import Page, Position, Premise

E = TypeVar("E")


def tkey(tenant_id: str) -> str:
    return f"T#{tenant_id}"


def ttl(seconds: int) -> timedelta:
    """An expiry `seconds` from now, for the TTL attribute (DynamoDB deletes the record some time after)."""
    return timedelta(seconds=seconds)


def transaction() -> TransactWrite:
    return TransactWrite(connection=Record._get_connection().connection)


def failed_items(exc: TransactWriteError) -> list[int]:
    """Positions of the transaction's items whose condition failed."""
    reasons = exc.cancellation_reasons or []
    return [i for i, r in enumerate(reasons) if r is not None and r.code == "ConditionalCheckFailed"]


def get(pk: str, sk: str) -> Record | None:
    try:
        return Record.get(pk, sk)
    except DoesNotExist:
        return None


def one_page(query: Callable[..., Any], limit: int, after: Position, **kwargs: Any) -> tuple[list[Record], Position]:
    """Exactly one Query request: a page of at most `limit` records (filters may leave it shorter)."""
    results = query(limit=limit, page_size=limit, last_evaluated_key=after or None, **kwargs)
    page = next(results.page_iter)
    return [Record.from_raw_data(raw) for raw in page.get("Items", [])], results.page_iter.last_evaluated_key


DONE_TTL = 3 * 24 * 3600  # longer than a stream keeps a record (24 h): a redelivery always finds the marker


def done_key(tenant_id: str, key: str) -> str:
    return f"{tkey(tenant_id)}#DONE#{key}"


def done_record(tenant_id: str, key: str) -> Record:
    """A stream change's done-marker, written in the transaction of what it marks (`attribute_not_exists`)."""
    return Record(pk=done_key(tenant_id, key), sk="DONE", kind="done", expires_at=ttl(DONE_TTL))


def claim_record(key: str, owner: str) -> Record:
    """A unique value (slug, email, domain, address) held by one owner."""
    return Record(pk=key, sk="CLAIM", kind="claim", owner=owner)


class DynamoEntityRepo(Generic[E]):
    """Tenant configuration records of one kind, with their unique claims written in the same transaction."""

    def __init__(self, kind: str, cls: type[E], prefix: str, claims: Callable[[E], list[str]] = lambda e: [],
                 extra: Callable[[E], dict[str, Any]] = lambda e: {}) -> None:
        self.kind, self.cls, self.prefix, self.claims, self.extra = kind, cls, prefix, claims, extra
        # What the warm Lambda remembers (dal/warm.py); set by `dynamo_repos` for the kinds writes re-check.
        self.facts: WarmFacts | None = None

    def warm(self, tenant_id: str, entity_id: str) -> E | None:
        """The entity as this process remembers it, read once when it does not (callers re-check its version in
        their write: a Premise)."""
        if self.facts is None:
            return self.get(tenant_id, entity_id)
        known, value = self.facts.recall(self.kind, tenant_id, entity_id)
        if known:
            return value
        value = self.get(tenant_id, entity_id)
        if value is not None:
            self.facts.remember(self.kind, tenant_id, entity_id, value)
        return value

    def _changed(self, tenant_id: str) -> None:
        """This process changed one of the tenant's records: forget what it remembers of the tenant."""
        if self.facts is not None:
            self.facts.forget_tenant(tenant_id)

    def key(self, tenant_id: str, entity_id: str) -> tuple[str, str]:
        return tkey(tenant_id), f"{self.prefix}#{entity_id}"

    def record(self, e: Any) -> Record:
        pk, sk = self.key(e.tenant_id, e.id)
        return Record(pk=pk, sk=sk, kind=self.kind, data=dumps(e), version=e.version, **self.extra(e))

    def entity(self, record: Record) -> E:
        """The domain object a record holds (subclasses with a document of their own override both)."""
        return loads(self.cls, record.data)

    def owner(self, e: Any) -> str:
        return f"{self.kind}:{e.tenant_id}:{e.id}"

    def add(self, entity: E, tx: TransactWrite | None = None) -> E:
        stored = replace(entity, version=1)  # type: ignore[type-var]
        if tx is not None:
            self._add_to(tx, stored)
            return stored
        try:
            with transaction() as own:
                self._add_to(own, stored)
        except TransactWriteError as exc:
            if not failed_items(exc):
                raise
            raise Conflict(f"{self.kind} already exists or a unique value is taken") from exc
        return stored

    def _add_to(self, tx: TransactWrite, stored: Any) -> None:
        tx.save(self.record(stored), condition=Record.pk.does_not_exist())
        for claim in self.claims(stored):
            tx.save(claim_record(claim, self.owner(stored)), condition=Record.pk.does_not_exist())

    def get(self, tenant_id: str, entity_id: str) -> E | None:
        found = get(*self.key(tenant_id, entity_id))
        return self.entity(found) if found is not None and found.kind == self.kind else None

    def save(self, entity: E) -> E:
        current = self.get(entity.tenant_id, entity.id)  # type: ignore[attr-defined]
        if current is None or current.version != entity.version:  # type: ignore[attr-defined]
            raise Conflict(f"{self.kind} changed meanwhile, read it again")
        self._changed(entity.tenant_id)  # type: ignore[attr-defined]
        stored = replace(entity, version=entity.version + 1)  # type: ignore[type-var,attr-defined]
        old, new = set(self.claims(current)), set(self.claims(stored))
        try:
            with transaction() as tx:
                tx.save(self.record(stored), condition=Record.version == entity.version)  # type: ignore[attr-defined]
                for claim in new - old:
                    tx.save(claim_record(claim, self.owner(stored)), condition=Record.pk.does_not_exist())
                for claim in old - new:
                    tx.delete(claim_record(claim, self.owner(stored)))
        except TransactWriteError as exc:
            if not failed_items(exc):
                raise
            raise Conflict(f"{self.kind} changed meanwhile or a unique value is taken") from exc
        return stored

    def list(self, tenant_id: str, *, limit: int = 50, after: Position = None) -> Page[E]:
        records, last = one_page(lambda **kw: Record.query(tkey(tenant_id), Record.sk.startswith(f"{self.prefix}#"),
                                                           **kw), limit, after)
        page = Page([self.entity(r) for r in records], last)
        if self.facts is not None:  # a list just read (e.g. the type picker before a create) is as good as a get
            for entity in page.items:
                self.facts.remember(self.kind, tenant_id, entity.id, entity)  # type: ignore[attr-defined]
        return page

    def delete(self, entity: E) -> None:
        pk, sk = self.key(entity.tenant_id, entity.id)  # type: ignore[attr-defined]
        self._changed(entity.tenant_id)  # type: ignore[attr-defined]
        try:
            with transaction() as tx:
                tx.delete(Record(pk=pk, sk=sk), condition=Record.version == entity.version)  # type: ignore[attr-defined]
                for claim in self.claims(entity):
                    tx.delete(claim_record(claim, self.owner(entity)))
        except TransactWriteError as exc:
            if not failed_items(exc):
                raise
            raise Conflict(f"{self.kind} changed meanwhile, read it again") from exc

    def by_claim(self, claim: str) -> E | None:
        """The entity holding a unique value (two reads: the claim, then the entity)."""
        found = get(claim, "CLAIM")
        if found is None or not found.owner or not found.owner.startswith(self.kind + ":"):
            return None
        _, tenant_id, entity_id = found.owner.split(":", 2)
        return self.get(tenant_id, entity_id)


# Where each kind of Premise lives: a record of the tenant (checked by version) or a unique claim (must be free).
_RECORD_PREFIX = {"type": "TYPE", "user": "USER", "org": "ORG"}
_CLAIM_KEY = {"email": "EMAIL#{t}#{k}", "domain": "DOMAIN#{t}#{k}", "address": "ADDR#{k}"}


def check_premises(tx: TransactWrite, premises: tuple[Premise, ...]) -> tuple[Premise, ...]:
    """One ConditionCheck per premise (each fact once); returns them in the order they lead the transaction
    (PynamoDB sends condition checks first, so the i-th premise is the transaction's i-th action)."""
    unique = tuple(dict.fromkeys(premises))
    for p in unique:
        if p.kind in _RECORD_PREFIX:
            tx.condition_check(Record, tkey(p.tenant_id), f"{_RECORD_PREFIX[p.kind]}#{p.key}",
                               condition=Record.version == p.version)
        elif p.kind == "thread":  # no mail with this Message-ID threads into an item (dynamo_items.thread_record)
            digest = hashlib.sha256(p.key.strip().encode()).hexdigest()[:40]
            tx.condition_check(Record, f"{tkey(p.tenant_id)}#MID#{digest}", "MID",
                               condition=Record.pk.does_not_exist())
        else:
            tx.condition_check(Record, _CLAIM_KEY[p.kind].format(t=p.tenant_id, k=p.key.lower()), "CLAIM",
                               condition=Record.pk.does_not_exist())
    return unique


def stale_premises(exc: TransactWriteError, checked: tuple[Premise, ...]) -> tuple[Premise, ...]:
    """The premises among the first actions of a cancelled transaction whose check failed."""
    failed = set(failed_items(exc))
    return tuple(p for i, p in enumerate(checked) if i in failed)
