"""Twin of dal/dynamo_imports.py: import row markers among the fake table's claims (the items repo keeps them, as
the table keeps every claim record), a person and its marker stored together or not at all."""

from __future__ import annotations

from typing import Any

from tandem.domain.people import User
from tandem.services.ports import IdempotencyClaim


class MemoryImportLedger:
    def __init__(self, items: Any, users: Any) -> None:
        self._items, self._users = items, users  # MemoryItemRepo (it holds the claims), MemoryUserRepo

    def made(self, tenant_id: str, scope: str, keys: list[str]) -> dict[str, str]:
        claims = self._items._idem
        return {k: claims[(tenant_id, scope, k)][0] for k in dict.fromkeys(keys) if (tenant_id, scope, k) in claims}

    def add_person(self, user: User, claim: IdempotencyClaim) -> User:
        with self._items._s.lock:
            self._items.check_claim(user.tenant_id, claim)  # DuplicateRequest, before anything is stored
            stored = self._users.add(user)  # Conflict when the email is taken
            self._items.take_claim(user.tenant_id, claim, stored.id)
            return stored
