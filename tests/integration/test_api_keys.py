"""API keys: shown once, stored hashed, acting as the integration role within their scopes and their tenant."""

from __future__ import annotations

import pytest

from integration.world import build_world
from tandem.dal.codec import dumps
from tandem.domain.api_keys import compose, principal_of
from tandem.domain.items import Cause
from tandem.domain.permissions import Action, Area, AreaTarget, allowed
from tandem.services.open_item import NewItem, open_item
from tandem.services.sign_up import sign_up

ALL = ["items:read", "items:write", "hooks"]


@pytest.fixture
def world(container):
    return build_world(container.deps)


def make_key(api, w, scopes=ALL, name="Zapier"):
    resp = api.call("POST", "/v1/api-keys", {"name": name, "scopes": scopes}, token=w.token("admin"))
    assert resp.status_code == 201, resp.data
    return resp.data


def test_create_shows_the_key_once_and_stores_only_its_hash(api, world, container):
    # Given an admin
    # When they create a key
    created = make_key(api, world)
    # Then the answer carries the key, and nothing stored or listed afterwards does
    key = created["key"]
    assert key.startswith(f"tdk_{world.ids['tenant'].id}_") and len(key) > 60
    assert set(created) == {"id", "name", "scopes", "key", "created_at", "prefix"}
    assert key.startswith(created["prefix"]) and len(created["prefix"]) < len(key) - 30
    stored = container.deps.repos.api_keys.get(world.ids["tenant"].id, created["id"])
    assert key not in dumps(stored) and key.split("_", 2)[2] not in dumps(stored)
    listed = api.call("GET", "/v1/api-keys", token=world.token("admin")).data["items"]
    assert [k["id"] for k in listed] == [created["id"]]
    assert "key" not in listed[0] and key.split("_", 2)[2] not in str(listed)
    assert set(listed[0]) == {"id", "name", "scopes", "created_at", "last_used_at", "prefix"}


def test_a_key_reads_every_item_and_private_message_of_its_tenant(api, world):
    # Given a read key
    key = make_key(api, world, ["items:read"])["key"]
    # When it lists items and reads a conversation
    items = api.call("GET", "/v1/items", token=key)
    messages = api.call("GET", f"/v1/items/{world.ids['item_a'].ref}/messages", token=key)
    # Then it sees both tenants' customers' items and the private note
    assert items.status_code == 200
    assert {i["title"] for i in items.data["items"]} == {"A's ticket", "B's ticket"}
    assert "Private: A is a difficult client" in [m["body"] for m in messages.data["items"]]


def test_last_used_at_is_recorded(api, world):
    created = make_key(api, world, ["items:read"])
    assert api.call("GET", "/v1/items", token=created["key"]).status_code == 200
    listed = api.call("GET", "/v1/api-keys", token=world.token("admin")).data["items"]
    assert listed[0]["last_used_at"]


def test_wrong_revoked_and_rotated_keys_are_refused(api, world):
    tid = world.ids["tenant"].id
    created = make_key(api, world)
    key = created["key"]
    assert api.call("GET", "/v1/items", token=key).status_code == 200
    # A wrong secret, a malformed key, another tenant's id with this secret: 401
    for wrong in (key[:-2] + "xx", "tdk_", "tdk_nope", compose(world.ids["other_tenant"].id, key.split("_", 2)[2])):
        assert api.call("GET", "/v1/items", token=wrong).status_code == 401, wrong
    # Rotation: the new key works and the old one stops at once
    rotated = api.call("POST", f"/v1/api-keys/{created['id']}/rotate", token=world.token("admin"))
    assert rotated.status_code == 200 and rotated.data["id"] == created["id"] and rotated.data["key"] != key
    assert api.call("GET", "/v1/items", token=key).status_code == 401
    new = rotated.data["key"]
    assert api.call("GET", "/v1/items", token=new).status_code == 200
    # Revocation: stops at once
    assert api.call("DELETE", f"/v1/api-keys/{created['id']}", token=world.token("admin")).status_code == 204
    assert api.call("GET", "/v1/items", token=new).status_code == 401
    assert api.call("DELETE", f"/v1/api-keys/{created['id']}", token=world.token("admin")).status_code == 404
    assert tid


