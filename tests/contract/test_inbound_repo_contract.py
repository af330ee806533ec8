"""The inbound webhook endpoints' store, on both backends: stored whole (mapping included), versioned, per tenant."""

from __future__ import annotations

from dataclasses import replace

import pytest

from contract.test_repos_contract import NOW, tenant
from tandem.domain.errors import Conflict
from tandem.domain.ids import new_id
from tandem.domain.inbound_webhooks import InboundWebhook, Mapping


def _endpoint(tenant_id: str) -> InboundWebhook:
    mapping = Mapping(title="$.issue.title", requester='$["reporter email"]', fields={"order": "$.items[0].id"})
    return InboundWebhook(tenant_id, new_id(), "Shop", "type-1", NOW, mapping=mapping, secret_hash="ab" * 32,
                          secret_hint="abcdef")


def test_an_endpoint_round_trips_with_its_mapping_and_version(repos):
    # Given a tenant and an endpoint with every part of a mapping
    t = tenant(repos)
    stored = repos.inbound_webhooks.add(_endpoint(t.id))
    # When it is read back, renamed, and read again
    got = repos.inbound_webhooks.get(t.id, stored.id)
    saved = repos.inbound_webhooks.save(replace(got, name="Shop 2"))
    # Then it is the same endpoint, one version further, and a stale save is a conflict
    assert got == stored and got.mapping.fields == {"order": "$.items[0].id"}
    assert repos.inbound_webhooks.get(t.id, stored.id).name == "Shop 2" and saved.version == stored.version + 1
    with pytest.raises(Conflict):
        repos.inbound_webhooks.save(replace(got, name="stale"))


def test_endpoints_list_per_tenant_and_deletion_removes_them(repos):
    # Given endpoints in two tenants
    a, b = tenant(repos, "acme"), tenant(repos, "other")
    mine = repos.inbound_webhooks.add(_endpoint(a.id))
    repos.inbound_webhooks.add(_endpoint(b.id))
    # When the first tenant lists them, and another tenant asks for its endpoint by id
    listed = repos.inbound_webhooks.list(a.id).items
    # Then each tenant sees only its own, and a deleted endpoint is gone
    assert [e.id for e in listed] == [mine.id]
    assert repos.inbound_webhooks.get(b.id, mine.id) is None
    repos.inbound_webhooks.delete(mine)
    assert repos.inbound_webhooks.get(a.id, mine.id) is None
