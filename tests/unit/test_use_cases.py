"""Use cases on in-memory repos: no network, no AWS."""

from __future__ import annotations

import pytest

from tandem.dal.memory import memory_repos
from tandem.domain.errors import Conflict, NotFound, ValidationError
from tandem.domain.items import Cause
from tandem.domain.people import Role
from tandem.domain.permissions import Principal
from tandem.runtime.memory_adapters import MemoryBlobStore, MemoryMailer, MemoryOnce
from tandem.runtime.memory_webhooks import MemoryWebhookSender
from tandem.services import manage_people
from tandem.services.deps import Deps
from tandem.services.open_item import NewItem, open_item
from tandem.services.sign_up import sign_up
from tandem.services.update_item import update_item


class PlainHasher:
    def hash(self, password: str) -> str:
        return "plain:" + password

    def verify(self, stored: str, password: str) -> bool:
        return stored == "plain:" + password


class PlainTokens:
    def issue(self, claims, ttl_seconds):
        import json

        return json.dumps(claims)

    def verify(self, token):
        import json

        return json.loads(token)


@pytest.fixture
def deps() -> Deps:
    from tandem.domain.ids import new_id

    return Deps(
        repos=memory_repos(),
        clock=lambda: "2026-11-22T10:00:00.000Z",
        new_id=new_id,
        passwords=PlainHasher(),
        tokens=PlainTokens(),
        blobs=MemoryBlobStore(),
        mailer=MemoryMailer(),
        once=MemoryOnce(),
        webhooks=MemoryWebhookSender(),
    )


def acme(deps: Deps):
    return sign_up(deps, organization="Acme", slug="acme", email="a@acme.example", name="A", password="long enough pw")


def admin_of(result) -> Principal:
    return Principal(result.tenant.id, result.user.id, Role.ADMIN)


def test_a_new_tenant_starts_ready_to_use(deps):
    result = sign_up(
        deps, organization="Acme", slug="acme", email="Boss@Acme.example", name="Boss", password="long enough pw"
    )
    types = deps.repos.item_types.list(result.tenant.id).items
    assert {t.kind for t in types} == {"ticket", "task"}
    assert all(t.inbound_address.endswith("@acme.tandem.local") for t in types)
    assert deps.repos.item_types.by_address("support@acme.tandem.local").tenant_id == result.tenant.id
    assert result.user.email == "boss@acme.example"
    assert result.tenant.statuses["ticket"][0].key == "new"


def test_slugs_are_unique(deps):
    sign_up(deps, organization="Acme", slug="acme", email="a@acme.example", name="A", password="long enough pw")
    with pytest.raises(Conflict):
        sign_up(deps, organization="Acme 2", slug="acme", email="b@acme.example", name="B", password="long enough pw")
    assert deps.repos.users.by_email(deps.repos.tenants.by_slug("acme").id, "b@acme.example") is None


def test_customers_join_their_domains_organization(deps):
    result = sign_up(
        deps, organization="Acme", slug="acme", email="a@acme.example", name="A", password="long enough pw"
    )
    admin = admin_of(result)
    org = manage_people.create_organization(deps, admin, name="Club", domains=["club.example"])
    customer = manage_people.create_customer(deps, admin, email="x@club.example")
    assert customer.organization_id == org.id
    with pytest.raises(Conflict):
        manage_people.create_organization(deps, admin, name="Copy", domains=["club.example"])


def test_requester_email_becomes_a_customer_and_follower(deps):
    result = sign_up(
        deps, organization="Acme", slug="acme", email="a@acme.example", name="A", password="long enough pw"
    )
    admin = admin_of(result)
    ticket_type = next(t for t in deps.repos.item_types.list(result.tenant.id).items if t.kind == "ticket")
    item = open_item(
        deps,
        result.tenant,
        admin,
        NewItem(type_id=ticket_type.id, title="Hi", requester="new@person.example"),
        via="api",
        cause=Cause.API,
    )
    customer = deps.repos.users.by_email(result.tenant.id, "new@person.example")
    assert customer.role is Role.CUSTOMER and item.requester_id == customer.id and customer.id in item.followers
    assert item.project_id == ticket_type.defaults.project_id


def test_status_change_carries_its_category_and_activity(deps):
    result = sign_up(
        deps, organization="Acme", slug="acme", email="a@acme.example", name="A", password="long enough pw"
    )
    admin = admin_of(result)
    ticket_type = next(t for t in deps.repos.item_types.list(result.tenant.id).items if t.kind == "ticket")
    item = open_item(
        deps, result.tenant, admin, NewItem(type_id=ticket_type.id, title="Hi"), via="api", cause=Cause.API
    )
    updated = update_item(deps, admin, item.ref, {"status": "waiting"})
    assert updated.status_category.value == "waiting" and updated.version == item.version + 1
    history = deps.repos.conversations.activity(result.tenant.id, item.id).items
    assert [(a.action, a.cause.value) for a in history] == [("created", "api"), ("updated", "user")]
    # (entering "waiting" starts the work: the actual start follows, see domain/planning.py)
    assert history[1].changes == {"status": ["new", "waiting"], "actual_start": [None, updated.updated_at[:10]]}


def test_other_tenants_items_are_not_found(deps):
    one = sign_up(deps, organization="One", slug="one", email="a@one.example", name="A", password="long enough pw")
    two = sign_up(deps, organization="Two", slug="two", email="a@two.example", name="A", password="long enough pw")
    ticket_type = next(t for t in deps.repos.item_types.list(one.tenant.id).items if t.kind == "ticket")
    item = open_item(
        deps, one.tenant, admin_of(one), NewItem(type_id=ticket_type.id, title="Mine"), via="api", cause=Cause.API
    )
    with pytest.raises(NotFound):
        update_item(deps, admin_of(two), item.ref, {"title": "Yours now"})
    with pytest.raises(ValidationError):
        open_item(
            deps, two.tenant, admin_of(two), NewItem(type_id=ticket_type.id, title="x"), via="api", cause=Cause.API
        )
