"""`tandem tenant create|list` against the container the tests run on: what the operator types, what they see."""

from __future__ import annotations

import pytest

from tandem import cli
from tandem.runtime import wiring


@pytest.fixture
def tandem(container, monkeypatch, capsys):
    """Run `tandem …` on the test's container; answer (exit code, stdout, stderr)."""
    monkeypatch.setattr(wiring, "build", lambda *a, **k: container)

    def run(*argv: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as done:
            cli.main(list(argv))
        out = capsys.readouterr()
        return done.value.code, out.out, out.err

    return run


def test_tenant_create_opens_a_help_desk_whose_admin_can_sign_in(tandem, api):
    # When an operator creates a tenant without a password
    code, out, _ = tandem("tenant", "create", "acme-ops", "--name", "Acme Ops", "--admin-email", "boss@acme.example")
    # Then it says so, with the generated password shown once
    assert code == 0
    assert "tenant acme-ops created" in out
    password = next(line.split()[1] for line in out.splitlines() if line.strip().startswith("password"))
    # And the admin signs in with it and finds the default types
    login = api.call("POST", "/v1/auth/login", {"tenant": "acme-ops", "email": "boss@acme.example",
                                                "password": password})
    assert login.status_code == 200
    types = api.call("GET", "/v1/item-types", token=login.data["token"]).data["items"]
    assert {t["kind"] for t in types} == {"ticket", "task"}


def test_tenant_create_refuses_a_taken_or_bad_slug_with_a_reason(tandem):
    assert tandem("tenant", "create", "beta-ops", "--name", "B", "--admin-email", "b@b.example")[0] == 0
    code, _, err = tandem("tenant", "create", "beta-ops", "--name", "B2", "--admin-email", "c@b.example")
    assert code == 2 and "taken" in err
    code, _, err = tandem("tenant", "create", "No Spaces", "--name", "N", "--admin-email", "n@n.example")
    assert code == 2 and "slug" in err


def test_tenant_list_shows_every_tenant_by_slug(tandem):
    for slug in ("zeta-co", "alpha-co"):
        tandem("tenant", "create", slug, "--name", slug.title(), "--admin-email", f"a@{slug}.example",
               "--password", "correct horse battery")
    code, out, _ = tandem("tenant", "list")
    assert code == 0
    slugs = [line.split()[0] for line in out.splitlines()[1:-1]]
    assert slugs == sorted(slugs) and {"alpha-co", "zeta-co"} <= set(slugs)
    assert out.splitlines()[-1] == f"{len(slugs)} tenant(s)"
    assert "alpha-co.tandem" in out or "alpha-co." in out  # its mail domain is shown


def test_tenant_help_has_examples(tandem):
    code, out, _ = tandem("tenant", "create", "--help")
    assert code == 0 and "examples:" in out and "tandem tenant list" in out
