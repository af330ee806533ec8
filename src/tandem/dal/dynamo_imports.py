"""CSV imports' row markers on the table: the claim records items leave (`T#{tid}#IDEM#import:<kind>#<row key>`,
`sk=IDEM`), kept for good; people get theirs in the same transaction as the user and its email claim."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pynamodb.exceptions import TransactWriteError

from tandem.dal.dynamo_base import failed_items, get, transaction
from tandem.dal.dynamo_items import claim_key, claim_record
from tandem.dal.table import Record
from tandem.domain.errors import Conflict
from tandem.domain.people import User
from tandem.services.ports import DuplicateRequest, IdempotencyClaim

BATCH_GET = 100  # keys of one BatchGetItem


class DynamoImportLedger:
    def __init__(self, users: Any) -> None:
        self._users = users  # the DynamoUserRepo (not imported: dal.dynamo assembles this module's ledger)

    def made(self, tenant_id: str, scope: str, keys: list[str]) -> dict[str, str]:
        by_pk = {claim_key(tenant_id, IdempotencyClaim(scope, k, "")): k for k in dict.fromkeys(keys)}
        pks = list(by_pk)
        found: dict[str, str] = {}
        for start in range(0, len(pks), BATCH_GET):  # PynamoDB retries unprocessed keys
            for record in Record.batch_get([(pk, "IDEM") for pk in pks[start:start + BATCH_GET]]):
                found[by_pk[record.pk]] = record.target or ""
        return found

    def add_person(self, user: User, claim: IdempotencyClaim) -> User:
        stored = replace(user, version=1)
        try:
            with transaction() as tx:
                tx.save(claim_record(user.tenant_id, claim, user.id), condition=Record.pk.does_not_exist())
                self._users._add_to(tx, stored)
        except TransactWriteError as exc:
            failed = failed_items(exc)
            if 0 in failed:
                first = get(claim_key(user.tenant_id, claim), "IDEM")
                raise DuplicateRequest(first.target or "" if first else "", claim.fingerprint) from exc
            if failed:
                raise Conflict("a person with this email already exists", {"field": "email"}) from exc
            raise
        return stored