def test_revocation_on_another_instance_reaches_this_one_within_five_seconds(api, world, container):
    # Given a key this warm instance has just checked (and remembers)
    now = [1000.0]
    container.deps.key_cache.clock = lambda: now[0]
    created = make_key(api, world)
    assert api.call("GET", "/v1/items", token=created["key"]).status_code == 200
    # When another instance revokes it (straight in the store: this instance's memory is not told)
    stored = container.deps.repos.api_keys.get(world.ids["tenant"].id, created["id"])
    container.deps.repos.api_keys.delete(stored)
    # Then it may still pass for under 5 s, and never after
    now[0] += 4.0
    assert api.call("GET", "/v1/items", token=created["key"]).status_code == 200
    now[0] += 1.0
    assert api.call("GET", "/v1/items", token=created["key"]).status_code == 401


def test_scopes_are_enforced(api, world):
    ref = world.ids["item_a"].ref
    type_id = world.ids["ticket_type"].id
    read = make_key(api, world, ["items:read"], "reader")["key"]
    write = make_key(api, world, ["items:write"], "writer")["key"]
    hooks = make_key(api, world, ["hooks"], "hooks only")["key"]
    # A read key cannot create, change or reply
    assert api.call("POST", "/v1/items", {"type_id": type_id, "title": "x"}, token=read).status_code == 403
    assert api.call("PATCH", f"/v1/items/{ref}", {"priority": "high"}, token=read).status_code == 403
    assert api.call("POST", f"/v1/items/{ref}/messages", {"body": "hi"}, token=read).status_code == 403
    # A write key creates, changes and replies, but does not read or list
    assert api.call("POST", "/v1/items", {"type_id": type_id, "title": "x"}, token=write).status_code == 201
    assert api.call("PATCH", f"/v1/items/{ref}", {"priority": "high"}, token=write).status_code == 200
    assert api.call("POST", f"/v1/items/{ref}/messages", {"body": "hi"}, token=write).status_code == 201
    assert api.call("GET", f"/v1/items/{ref}", token=write).status_code == 403
    assert api.call("GET", "/v1/items", token=write).data["items"] == []
    # A hooks-only key touches no item
    assert api.call("GET", f"/v1/items/{ref}", token=hooks).status_code == 404
    assert api.call("POST", "/v1/items", {"type_id": type_id, "title": "x"}, token=hooks).status_code == 403
    # No key reaches people, settings, keys, rules or conversion
    every = make_key(api, world, ALL, "everything")["key"]
    for method, path in (("GET", "/v1/users"), ("GET", "/v1/customers"), ("GET", "/v1/settings"),
                         ("GET", "/v1/api-keys"), ("GET", "/v1/rules"), ("GET", "/v1/teams")):
        assert api.call(method, path, token=every).status_code == 403, path
    assert api.call("POST", f"/v1/items/{ref}/convert", {"to": "task"}, token=every).status_code == 403


def test_the_hooks_area_is_decided_by_the_hooks_scope():
    tid = "t1"
    from tandem.domain.api_keys import ApiKey, Scope

    def p(*scopes):
        return principal_of(ApiKey(tid, "k1", "n", list(scopes)))

    target = AreaTarget(tid, Area.HOOKS)
    assert allowed(p(Scope.HOOKS), Action.CREATE, target)
    assert allowed(p(Scope.HOOKS), Action.READ, target)
    assert not allowed(p(Scope.ITEMS_READ, Scope.ITEMS_WRITE), Action.READ, target)
    assert not allowed(p(Scope.HOOKS), Action.READ, AreaTarget("t2", Area.HOOKS))
    for area in (Area.USERS, Area.SETTINGS, Area.API_KEYS, Area.TEAMS, Area.CUSTOMERS):
        assert not allowed(p(*Scope), Action.READ, AreaTarget(tid, area)), area


