"""PynamoDB repo for live chats and their sockets (issue 14; ACCESS_PATTERNS.md, "Live chat").

Chats: `pk=T#{tid}` `sk=CHAT#{id}`, listed per state on gsi1 (`T#{tid}#CHATS#{state}`, sorted `{created_at}#{id}`);
a state change moves the chat between those lists in the same write. `last_message_at` is kept in the record's
`updated_at` attribute beside `data`, moved by an UpdateItem that never goes back, so messages of both sides never
contend for the chat's version (accept, close and missed are conditional on it).

Sockets: `pk=WS#{connection id}` `sk=WS` (API Gateway's message and disconnect events name the connection only), with
gsi1 `T#{tid}#WS#agent` or `T#{tid}#WS#v#{visitor key}` to find who to push to, and a TTL: API Gateway ends a socket
after two hours, so a record whose $disconnect was lost goes away by itself (and is skipped once expired).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from pynamodb.exceptions import PutError, UpdateError

from tandem.dal.codec import dumps, loads
from tandem.dal.dynamo_base import get, one_page, tkey
from tandem.dal.table import Record
from tandem.domain.chat import Chat, ChatState, Connection, Side
from tandem.domain.errors import Conflict
from tandem.services.ports import Page, Position

CHAT = "chat"
SOCKET = "wsconn"
ASCENDING = (ChatState.WAITING.value, ChatState.ACTIVE.value)


def _conditional_failed(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def _chat_record(c: Chat) -> Record:
    t = tkey(c.tenant_id)
    return Record(pk=t, sk=f"CHAT#{c.id}", kind=CHAT, data=dumps(c), version=c.version, updated_at=c.last_message_at,
                  gsi1pk=f"{t}#CHATS#{c.state.value}", gsi1sk=f"{c.created_at}#{c.id}")


def _chat(record: Record) -> Chat:
    chat = loads(Chat, record.data)
    if record.updated_at and record.updated_at > chat.last_message_at:
        chat.last_message_at = record.updated_at
    return chat


def _socket_list(tenant_id: str, side: Side, visitor_key: str = "") -> str:
    t = tkey(tenant_id)
    return f"{t}#WS#agent" if side is Side.AGENT else f"{t}#WS#v#{visitor_key}"


class DynamoChatRepo:
    def add(self, chat: Chat) -> tuple[Chat, bool]:
        stored = replace(chat, version=1)
        try:
            _chat_record(stored).save(condition=Record.pk.does_not_exist())
        except PutError as exc:
            if not _conditional_failed(exc):
                raise
            found = self.get(chat.tenant_id, chat.id)
            if found is None:
                raise Conflict("a record of another kind holds this chat's id") from exc
            return found, False
        return stored, True

    def get(self, tenant_id: str, chat_id: str) -> Chat | None:
        found = get(tkey(tenant_id), f"CHAT#{chat_id}")
        return _chat(found) if found is not None and found.kind == CHAT else None

    def save(self, chat: Chat) -> Chat:
        stored = replace(chat, version=chat.version + 1)
        record = _chat_record(stored)
        # `updated_at` (last_message_at) is left to touch(): a save must not move it back.
        actions = [Record.data.set(record.data), Record.version.set(stored.version), Record.gsi1pk.set(record.gsi1pk),
                   Record.gsi1sk.set(record.gsi1sk)]
        try:
            record.update(actions=actions, condition=(Record.version == chat.version) & (Record.kind == CHAT))
        except UpdateError as exc:
            if _conditional_failed(exc):
                raise Conflict("chat changed meanwhile, read it again") from exc
            raise
        current = self.get(chat.tenant_id, chat.id)
        return replace(stored, last_message_at=current.last_message_at) if current is not None else stored

    def touch(self, tenant_id: str, chat_id: str, at: str) -> None:
        record = Record(pk=tkey(tenant_id), sk=f"CHAT#{chat_id}")
        try:
            record.update(actions=[Record.updated_at.set(at)],
                          condition=(Record.kind == CHAT) & (Record.updated_at < at))
        except UpdateError as exc:
            if not _conditional_failed(exc):  # a later message was first, or the chat is gone: nothing to do
                raise

    def list(self, tenant_id: str, state: str, *, limit: int = 50, after: Position = None) -> Page[Chat]:
        key = f"{tkey(tenant_id)}#CHATS#{state}"
        forward = state in ASCENDING
        records, last = one_page(lambda **kw: Record.gsi1.query(key, scan_index_forward=forward, **kw), limit, after)
        return Page([_chat(r) for r in records if r.kind == CHAT], last)

    def connect(self, conn: Connection) -> None:
        Record(pk=f"WS#{conn.id}", sk="WS", kind=SOCKET, data=dumps(conn),
               expires_at=datetime.fromtimestamp(conn.expires_at, UTC),
               gsi1pk=_socket_list(conn.tenant_id, conn.side, conn.visitor_key),
               gsi1sk=f"{conn.connected_at}#{conn.id}").save()

    def connection(self, connection_id: str) -> Connection | None:
        found = get(f"WS#{connection_id}", "WS")
        return loads(Connection, found.data) if found is not None and found.kind == SOCKET else None

    def disconnect(self, connection_id: str) -> None:
        Record(pk=f"WS#{connection_id}", sk="WS").delete()

    def agent_connections(self, tenant_id: str, now_epoch: int) -> list[Connection]:
        return self._open(_socket_list(tenant_id, Side.AGENT), now_epoch)

    def visitor_connections(self, tenant_id: str, visitor_key: str, now_epoch: int) -> list[Connection]:
        return self._open(_socket_list(tenant_id, Side.VISITOR, visitor_key), now_epoch)

    def _open(self, key: str, now_epoch: int) -> list[Connection]:
        # Every page: a tenant has as many open sockets as people on its pages, a few hundred at most.
        conns = [loads(Connection, r.data) for r in Record.gsi1.query(key) if r.kind == SOCKET]
        return [c for c in conns if c.expires_at > now_epoch]
