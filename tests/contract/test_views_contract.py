"""The saved views' store, on both backends: stored whole (filters and columns), versioned, per tenant, paged."""

from __future__ import annotations

from dataclasses import replace

import pytest

from contract.test_repos_contract import NOW, tenant
from tandem.domain.errors import Conflict
from tandem.domain.ids import new_id
from tandem.domain.views import SavedView


def _view(tenant_id: str, name: str = "Urgent open") -> SavedView:
    return SavedView(tenant_id, new_id(), "user-1", name, NOW, NOW, shared=True, team_id="team-1",
                     filters={"kind": "ticket", "status_category": ["new", "open"], "unassigned": True},
                     columns=["ref", "title", "due_date"], sort="-priority", group_by="status")


def test_a_view_round_trips_with_its_filters_and_version(repos):
    # Given a tenant and a view with filters, columns, an order and a grouping
    t = tenant(repos)
    stored = repos.views.add(_view(t.id))
    # When it is read back, renamed, and read again
    got = repos.views.get(t.id, stored.id)
    saved = repos.views.save(replace(got, name="Renamed", columns=["title"]))
    # Then it is the same view, one version further, and a stale save is a conflict
    assert got == stored and got.filters["status_category"] == ["new", "open"] and got.group_by == "status"
    again = repos.views.get(t.id, stored.id)
    assert (again.name, again.columns, saved.version) == ("Renamed", ["title"], stored.version + 1)
    with pytest.raises(Conflict):
        repos.views.save(replace(got, name="stale"))


def test_views_list_per_tenant_page_by_page_and_deletion_removes_them(repos):
    # Given three views in one tenant and one in another
    a, b = tenant(repos, "acme"), tenant(repos, "other")
    mine = [repos.views.add(_view(a.id, f"View {n}")) for n in range(3)]
    repos.views.add(_view(b.id))
    # When the first tenant lists them two at a time
    first = repos.views.list(a.id, limit=2)
    second = repos.views.list(a.id, limit=2, after=first.after)
    # Then it gets exactly its own three, each once, and another tenant cannot read one by id
    assert sorted(v.id for v in first.items + second.items) == sorted(v.id for v in mine)
    assert repos.views.get(b.id, mine[0].id) is None
    repos.views.delete(mine[0])
    assert repos.views.get(a.id, mine[0].id) is None


def test_deleting_a_stale_copy_of_a_view_is_a_conflict(repos):
    # Given a view changed after it was read
    t = tenant(repos)
    read = repos.views.add(_view(t.id))
    repos.views.save(replace(read, name="Changed"))
    # When the stale copy is deleted, then it is a conflict and the view stays
    with pytest.raises(Conflict):
        repos.views.delete(read)
    assert repos.views.get(t.id, read.id).name == "Changed"
