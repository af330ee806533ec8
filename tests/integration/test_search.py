"""Search on the memory backend: the index kept by the stream handler, the permission function on every answer.

The agency world (tests/integration/world.py): item A (T-1, project Incoming A, requester Alice of CustomerA, a
public reply and a private note) and item B (T-2, project Incoming B, requester Bob). Mia is a member of Incoming
A's team, Olaf of Incoming B only; the portal shows customers their own and followed items.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from integration.test_notifications import pump
from integration.world import _principal, build_world
from tandem.dal.memory import drain_events
from tandem.domain.errors import Forbidden, ValidationError
from tandem.domain.items import Cause
from tandem.domain.messages import Visibility
from tandem.runtime.handlers import react_to
from tandem.services.convert_item import convert_item
from tandem.services.manage_people import update_person
from tandem.services.ports import ItemQuery
from tandem.services.post_message import add_message
from tandem.services.read_items import list_items
from tandem.services.search import search, search_customers
from tandem.services.update_item import update_item


@pytest.fixture
def world(container):
    w = build_world(container.deps)
    pump(container)
    return w


def who(w, name: str):
    p = _principal(w.ids[name])
    return replace(p, team_ids=(w.ids["team"].id,)) if name == "member" else p  # Mia is in the support team


def refs(hits) -> list[str]:
    return [h.ref for h in hits if h.kind == "item"]


def test_a_word_of_a_private_note_finds_the_item_for_staff_and_never_for_its_customer(container, world):
    w = world
    # Given item A's private note "A is a difficult client" and its public reply "Public reply to A"
    # When staff and the item's own customer search for a word of the note
    # Then staff find the item, with the note as the passage; the customer finds nothing
    admin_hits = search(container.deps, who(w, "admin"), "difficult")
    assert refs(admin_hits) == ["T-1"] and "difficult client" in admin_hits[0].snippet
    assert search(container.deps, who(w, "cust_a"), "difficult") == []
    # And a word of the public reply finds it for the customer too
    assert refs(search(container.deps, who(w, "cust_a"), "publ")) == ["T-1"]


def test_an_agent_outside_the_project_does_not_find_its_items(container, world):
    w = world
    # Given "ticket" in both titles; Olaf works on Incoming B only, Mia on Incoming A only
    assert sorted(refs(search(container.deps, who(w, "admin"), "ticket"))) == ["T-1", "T-2"]
    assert refs(search(container.deps, who(w, "outsider"), "ticket")) == ["T-2"]
    assert refs(search(container.deps, who(w, "member"), "ticket")) == ["T-1"]


def test_customers_find_only_what_the_portal_shows_them_and_no_customers(container, world):
    w = world
    assert [(h.kind, h.ref) for h in search(container.deps, who(w, "cust_b"), "ticket")] == [("item", "T-2")]
    # Alice's name is a requester word of T-1: Bob does not find it, nor Alice as a customer
    assert search(container.deps, who(w, "cust_b"), "alice") == []
    with pytest.raises(Forbidden):
        search_customers(container.deps, who(w, "cust_a"), "alice")


def test_staff_find_customers_by_name_email_prefix_and_organisation(container, world):
    w = world
    for q in ("alic", "alice@customer-a", "customera", "ALICE a"):
        hits = search(container.deps, who(w, "member"), q)
        assert hits[0].kind == "customer" and hits[0].id == w.ids["cust_a"].id, q
    page = search_customers(container.deps, who(w, "admin"), "bob")
    assert [u.id for u in page.items] == [w.ids["cust_b"].id]
    # The other tenant's customer Carol is not in this tenant's index
    assert search_customers(container.deps, who(w, "admin"), "carol").items == []


def test_all_words_must_match_and_filters_apply(container, world):
    w = world
    admin = who(w, "admin")
    assert refs(search(container.deps, admin, "ticket alice")) == ["T-1"]
    assert search(container.deps, admin, "alice bob") == []
    # The list's own filters still apply to what the index found
    q = ItemQuery(w.ids["tenant"].id, q="ticket", project_id=w.ids["incoming_b"].id)
    assert [i.ref for i in list_items(container.deps, admin, q).items] == ["T-2"]


def test_the_list_pages_with_a_position_and_orders_by_last_activity(container, world):
    w = world
    admin = who(w, "admin")
    # Given T-2 changed last
    update_item(container.deps, admin, "T-2", {"priority": "high"})
    pump(container)
    # When the list is read one item a page
    first = list_items(container.deps, admin, ItemQuery(w.ids["tenant"].id, q="ticket", limit=1))
    second = list_items(container.deps, admin, ItemQuery(w.ids["tenant"].id, q="ticket", limit=1, after=first.after))
    # Then the pages follow each other, most recent activity first, and the last one says there is no more
    assert [i.ref for i in first.items + second.items] == ["T-2", "T-1"]
    assert second.after is None


def test_search_results_follow_the_sort_and_queue_filters_asked(container, world):
    w = world
    admin = who(w, "admin")
    tid = w.ids["tenant"].id
    # Given T-1 is the more urgent one, and nobody is assigned to T-2
    update_item(container.deps, admin, "T-1", {"priority": "urgent"})
    update_item(container.deps, admin, "T-2", {"priority": "low", "assignees": []})
    pump(container)

    def found(**kw) -> list[str]:
        return [i.ref for i in list_items(container.deps, admin, ItemQuery(tid, q="ticket", **kw)).items]

    # Then each order and queue filter holds on what the index found
    assert found(sort="-priority") == ["T-1", "T-2"]
    assert found(sort="priority") == ["T-2", "T-1"]
    assert found(sort="created_at") == ["T-1", "T-2"]
    unassigned = found(unassigned=True)
    assert "T-2" in unassigned and all(not container.deps.repos.items.get(tid, r).assignees for r in unassigned)
    assert found(status_categories=("done",)) == []


def test_an_edit_moves_the_words_and_a_redelivery_changes_nothing(container, world):
    w = world
    admin = who(w, "admin")
    index = container.deps.repos.search
    # Given T-1 renamed from "A's ticket" to "Broken printer"
    update_item(container.deps, admin, "T-1", {"title": "Broken printer"})
    events = pump(container, twice=True)  # every change delivered twice
    assert events
    before = {t: dict(p) for t, p in index.postings.items()}
    # When the same changes are delivered once more
    for event in events:
        react_to(container, event)
    # Then the index is the same, the new word finds the item and the removed one no longer does
    assert {t: dict(p) for t, p in index.postings.items()} == before
    assert refs(search(container.deps, admin, "printer")) == ["T-1"]
    assert refs(search(container.deps, admin, "ticket")) == ["T-2"]


def test_a_redelivered_message_writes_its_postings_once(container, world):
    w = world
    tenant = container.deps.repos.tenants.get(w.ids["tenant"].id)
    item = container.deps.repos.items.get(tenant.id, "T-2")
    add_message(container.deps, tenant, item, body="The invoice is attached", visibility=Visibility.PUBLIC,
                via="web", author_id=w.ids["admin"].id, cause=Cause.USER)
    [event] = drain_events(container.deps.repos)
    react_to(container, event)
    after_first = dict(container.deps.repos.search.postings[tenant.id])
    react_to(container, event)
    assert container.deps.repos.search.postings[tenant.id] == after_first
    assert refs(search(container.deps, who(w, "cust_b"), "invoice attached")) == ["T-2"]


def test_a_converted_item_is_found_by_its_new_and_old_references_and_its_messages(container, world):
    w = world
    admin = who(w, "admin")
    task = convert_item(container.deps, admin, "T-1")
    pump(container)
    for q in (task.ref, "T-1", "difficult", "ticket alice"):
        assert refs(search(container.deps, admin, q)) == [task.ref], q


def test_a_customer_renamed_is_found_by_the_new_name_with_their_items(container, world):
    w = world
    admin = who(w, "admin")
    update_person(container.deps, admin, w.ids["cust_a"].id, {"name": "Alicia Keys"}, customer=True)
    pump(container)
    hits = search(container.deps, admin, "keys")
    assert [(h.kind, h.ref) for h in hits] == [("customer", None), ("item", "T-1")]
    # And a second rename takes the first one's words away, from the customer and from their items
    update_person(container.deps, admin, w.ids["cust_a"].id, {"name": "Alicia Stone"}, customer=True)
    pump(container)
    assert search(container.deps, admin, "keys") == []
    assert [h.kind for h in search(container.deps, admin, "stone")] == ["customer", "item"]


@pytest.mark.parametrize("q", ["", "   ", "?!", "x" * 201])
def test_a_query_without_words_is_a_validation_error(container, world, q):
    with pytest.raises(ValidationError):
        search(container.deps, who(world, "admin"), q)


# Through the HTTP API (memory backend)


@pytest.mark.parametrize("path", ["/v1/search", "/v1/items", "/v1/customers"])
@pytest.mark.parametrize("q", ["", "%20%20", "%21%3F%2E", "x" * 201])
def test_a_query_without_words_or_too_long_answers_422_on_q(api, world, path, q):
    resp = api.call("GET", f"{path}?q={q}", token=world.token("admin"))
    assert resp.status_code == 422, resp.data
    error = resp.data["error"]
    assert error["code"] == "validation_error"
    fields = [error["details"].get("field")] + [e.get("field") for e in error["details"].get("errors", [])]
    assert "q" in fields, error


def test_the_search_route_answers_items_and_customers(api, world):
    resp = api.call("GET", "/v1/search?q=alice&limit=5", token=world.token("admin"))
    assert resp.status_code == 200
    assert [(h["kind"], h.get("ref")) for h in resp.data["items"]] == [("customer", None), ("item", "T-1")]
    customer, item = resp.data["items"]
    assert customer == {"kind": "customer", "id": world.ids["cust_a"].id, "ref": None, "title": "Alice A",
                        "snippet": "alice@customer-a.example"}
    assert item["title"] == "A's ticket" and item["id"] == world.ids["item_a"].id


def test_the_item_list_searches_with_q_and_pages_with_its_cursor(api, world):
    token = world.token("admin")
    first = api.call("GET", "/v1/items?q=tick&limit=1", token=token)
    assert first.status_code == 200 and len(first.data["items"]) == 1 and first.data["next_cursor"]
    second = api.call("GET", f"/v1/items?q=tick&limit=1&cursor={first.data['next_cursor']}", token=token)
    assert second.status_code == 200 and second.data["next_cursor"] is None
    assert {first.data["items"][0]["ref"], second.data["items"][0]["ref"]} == {"T-1", "T-2"}
    # The cursor belongs to that search: the plain list refuses it
    other = api.call("GET", f"/v1/items?limit=1&cursor={first.data['next_cursor']}", token=token)
    assert other.status_code == 400


def test_the_customer_list_searches_with_q_for_staff_only(api, world):
    resp = api.call("GET", "/v1/customers?q=bob", token=world.token("agent_member"))
    assert resp.status_code == 200 and [c["email"] for c in resp.data["items"]] == ["bob@customer-b.example"]
    assert api.call("GET", "/v1/customers?q=bob", token=world.token("customer_a")).status_code == 403


def test_a_customer_search_cursor_pages_the_search_and_never_the_plain_list(api, world):
    token = world.token("admin")
    first = api.call("GET", "/v1/customers?q=customer&limit=1", token=token)
    assert first.status_code == 200 and first.data["next_cursor"], first.data
    cursor = first.data["next_cursor"]
    second = api.call("GET", f"/v1/customers?q=customer&limit=1&cursor={cursor}", token=token)
    assert [c["name"] for c in first.data["items"] + second.data["items"]] == ["Alice A", "Bob B"]
    assert api.call("GET", f"/v1/customers?limit=1&cursor={cursor}", token=token).status_code == 400


def test_search_answers_carry_only_documented_fields(api, world):
    import copy

    from jsonschema import Draft202012Validator

    from integration.test_documented_fields import _forbid_extras

    doc = api.call("GET", "/v1/openapi.json").data
    strict = copy.deepcopy(doc)
    _forbid_extras(strict["components"])
    for path, q in (("/v1/search", "alice"), ("/v1/items", "ticket"), ("/v1/customers", "alice")):
        schema = {**strict, **doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]}
        _forbid_extras(schema)
        resp = api.call("GET", f"{path}?q={q}", token=world.token("admin"))
        assert resp.status_code == 200 and resp.data["items"], (path, resp.data)
        errors = [e.message for e in Draft202012Validator(schema).iter_errors(resp.data)]
        assert not errors, (path, errors[:3])


def test_a_word_beyond_its_read_cap_is_checked_on_the_items_found_by_the_other_words(container, world, monkeypatch):
    import tandem.services.search as search_service
    from tandem.services.open_item import NewItem, open_item

    w = world
    admin = who(w, "admin")
    tenant = container.deps.repos.tenants.get(w.ids["tenant"].id)
    # Given the oldest of six printer items is the only one from Zanzibar, and a lookup reads three postings
    refs_made = [open_item(container.deps, tenant, admin, NewItem(type_id=w.ids["ticket_type"].id,
                                                                  title="Printer in Zanzibar" if n == 0 else "Printer"),
                           via="web", cause=Cause.USER).ref for n in range(6)]
    pump(container)
    monkeypatch.setattr(search_service, "CANDIDATES_PER_WORD", 3)
    # When both words are searched
    hits = search(container.deps, admin, "printer zanzibar")
    # Then the Zanzibar item is found although "printer" read only the three newest items
    assert refs(hits) == [refs_made[0]]
    assert len(refs(search(container.deps, admin, "printer"))) == 3  # one word alone: what its cap read


def test_a_reindex_writes_the_same_index_the_stream_handler_built(container, world):
    from tandem.services.index_search import reindex

    index = container.deps.repos.search
    tenant_id = world.ids["tenant"].id
    built = dict(index.postings[tenant_id])
    # Given an index lost (data that predates it)
    index.postings[tenant_id] = {}
    # When the tenant is re-indexed, twice
    written = reindex(container.deps, tenant_id)
    assert reindex(container.deps, tenant_id) == written
    # Then the postings are the ones the stream handler wrote
    assert index.postings[tenant_id] == built and written == len(built)