def test_a_key_never_sees_another_tenants_items(api, world, container):
    # Given another tenant's item with the same reference as one of ours
    deps = container.deps
    other = world.ids["other_tenant"]
    other_type = next(t for t in deps.repos.item_types.list(other.id).items if t.kind == "ticket")
    theirs = open_item(deps, other, None, NewItem(type_id=other_type.id, title="Their secret",
                                                  requester="carol@carol.example"), via="web", cause=Cause.EMAIL)
    key = make_key(api, world)["key"]
    # When our key asks for it by reference and by list
    one = api.call("GET", f"/v1/items/{theirs.ref}", token=key)
    listed = api.call("GET", "/v1/items", token=key)
    # Then it only ever finds its own tenant's items
    assert one.status_code in (200, 404) and (one.data or {}).get("title") != "Their secret"
    assert "Their secret" not in [i["title"] for i in listed.data["items"]]
    assert api.call("PATCH", f"/v1/items/{theirs.ref}", {"title": "x"}, token=key).data.get("title") != "Their secret"
    assert deps.repos.items.get(other.id, theirs.ref).title == "Their secret"


def test_changes_made_with_a_key_record_cause_api_and_the_keys_name(api, world):
    created = make_key(api, world)
    key = created["key"]
    type_id = world.ids["ticket_type"].id
    # When the key opens an item, changes it and replies
    item = api.call("POST", "/v1/items", {"type_id": type_id, "title": "From Zapier"}, token=key).data
    api.call("PATCH", f"/v1/items/{item['ref']}", {"priority": "high"}, token=key)
    api.call("POST", f"/v1/items/{item['ref']}/messages", {"body": "hello", "visibility": "private"}, token=key)
    # Then every activity entry says api and names the key
    entries = api.call("GET", f"/v1/items/{item['ref']}/activity", token=world.token("admin")).data["items"]
    assert {e["action"] for e in entries} == {"created", "updated", "message_added"}
    for entry in entries:
        assert entry["cause"] == "api"
        assert entry["note"].startswith('API key "Zapier"')
        assert entry["actor"] == f"apikey:{created['id']}"
    # And the item and the message both came through the API channel
    messages = api.call("GET", f"/v1/items/{item['ref']}/messages", token=key).data["items"]
    assert item["via"] == "api" and [m["via"] for m in messages] == ["api"]


def test_auth_test_answers_tenant_and_name_for_keys_and_people(api, world):
    key = make_key(api, world, ["hooks"])["key"]
    assert api.call("GET", "/v1/auth/test", token=key).data == {"tenant": "agency", "name": "Zapier"}
    assert api.call("GET", "/v1/auth/test", token=world.token("admin")).data == {"tenant": "agency",
                                                                                "name": "Ada Admin"}
    assert api.call("GET", "/v1/auth/test").status_code == 401


def test_only_admins_manage_keys_and_input_is_checked(api, world):
    body = {"name": "x", "scopes": ["items:read"]}
    for role in ("agent_member", "customer_a"):
        assert api.call("POST", "/v1/api-keys", body, token=world.token(role)).status_code == 403
        assert api.call("GET", "/v1/api-keys", token=world.token(role)).status_code == 403
    admin = world.token("admin")
    for bad in ({"name": "x", "scopes": []}, {"name": "x", "scopes": ["admin"]}, {"name": "", "scopes": ["hooks"]},
                {"name": 'say "hi"', "scopes": ["hooks"]}, {"scopes": ["hooks"]}):
        resp = api.call("POST", "/v1/api-keys", bad, token=admin)
        assert resp.status_code == 422, (bad, resp.data)


def test_an_admin_of_another_tenant_cannot_touch_our_keys(api, world, container):
    created = make_key(api, world)
    other = sign_up(container.deps, organization="Third", slug="third", email="t@third.example", name="T",
                    password="correct horse battery")
    assert api.call("DELETE", f"/v1/api-keys/{created['id']}", token=other.token).status_code == 404
    assert api.call("POST", f"/v1/api-keys/{created['id']}/rotate", token=other.token).status_code == 404
    assert api.call("GET", "/v1/api-keys", token=other.token).data["items"] == []
    assert api.call("GET", "/v1/items", token=created["key"]).status_code == 200
