"""The search index on the one table: postings keyed by word, read by prefix (see ACCESS_PATTERNS.md, "Search").

A posting is `pk=T#{tid}#W#{first two characters of the word}`, `sk={i|c}#{word}#{inverted doc id}#{source}`
(dal/search_keys.py), `target` = the item's reference. One Query with begins_with(sk, "i#{prefix}") answers a
prefix; its order (shorter words first, newest documents first within a word) means a capped read keeps the exact
word and recent documents. The records carry no `data`: the stream decoder ignores them.
"""

from __future__ import annotations

from collections.abc import Iterable

from tandem.dal.codec import loads
from tandem.dal.dynamo_base import one_page, tkey
from tandem.dal.dynamo_items import item_partition, read_many
from tandem.dal.search_keys import posting_of, prefix_key, sort_key
from tandem.dal.table import Record
from tandem.domain.items import Item
from tandem.domain.messages import Message
from tandem.domain.people import User
from tandem.services.ports import Posting


def partition(tenant_id: str, word: str) -> str:
    return f"{tkey(tenant_id)}#W#{word[:2]}"


def posting_key(tenant_id: str, p: Posting) -> tuple[str, str]:
    return partition(tenant_id, p.word), sort_key(p)


class DynamoSearchIndex:
    def write(self, tenant_id: str, put: list[Posting], delete: list[Posting]) -> None:
        """BatchWriteItem, 25 requests a call (PynamoDB retries unprocessed ones); a key appears once per batch."""
        puts = {posting_key(tenant_id, p): p for p in put}
        deletes = {k for k in (posting_key(tenant_id, p) for p in delete) if k not in puts}
        if not puts and not deletes:
            return
        with Record.batch_write() as batch:
            for (pk, sk), p in puts.items():
                batch.save(Record(pk=pk, sk=sk, kind="posting", target=p.target or None))
            for pk, sk in deletes:
                batch.delete(Record(pk=pk, sk=sk, kind="posting"))

    def lookup(self, tenant_id: str, doc_kind: str, word: str, *, exact: bool = False, limit: int) -> list[Posting]:
        prefix = prefix_key(doc_kind, word, exact)
        records, _ = one_page(lambda **kw: Record.query(partition(tenant_id, word), Record.sk.startswith(prefix),
                                                        **kw), limit, None)
        return [posting_of(r.sk, r.target) for r in records]

    def items(self, tenant_id: str, refs: list[str]) -> list[Item]:
        return read_many(tenant_id, refs)

    def messages(self, tenant_id: str, keys: list[tuple[str, str]]) -> list[Message]:
        records = _batch_get((item_partition(tenant_id, item_id), f"MSG#{mid}") for item_id, mid in keys)
        return [loads(Message, r.data) for r in records if r.kind == "message"]

    def people(self, tenant_id: str, user_ids: list[str]) -> list[User]:
        records = _batch_get((tkey(tenant_id), f"USER#{uid}") for uid in user_ids)
        return [loads(User, r.data) for r in records if r.kind == "user"]


def _batch_get(keys: Iterable[tuple[str, str]]) -> list[Record]:
    """BatchGetItem, 100 keys a request (PynamoDB splits and retries unprocessed keys)."""
    unique = list(dict.fromkeys(keys))
    return list(Record.batch_get(unique)) if unique else []
