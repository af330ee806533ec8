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


def _deps(repos):
    from tandem.runtime.memory_adapters import MemoryBlobStore, MemoryMailer, MemoryOnce
    from tandem.runtime.memory_webhooks import MemoryWebhookSender
    from tandem.security.tokens import JwtTokenSigner
    from tandem.services.deps import Deps
    from unit.test_use_cases import PlainHasher

    return Deps(repos=repos, clock=lambda: NOW, new_id=new_id, passwords=PlainHasher(), tokens=JwtTokenSigner("s" * 32),
                blobs=MemoryBlobStore(), mailer=MemoryMailer(), once=MemoryOnce(), webhooks=MemoryWebhookSender())


def _atomic_requests(monkeypatch) -> None:
    """In-process moto handles a request in the caller's thread and is not safe under concurrent ones (the local
    stack's server serialises them the same way): one request at a time, each atomic as DynamoDB's are, while the
    two runs still interleave request by request."""
    import threading

    from botocore.client import BaseClient

    lock, call = threading.Lock(), BaseClient._make_api_call

    def one_at_a_time(self, *args, **kwargs):
        with lock:
            return call(self, *args, **kwargs)

    monkeypatch.setattr(BaseClient, "_make_api_call", one_at_a_time)


@pytest.mark.parametrize("kind", ["items", "customers"])
def test_one_batch_delivered_twice_at_once_makes_each_row_once(repos, kind, monkeypatch):
    """The use case over the real stores: two runs of the same batch race (a client retrying a timed-out call while
    the first still runs); between them every row is made once, and the other run counts it skipped."""
    from concurrent.futures import ThreadPoolExecutor

    from tandem.domain.permissions import Principal
    from tandem.services.imports import run_import
    from tandem.services.sign_up import sign_up

    _atomic_requests(monkeypatch)
    deps = _deps(repos)
    acme = sign_up(deps, organization="Acme", slug="acme", email="a@acme.example", name="A", password="long enough pw")
    admin = Principal(acme.tenant.id, acme.user.id, Role.ADMIN)
    rows = "".join(f"Row {n},p{n}@shop{n % 3}.example\n" for n in range(40))
    mapping = {"Title": "title", "Email": "requester"} if kind == "items" else {"Title": "name", "Email": "email"}
    csv_text = "Title,Email\n" + rows
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda _: run_import(deps, admin, kind, csv_text, mapping, False), range(2)))
    assert [r.errors for r in runs] == [[], []]
    assert sum(r.created for r in runs) == 40 and sum(r.skipped for r in runs) == 40
    again = run_import(deps, admin, kind, csv_text, mapping, False)
    assert (again.created, again.skipped) == (0, 40)
    # A run whose first read missed every marker (it read before the others wrote) still makes nothing: each create
    # meets its row's marker in its own transaction.
    monkeypatch.setattr(type(repos.imports), "made", lambda self, tenant_id, scope, keys: {})
    blind = run_import(deps, admin, kind, csv_text, mapping, False)
    assert (blind.created, blind.skipped, blind.errors) == (0, 40, [])
    if kind == "items":
        assert len(repos.items.query(_all_items(acme.tenant)).items) == 40
    else:
        assert len(repos.users.list(acme.tenant.id, staff=False, limit=200).items) == 40
