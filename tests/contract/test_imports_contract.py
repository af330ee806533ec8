"""CSV imports' row markers, one contract for both backends (services/ports.py ImportLedger): a marker is written
with the create it guards, read back in one batch, never expires, and a second create under it creates nothing."""

from __future__ import annotations

import pytest

from contract.test_repos_contract import NOW, create, tenant
from tandem.domain.errors import Conflict
from tandem.domain.ids import new_id
from tandem.domain.people import Role, User
from tandem.services.ports import DuplicateRequest, IdempotencyClaim


def marker(key: str, scope: str = "import:items") -> IdempotencyClaim:
    return IdempotencyClaim(scope, key, key, lasting=True, replay=False)


def person(t, email: str) -> User:
    return User(t.id, new_id(), email, "Pat", Role.CUSTOMER, NOW)


def test_an_item_created_under_a_marker_is_found_by_its_key_and_never_made_twice(repos):
    # Given a tenant and an item created under the marker of row key "r1"
    t = tenant(repos)
    first = create(repos, t, claim=marker("r1"))
    # When the ledger is asked about r1 and r2, then only r1 is made, with the item's ref
    assert repos.imports.made(t.id, "import:items", ["r1", "r2"]) == {"r1": first.ref}
    # When the same row is created again, then the store refuses it and keeps one item
    with pytest.raises(DuplicateRequest) as dup:
        create(repos, t, 1, claim=marker("r1"))
    assert dup.value.result_ref == first.ref
    assert [i.ref for i in repos.items.query(_all_items(t)).items] == [first.ref]


def test_markers_are_per_tenant_and_per_kind(repos):
    t, other = tenant(repos), tenant(repos, "other")
    create(repos, t, claim=marker("r1"))
    assert repos.imports.made(other.id, "import:items", ["r1"]) == {}
    assert repos.imports.made(t.id, "import:customers", ["r1"]) == {}


def test_a_person_is_stored_with_its_marker_once(repos):
    # Given a person added under marker c1
    t = tenant(repos)
    stored = repos.imports.add_person(person(t, "pat@acme.example"), marker("c1", "import:customers"))
    assert repos.users.by_email(t.id, "pat@acme.example").id == stored.id
    assert repos.imports.made(t.id, "import:customers", ["c1"]) == {"c1": stored.id}
    # When the same row comes again (another new user object), then DuplicateRequest names the first
    with pytest.raises(DuplicateRequest) as dup:
        repos.imports.add_person(person(t, "pat@acme.example"), marker("c1", "import:customers"))
    assert dup.value.result_ref == stored.id


def test_a_taken_email_stores_neither_the_person_nor_the_marker(repos):
    # Given the tenant's owner (boss@acme.example)
    t = tenant(repos)
    # When a row of another key brings the same email, then Conflict, and no marker is left behind
    with pytest.raises(Conflict):
        repos.imports.add_person(person(t, "boss@acme.example"), marker("c2", "import:customers"))
    assert repos.imports.made(t.id, "import:customers", ["c2"]) == {}


def test_many_keys_are_read_in_batches(repos):
    # Given 130 items made under markers (more than one BatchGetItem of 100 holds)
    t = tenant(repos)
    refs = {f"k{n}": create(repos, t, n % 60, claim=marker(f"k{n}")).ref for n in range(130)}
    asked = [f"k{n}" for n in range(140)]
    assert repos.imports.made(t.id, "import:items", asked) == refs


def _all_items(t):
    from tandem.services.ports import ItemQuery

    return ItemQuery(tenant_id=t.id, limit=200)


def test_an_import_marker_never_expires_while_an_idempotency_key_does(repos):
    # Given an import row marker and an API Idempotency-Key claim
    t = tenant(repos)
    create(repos, t, claim=marker("r1"))
    create(repos, t, 1, claim=IdempotencyClaim("items:u", "k1", "fp"))
    if type(repos.items).__name__.startswith("Memory"):
        return  # the fake keeps every claim for good: nothing expires there
    from tandem.dal.dynamo_base import get
    from tandem.dal.dynamo_items import claim_key

    # Then the marker's record has no expiry; the Idempotency-Key's has one
    assert get(claim_key(t.id, marker("r1")), "IDEM").expires_at is None
    assert get(claim_key(t.id, IdempotencyClaim("items:u", "k1", "fp")), "IDEM").expires_at is not None
