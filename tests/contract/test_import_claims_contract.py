"""Import markers (issue 15 B): what the creates of an import claimed, read back in one batch, on both backends.

A plan's task is created with an idempotency claim `msproject:{project id}` / task UID in the create's own
transaction; a later import asks `imports.made` which UIDs exist already and under which reference. That such a
lasting marker never expires is test_imports_contract's (the same ledger serves CSV rows)."""

from __future__ import annotations

import pytest

from contract.test_repos_contract import create, tenant
from tandem.services.ports import DuplicateRequest, IdempotencyClaim


def test_claimed_answers_the_refs_of_claimed_keys_only_in_their_scope_and_tenant(repos):
    # Given two tasks created under import claims of one project, and one under another project's scope
    t, other = tenant(repos), tenant(repos, "other")
    first = create(repos, t, 0, IdempotencyClaim("msproject:p1", "1", "msproject", lasting=True), kind="task")
    second = create(repos, t, 1, IdempotencyClaim("msproject:p1", "16", "msproject", lasting=True), kind="task")
    create(repos, t, 2, IdempotencyClaim("msproject:p2", "2", "msproject", lasting=True), kind="task")
    # When the import asks for its UIDs (some never claimed)
    found = repos.imports.made(t.id, "msproject:p1", ["1", "2", "16", "99"])
    # Then each claimed key answers the ref it made; others, other scopes and other tenants are absent
    assert found == {"1": first.ref, "16": second.ref}
    assert repos.imports.made(other.id, "msproject:p1", ["1", "16"]) == {}
    assert repos.imports.made(t.id, "msproject:p1", []) == {}


def test_a_second_create_under_the_same_import_claim_creates_nothing(repos):
    t = tenant(repos)
    claim = IdempotencyClaim("msproject:p1", "7", "msproject", lasting=True)
    made = create(repos, t, 0, claim, kind="task")
    with pytest.raises(DuplicateRequest) as dup:
        create(repos, t, 1, claim, kind="task")
    assert dup.value.result_ref == made.ref
    assert repos.items.get(t.id, "K-2") is None
