"""The chat repo, the same on both backends: chats by state, optimistic versions, sockets by tenant and visitor."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tandem.domain.chat import Chat, ChatState, Connection, Side, Visitor, accepted
from tandem.domain.errors import Conflict

NOW = 1_900_000_000


def _chat(chat_id: str, created_at: str, tenant: str = "t1", state: ChatState = ChatState.WAITING) -> Chat:
    return Chat(tenant, chat_id, state, Visitor("Vera", "vera@example.com", "u1"), "v:key-12345", "https://x.example/p",
                created_at, created_at, item_ref="T-1", item_id="i1")


def _conn(conn_id: str, side: Side, tenant: str = "t1", key: str = "", expires: int = NOW + 3600) -> Connection:
    return Connection(conn_id, tenant, side, "2026-03-01T10:00:00Z", expires, user_id="u9", visitor_key=key)


def test_a_chat_is_stored_once_and_a_second_add_answers_the_first(repos):
    # Given a chat stored
    first, created = repos.chats.add(_chat("c1", "2026-03-01T10:00:00Z"))
    assert created and first.version == 1
    # When the same id is added again with other content (a start frame sent twice)
    again, created_again = repos.chats.add(replace(_chat("c1", "2026-03-01T11:00:00Z"), page_url="other"))
    # Then nothing new is written and the stored chat comes back
    assert not created_again and again.page_url == "https://x.example/p"
    assert repos.chats.get("t1", "c1") == first
    assert repos.chats.get("t2", "c1") is None


def test_only_one_of_two_saves_from_the_same_version_wins(repos):
    # Given a waiting chat read by two agents
    chat, _ = repos.chats.add(_chat("c1", "2026-03-01T10:00:00Z"))
    mine = accepted(chat, "a1", "Ann", "2026-03-01T10:01:00Z")
    theirs = accepted(chat, "a2", "Bob", "2026-03-01T10:01:00Z")
    # When both save it
    saved = repos.chats.save(mine)
    with pytest.raises(Conflict):
        repos.chats.save(theirs)
    # Then the first one holds it
    assert saved.version == 2 and repos.chats.get("t1", "c1").agent_id == "a1"


def test_chats_are_listed_per_state_waiting_oldest_first_ended_newest_first(repos):
    for n, at in enumerate(["2026-03-01T10:02:00Z", "2026-03-01T10:00:00Z", "2026-03-01T10:01:00Z"]):
        repos.chats.add(_chat(f"c{n}", at))
    repos.chats.add(_chat("other-tenant", "2026-03-01T09:00:00Z", tenant="t2"))
    c0 = repos.chats.get("t1", "c0")
    repos.chats.save(replace(c0, state=ChatState.MISSED))
    c1 = repos.chats.get("t1", "c1")
    repos.chats.save(replace(c1, state=ChatState.MISSED))
    # Waiting: oldest first; a page of one carries a position to the next
    first = repos.chats.list("t1", "waiting", limit=5)
    assert [c.id for c in first.items] == ["c2"]
    # Missed: newest first, paged
    page = repos.chats.list("t1", "missed", limit=1)
    assert [c.id for c in page.items] == ["c0"] and page.after
    rest = repos.chats.list("t1", "missed", limit=1, after=page.after)
    assert [c.id for c in rest.items] == ["c1"]
    assert repos.chats.list("t1", "closed").items == []


def test_touch_moves_the_last_message_forward_only_and_saves_keep_it(repos):
    chat, _ = repos.chats.add(_chat("c1", "2026-03-01T10:00:00Z"))
    repos.chats.touch("t1", "c1", "2026-03-01T10:05:00Z")
    repos.chats.touch("t1", "c1", "2026-03-01T10:03:00Z")  # a slower message of earlier: no step back
    assert repos.chats.get("t1", "c1").last_message_at == "2026-03-01T10:05:00Z"
    # A save from the version read before the touch does not undo it (the touch made no new version)
    saved = repos.chats.save(accepted(chat, "a1", "Ann", "2026-03-01T10:06:00Z"))
    assert saved.last_message_at == "2026-03-01T10:05:00Z"
    assert repos.chats.get("t1", "c1").last_message_at == "2026-03-01T10:05:00Z"
    repos.chats.touch("t1", "missing", "2026-03-01T10:05:00Z")  # no chat: nothing happens
    assert repos.chats.get("t1", "missing") is None


def test_sockets_are_found_by_id_by_tenant_agents_and_by_visitor(repos):
    repos.chats.connect(_conn("a-1", Side.AGENT))
    repos.chats.connect(_conn("a-2", Side.AGENT, tenant="t2"))
    repos.chats.connect(_conn("v-1", Side.VISITOR, key="v:key-12345"))
    repos.chats.connect(_conn("v-2", Side.VISITOR, key="v:key-12345"))
    repos.chats.connect(_conn("v-3", Side.VISITOR, key="v:someone-else"))
    repos.chats.connect(_conn("v-old", Side.VISITOR, key="v:key-12345", expires=NOW - 1))
    assert repos.chats.connection("v-1").visitor_key == "v:key-12345"
    assert [c.id for c in repos.chats.agent_connections("t1", NOW)] == ["a-1"]
    assert sorted(c.id for c in repos.chats.visitor_connections("t1", "v:key-12345", NOW)) == ["v-1", "v-2"]
    # When a socket goes away (twice: $disconnect after a Gone), it is no longer found
    repos.chats.disconnect("v-1")
    repos.chats.disconnect("v-1")
    assert repos.chats.connection("v-1") is None
    assert [c.id for c in repos.chats.visitor_connections("t1", "v:key-12345", NOW)] == ["v-2"]
