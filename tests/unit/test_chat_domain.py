"""Live chat's pure parts (issue 14): states, input checks, ids of resent starts, the socket handshake helpers."""

from __future__ import annotations

import pytest

from tandem.domain.chat import (
    TEXT_CHARS,
    Chat,
    ChatState,
    Visitor,
    accepted,
    chat_id_for,
    check_client_id,
    check_text,
    check_visitor_key,
    closed,
    missed,
    title_of,
)
from tandem.domain.errors import Conflict, ValidationError
from tandem.domain.tenants import Tenant, module_on


def _chat(state: ChatState = ChatState.WAITING) -> Chat:
    return Chat("t1", "c1", state, Visitor("Vera", "v@x.example", "u1"), "v:key-12345", "", "2026-03-01T10:00:00Z",
                "2026-03-01T10:00:00Z")


def test_a_waiting_chat_is_taken_once_and_then_only_closed():
    taken = accepted(_chat(), "a1", "Ann", "2026-03-01T10:01:00Z")
    assert (taken.state, taken.agent_id, taken.agent_name) == (ChatState.ACTIVE, "a1", "Ann")
    with pytest.raises(Conflict):
        accepted(taken, "a2", "Bob", "2026-03-01T10:02:00Z")
    with pytest.raises(Conflict):  # an accepted chat is never missed
        missed(taken, "2026-03-01T10:06:00Z")
    ended = closed(taken, "2026-03-01T10:09:00Z")
    assert ended.state is ChatState.CLOSED and ended.ended_at == "2026-03-01T10:09:00Z"
    with pytest.raises(Conflict):
        closed(ended, "2026-03-01T10:10:00Z")


def test_a_missed_chat_cannot_be_taken():
    gone = missed(_chat(), "2026-03-01T10:05:00Z")
    assert gone.state is ChatState.MISSED
    with pytest.raises(Conflict):
        accepted(gone, "a1", "Ann", "2026-03-01T10:06:00Z")


def test_a_resent_start_names_the_same_chat_and_another_visitor_or_frame_another():
    first = chat_id_for("t1", "v:abc", "c-1")
    assert first == chat_id_for("t1", "v:abc", "c-1") and len(first) == 26
    assert len({first, chat_id_for("t1", "v:abc", "c-2"), chat_id_for("t1", "v:xyz", "c-1"),
                chat_id_for("t2", "v:abc", "c-1")}) == 4


@pytest.mark.parametrize("bad", [None, "", "   ", 5, "x" * (TEXT_CHARS + 1)])
def test_a_line_is_non_empty_text_within_the_limit(bad):
    with pytest.raises(ValidationError) as err:
        check_text(bad)
    assert err.value.details == {"field": "text"}


def test_lines_client_ids_and_visitor_keys_are_checked():
    assert check_text("  hi  ") == "hi"
    assert check_client_id(None) is None and check_client_id("a-1:2.3_x") == "a-1:2.3_x"
    for bad in ("has space", "x" * 101, 7):
        with pytest.raises(ValidationError):
            check_client_id(bad)
    assert check_visitor_key("abcd-1234_XY") == "abcd-1234_XY"
    for bad in ("short", "with/slash-1234", None):
        with pytest.raises(ValidationError):
            check_visitor_key(bad)


def test_the_ticket_title_is_the_opening_lines_first_line_shortened():
    assert title_of("Printer on fire\nplease help") == "Printer on fire"
    assert len(title_of("x" * 500)) == 118 and title_of("x" * 500).endswith("…")


def test_chat_is_off_and_the_knowledge_base_on_unless_the_tenant_says_otherwise():
    tenant = Tenant("t1", "acme", "Acme", "acme.example", "2026-01-01T00:00:00Z")
    assert not module_on(tenant, "chat") and module_on(tenant, "knowledge_base")
    tenant.modules = {"chat": True, "knowledge_base": False}
    assert module_on(tenant, "chat") and not module_on(tenant, "knowledge_base")
    assert tenant.chat_unanswered_minutes == 5


def test_the_handshake_answer_key_is_rfc_6455s():
    from tandem.local.websocket import accept_key

    assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="  # RFC 6455, section 1.3


def test_the_session_cookie_counts_from_our_own_pages_only():
    from tandem.runtime.chat_socket import own_page

    portal = "https://help.acme.example"
    assert own_page({}, portal)  # not a browser: no Origin
    assert own_page({"origin": "https://help.acme.example"}, portal)
    assert own_page({"origin": "http://localhost:8000", "host": "localhost:8000"}, portal)
    assert not own_page({"origin": "https://evil.example", "host": "help.acme.example"}, portal)
    assert not own_page({"origin": "http://help.acme.example", "host": "other:1"}, portal)
