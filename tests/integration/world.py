"""A small agency world (SPEC S4) built through the use cases: the fixture of the matrix and scenario tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tandem.domain.hierarchy import team_ref, user_ref
from tandem.domain.items import Cause
from tandem.domain.messages import Visibility
from tandem.domain.people import Role
from tandem.domain.permissions import Principal
from tandem.services import inbound_webhooks, manage_people, manage_projects, manage_rules, manage_sla
from tandem.services.authenticate import issue_token
from tandem.services.deps import Deps
from tandem.services.open_item import NewItem, open_item
from tandem.services.post_message import add_message, request_upload
from tandem.services.sign_up import sign_up
from tandem.services.tenant_settings import update_settings

PASSWORD = "correct horse battery"


@dataclass
class World:
    deps: Deps
    tokens: dict[str, str | None] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)

    def token(self, role: str) -> str | None:
        return self.tokens[role]


def _principal(user) -> Principal:
    return Principal(user.tenant_id, user.id, user.role, (), user.organization_id, user.email, user.name)


def build_world(deps: Deps, *, visibility: str = "own_and_followed") -> World:
    """Agency tenant: CustomerA (follows Incoming A) and CustomerB; one ticket of A, one of B; a second tenant."""
    w = World(deps)
    agency = sign_up(
        deps, organization="Agency", slug="agency", email="admin@agency.example", name="Ada Admin", password=PASSWORD
    )
    admin = _principal(agency.user)
    update_settings(deps, admin, {"portal": {"visibility": visibility}})
    member = manage_people.create_user(deps, admin, email="mia@agency.example", name="Mia Member", password=PASSWORD)
    outsider = manage_people.create_user(
        deps, admin, email="olaf@agency.example", name="Olaf Outsider", password=PASSWORD
    )
    support = manage_people.create_team(deps, admin, name="Customer support", member_ids=[member.id])
    org_a = manage_people.create_organization(deps, admin, name="CustomerA", domains=["customer-a.example"])
    org_b = manage_people.create_organization(deps, admin, name="CustomerB", domains=["customer-b.example"])
    cust_a = manage_people.create_customer(
        deps, admin, email="alice@customer-a.example", name="Alice A", password=PASSWORD
    )
    cust_b = manage_people.create_customer(deps, admin, email="bob@customer-b.example", name="Bob B", password=PASSWORD)
    pf_a = manage_projects.create_portfolio(deps, admin, name="Customer A")
    pf_b = manage_projects.create_portfolio(deps, admin, name="Customer B")
    incoming_a = manage_projects.create_project(
        deps,
        admin,
        name="Incoming tickets (A)",
        portfolio_id=pf_a.id,
        members=[team_ref(support.id)],
        followers=[cust_a.id],
    )
    incoming_b = manage_projects.create_project(
        deps,
        admin,
        name="Incoming tickets (B)",
        portfolio_id=pf_b.id,
        members=[user_ref(outsider.id)],
        followers=[cust_b.id],
    )
    types = deps.repos.item_types.list(agency.tenant.id).items
    ticket_type = next(t for t in types if t.kind == "ticket")
    tenant = agency.tenant
    tenant = deps.repos.tenants.get(tenant.id)
    item_a = open_item(
        deps,
        tenant,
        admin,
        NewItem(type_id=ticket_type.id, title="A's ticket", requester=cust_a.id, project_id=incoming_a.id),
        via="web",
        cause=Cause.USER,
    )
    item_b = open_item(
        deps,
        tenant,
        admin,
        NewItem(type_id=ticket_type.id, title="B's ticket", requester=cust_b.id, project_id=incoming_b.id),
        via="web",
        cause=Cause.USER,
    )
    add_message(
        deps,
        tenant,
        item_a,
        body="Public reply to A",
        visibility=Visibility.PUBLIC,
        via="web",
        author_id=admin.user_id,
        cause=Cause.USER,
    )
    add_message(
        deps,
        tenant,
        item_a,
        body="Private: A is a difficult client",
        visibility=Visibility.PRIVATE,
        via="web",
        author_id=admin.user_id,
        cause=Cause.USER,
    )
    att, _ = request_upload(deps, admin, item_a.ref, filename="notes.txt", content_type="text/plain", size=10)

    rule = manage_rules.create_rule(
        deps,
        admin,
        {
            "name": "Urgent to support",
            "trigger": "item_changed",
            "conditions": {"all": [{"field": "priority", "op": "changed_to", "value": "urgent"}]},
            "actions": [{"type": "set_assignee", "value": team_ref(support.id)}],
        },
    )
    macro = manage_rules.create_macro(
        deps,
        admin,
        {
            "name": "Solved",
            "actions": [
                {"type": "set_status", "value": "resolved"},
                {"type": "post_message", "visibility": "public", "body": "Solved, thanks!"},
            ],
        },
    )

    sla_policy = manage_sla.create_policy(
        deps, admin, {"name": "Standard", "resolution_minutes": 480, "match": {"priorities": ["urgent"]}}
    )

    inbound = inbound_webhooks.create_endpoint(
        deps, admin, {"name": "Shop", "type_id": ticket_type.id, "mapping": {"title": "$.title"}}
    )

    other = sign_up(
        deps, organization="Other Co", slug="otherco", email="admin@other.example", name="Oscar", password=PASSWORD
    )
    other_admin = _principal(other.user)
    other_cust = manage_people.create_customer(
        deps, other_admin, email="carol@carol.example", name="Carol", password=PASSWORD
    )
    w.ids.update(
        tenant=tenant,
        admin=agency.user,
        member=member,
        outsider=outsider,
        team=support,
        org_a=org_a,
        org_b=org_b,
        cust_a=cust_a,
        cust_b=cust_b,
        pf_a=pf_a,
        incoming_a=incoming_a,
        incoming_b=incoming_b,
        ticket_type=ticket_type,
        item_a=item_a,
        item_b=item_b,
        attachment=att,
        other_tenant=other.tenant,
        other_cust=other_cust,
        rule=rule,
        macro=macro,
        sla_policy=sla_policy,
        inbound_webhook=inbound.endpoint,
        inbound_token=inbound.url.rsplit("/", 1)[1],
    )
    w.tokens = {
        "admin": agency.token,
        "agent_member": issue_token(deps, member),
        "agent_nonmember": issue_token(deps, outsider),
        "customer_a": issue_token(deps, cust_a),
        "customer_b": issue_token(deps, cust_b),
        "other_tenant": issue_token(deps, other_cust),
        "anonymous": None,
    }
    return w


ROLES = ("admin", "agent_member", "agent_nonmember", "customer_a", "customer_b", "other_tenant", "anonymous")
assert Role  # re-exported for tests that need it
