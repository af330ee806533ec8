"""Import markers (issue 15 B): what the creates of an import claimed, read back in one batch, on both backends.

A plan's task is created with an idempotency claim `msproject:{project id}` / task UID in the create's own
transaction; a later import asks `items.claimed` which UIDs exist already and under which reference."""

from __future__ import annotations

import pytest

from contract.test_repos_contract import create, tenant
from tandem.services.ports import DuplicateRequest, IdempotencyClaim


def test_claimed_answers_the_refs_of_claimed_keys_only_in_their_scope_and_tenant(repos):
    # Given two tasks created under import claims of one project, and one under another project's scope
    t, other = tenant(repos), tenant(repos, "other")
    first = create(repos, t, 0, IdempotencyClaim("msproject:p1", "1", "msproject"), kind="task")
    second = create(repos, t, 1, IdempotencyClaim("msproject:p1", "16", "msproject"), kind="task")
    create(repos, t, 2, IdempotencyClaim("msproject:p2", "2", "msproject"), kind="task")
    # When the import asks for its UIDs (some never claimed)
    found = repos.items.claimed(t.id, "msproject:p1", ["1", "2", "16", "99"])
    # Then each claimed key answers the ref it made; others, other scopes and other tenants are absent
    assert found == {"1": first.ref, "16": second.ref}
    assert repos.items.claimed(other.id, "msproject:p1", ["1", "16"]) == {}
    assert repos.items.claimed(t.id, "msproject:p1", []) == {}


def test_a_second_create_under_the_same_import_claim_creates_nothing(repos):
    t = tenant(repos)
    claim = IdempotencyClaim("msproject:p1", "7", "msproject")
    made = create(repos, t, 0, claim, kind="task")
    with pytest.raises(DuplicateRequest) as dup:
        create(repos, t, 1, claim, kind="task")
    assert dup.value.result_ref == made.ref
    assert repos.items.get(t.id, "K-2") is None


def test_import_claims_are_kept_for_good_while_api_keys_expire(repos):
    # Given an import claim and an API Idempotency-Key claim
    t = tenant(repos)
    create(repos, t, 0, IdempotencyClaim("msproject:p1", "1", "msproject"), kind="task")
    create(repos, t, 1, IdempotencyClaim("items:u", "k", "fp"))
    if type(repos.items).__name__.startswith("Memory"):
        pytest.skip("the in-memory fake has no TTL: every claim stays")
    from tandem.dal.dynamo_base import get
    from tandem.dal.dynamo_items import claim_key

    # Then the table's TTL never removes the import's marker, and does remove the API key's
    kept = get(claim_key(t.id, IdempotencyClaim("msproject:p1", "1", "")), "IDEM")
    expiring = get(claim_key(t.id, IdempotencyClaim("items:u", "k", "")), "IDEM")
    assert kept is not None and kept.expires_at is None
    assert expiring is not None and expiring.expires_at is not None
