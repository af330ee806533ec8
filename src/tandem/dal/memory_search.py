"""The in-memory twin of dal/dynamo_search.py: the same postings and sort keys, in a dict per tenant."""

from __future__ import annotations

import threading

from tandem.dal.search_keys import posting_of, prefix_key, sort_key
from tandem.domain.items import Item
from tandem.domain.messages import Message
from tandem.domain.people import User
from tandem.services.ports import ConversationRepo, ItemRepo, Posting, UserRepo


class MemorySearchIndex:
    def __init__(self, items: ItemRepo, conversations: ConversationRepo, users: UserRepo) -> None:
        self._items, self._conversations, self._users = items, conversations, users
        self.postings: dict[str, dict[str, str]] = {}  # tenant → sort key → target (open for tests)
        self.writes = 0  # postings put or deleted, for tests that count the write cost
        self._lock = threading.Lock()

    def write(self, tenant_id: str, put: list[Posting], delete: list[Posting]) -> None:
        puts = {sort_key(p): p.target for p in put}
        with self._lock:
            mine = self.postings.setdefault(tenant_id, {})
            for p in delete:
                key = sort_key(p)
                if key not in puts:
                    mine.pop(key, None)
                    self.writes += 1
            mine.update(puts)
            self.writes += len(puts)

    def lookup(self, tenant_id: str, doc_kind: str, word: str, *, exact: bool = False, limit: int) -> list[Posting]:
        prefix = prefix_key(doc_kind, word, exact)
        with self._lock:
            found = sorted((k, t) for k, t in self.postings.get(tenant_id, {}).items() if k.startswith(prefix))
        return [posting_of(k, t) for k, t in found[:limit]]

    def items(self, tenant_id: str, refs: list[str]) -> list[Item]:
        found: dict[str, Item] = {}
        for ref in dict.fromkeys(refs):
            item = self._items.get(tenant_id, ref)  # follows retired references, like the alias records
            if item is not None:
                found.setdefault(item.id, item)
        return list(found.values())

    def messages(self, tenant_id: str, keys: list[tuple[str, str]]) -> list[Message]:
        found = (self._conversations.message(tenant_id, item_id, mid) for item_id, mid in dict.fromkeys(keys))
        return [m for m in found if m is not None]

    def people(self, tenant_id: str, user_ids: list[str]) -> list[User]:
        found = (self._users.get(tenant_id, uid) for uid in dict.fromkeys(user_ids))
        return [u for u in found if u is not None]
