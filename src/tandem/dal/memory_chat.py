"""In-memory twin of dal/dynamo_chat.py (the contract suite runs the same tests on both)."""

from __future__ import annotations

import copy
import threading
from dataclasses import replace

from tandem.domain.chat import Chat, ChatState, Connection, Side
from tandem.domain.errors import Conflict
from tandem.services.ports import Page, Position

ASCENDING = (ChatState.WAITING, ChatState.ACTIVE)


class MemoryChatRepo:
    def __init__(self) -> None:
        self._chats: dict[tuple[str, str], Chat] = {}
        self._conns: dict[str, Connection] = {}
        self._lock = threading.Lock()

    def add(self, chat: Chat) -> tuple[Chat, bool]:
        with self._lock:
            found = self._chats.get((chat.tenant_id, chat.id))
            if found is not None:
                return copy.deepcopy(found), False
            stored = replace(chat, version=1)
            self._chats[(chat.tenant_id, chat.id)] = copy.deepcopy(stored)
        return stored, True

    def get(self, tenant_id: str, chat_id: str) -> Chat | None:
        return copy.deepcopy(self._chats.get((tenant_id, chat_id)))

    def save(self, chat: Chat) -> Chat:
        with self._lock:
            current = self._chats.get((chat.tenant_id, chat.id))
            if current is None or current.version != chat.version:
                raise Conflict("chat changed meanwhile, read it again")
            # `last_message_at` lives beside the chat (see touch): a save never moves it back.
            stored = replace(chat, version=chat.version + 1,
                             last_message_at=max(chat.last_message_at, current.last_message_at))
            self._chats[(chat.tenant_id, chat.id)] = copy.deepcopy(stored)
        return stored

    def touch(self, tenant_id: str, chat_id: str, at: str) -> None:
        with self._lock:
            current = self._chats.get((tenant_id, chat_id))
            if current is not None and at > current.last_message_at:
                current.last_message_at = at

    def list(self, tenant_id: str, state: str, *, limit: int = 50, after: Position = None) -> Page[Chat]:
        ascending = state in ASCENDING
        rows = sorted((c for (t, _), c in self._chats.items() if t == tenant_id and c.state == state),
                      key=lambda c: (c.created_at, c.id), reverse=not ascending)
        if after:
            mark = (after["at"], after["id"])
            rows = [c for c in rows if ((c.created_at, c.id) > mark if ascending else (c.created_at, c.id) < mark)]
        chunk = rows[:limit]
        more = len(rows) > limit and chunk
        return Page([copy.deepcopy(c) for c in chunk],
                    {"at": chunk[-1].created_at, "id": chunk[-1].id} if more else None)

    def connect(self, conn: Connection) -> None:
        with self._lock:
            self._conns[conn.id] = copy.deepcopy(conn)

    def connection(self, connection_id: str) -> Connection | None:
        return copy.deepcopy(self._conns.get(connection_id))

    def disconnect(self, connection_id: str) -> None:
        with self._lock:
            self._conns.pop(connection_id, None)

    def agent_connections(self, tenant_id: str, now_epoch: int) -> list[Connection]:
        return self._open(lambda c: c.tenant_id == tenant_id and c.side is Side.AGENT, now_epoch)

    def visitor_connections(self, tenant_id: str, visitor_key: str, now_epoch: int) -> list[Connection]:
        return self._open(lambda c: c.tenant_id == tenant_id and c.side is Side.VISITOR
                          and c.visitor_key == visitor_key, now_epoch)

    def _open(self, which, now_epoch: int) -> list[Connection]:
        with self._lock:
            found = [c for c in self._conns.values() if which(c) and c.expires_at > now_epoch]
        return [copy.deepcopy(c) for c in sorted(found, key=lambda c: (c.connected_at, c.id))]
