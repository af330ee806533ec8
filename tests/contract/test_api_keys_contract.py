"""The API key store, the same tests on the in-memory fake and on DynamoDB (moto)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tandem.domain.api_keys import ApiKey, Scope
from tandem.domain.errors import Conflict
from tandem.domain.ids import new_id


def key(tenant_id: str = "t1", name: str = "Zapier", secret_hash: str | None = None) -> ApiKey:
    return ApiKey(tenant_id, new_id(), name, [Scope.ITEMS_READ, Scope.HOOKS], created_at="2025-01-01T00:00:00Z",
                  prefix="tdk_t1_abcdef", secret_hash=secret_hash or f"h-{new_id()}")


def test_a_key_is_found_by_id_and_by_hash_within_its_tenant(repos):
    # Given a stored key
    stored = repos.api_keys.add(key())
    # Then it is found by id and by hash in its tenant only, and comes back as it went in
    assert stored.version == 1
    assert repos.api_keys.get("t1", stored.id) == stored
    assert repos.api_keys.by_hash("t1", stored.secret_hash) == stored
    assert repos.api_keys.by_hash("t2", stored.secret_hash) is None
    assert repos.api_keys.get("t2", stored.id) is None
    assert repos.api_keys.by_hash("t1", "no-such-hash") is None


def test_adding_the_same_id_or_hash_twice_conflicts(repos):
    first = repos.api_keys.add(key())
    with pytest.raises(Conflict):
        repos.api_keys.add(replace(key(), id=first.id))
    with pytest.raises(Conflict):
        repos.api_keys.add(key(secret_hash=first.secret_hash))
    assert [k.id for k in repos.api_keys.list("t1").items] == [first.id]


def test_lists_page_through_one_tenants_keys(repos):
    ours = [repos.api_keys.add(key(name=f"k{i}")).id for i in range(3)]
    repos.api_keys.add(key("t2"))
    first = repos.api_keys.list("t1", limit=2)
    assert len(first.items) == 2 and first.after
    rest = repos.api_keys.list("t1", limit=2, after=first.after)
    assert sorted(k.id for k in first.items + rest.items) == sorted(ours)
    assert not rest.after or repos.api_keys.list("t1", limit=2, after=rest.after).items == []


def test_rotation_moves_the_lookup_to_the_new_hash_at_once(repos):
    stored = repos.api_keys.add(key())
    rotated = repos.api_keys.replace_secret(stored, "new-hash", "tdk_t1_zzzzzz", "2025-02-01T00:00:00Z")
    assert rotated.version == 2 and rotated.prefix == "tdk_t1_zzzzzz" and rotated.id == stored.id
    assert repos.api_keys.by_hash("t1", stored.secret_hash) is None
    assert repos.api_keys.by_hash("t1", "new-hash").id == stored.id
    assert repos.api_keys.get("t1", stored.id).secret_hash == "new-hash"
    # A rotation from a stale read conflicts and changes nothing
    with pytest.raises(Conflict):
        repos.api_keys.replace_secret(stored, "other-hash", "x", "2025-02-02T00:00:00Z")
    assert repos.api_keys.by_hash("t1", "other-hash") is None
    assert repos.api_keys.by_hash("t1", "new-hash") is not None


def test_deleting_removes_the_key_and_its_lookup(repos):
    stored = repos.api_keys.add(key())
    repos.api_keys.delete(stored)
    assert repos.api_keys.get("t1", stored.id) is None
    assert repos.api_keys.by_hash("t1", stored.secret_hash) is None
    assert repos.api_keys.list("t1").items == []
    repos.api_keys.delete(stored)  # twice is fine


def test_touch_records_the_last_use_without_a_new_version(repos):
    stored = repos.api_keys.add(key())
    repos.api_keys.touch(stored, "2025-03-01T10:00:00Z")
    listed = repos.api_keys.list("t1").items[0]
    assert listed.last_used_at == "2025-03-01T10:00:00Z" and listed.version == 1
    repos.api_keys.replace_secret(repos.api_keys.get("t1", stored.id), "h2", "p", "2025-03-02T00:00:00Z")
    repos.api_keys.delete(repos.api_keys.get("t1", stored.id))
    repos.api_keys.touch(stored, "2025-03-03T00:00:00Z")  # a key revoked meanwhile stays gone
    assert repos.api_keys.get("t1", stored.id) is None
