"""The demo tenant of the local stack (SPEC S3/S4's agency), built through the use cases like any tenant.

Idempotent on the slug: when `demo` exists nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tandem.domain.hierarchy import team_ref, user_ref
from tandem.domain.items import Cause
from tandem.domain.messages import Visibility
from tandem.domain.permissions import Principal
from tandem.services import manage_item_types, manage_people, manage_projects, manage_rules
from tandem.services.deps import Deps
from tandem.services.open_item import NewItem, open_item
from tandem.services.post_message import add_message
from tandem.services.sign_up import sign_up
from tandem.services.tenant_settings import update_settings

SLUG = "demo"
PASSWORD = "demo-password-1"


@dataclass(frozen=True)
class Login:
    role: str
    email: str
    password: str = PASSWORD
    tenant: str = SLUG


LOGINS = (
    Login("admin", "admin@demo.example"),
    Login("agent", "agent@demo.example"),
    Login("agent", "agent2@demo.example"),
    Login("customer (CustomerA)", "alice@customer-a.example"),
    Login("customer (CustomerB)", "bob@customer-b.example"),
)


def _principal(user: Any) -> Principal:
    return Principal(user.tenant_id, user.id, user.role, (), user.organization_id, user.email, user.name)


def seed_demo(deps: Deps) -> bool:
    """Create the demo tenant unless it exists; True when it was created now."""
    if deps.repos.tenants.by_slug(SLUG) is not None:
        return False
    made = sign_up(
        deps, organization="Demo Agency", slug=SLUG, email="admin@demo.example", name="Ada Admin", password=PASSWORD
    )
    admin = _principal(made.user)
    update_settings(deps, admin, {"portal": {"visibility": "own_and_followed"}})
    people = _people(deps, admin)
    projects = _projects(deps, admin, made.incoming_project, people)
    marketing = _marketing_type(deps, admin, made.tenant.mail_domain, projects["project1"].id)
    _support_due_date(deps, admin)
    _bug_type(deps, admin, made.tenant.mail_domain, projects["project2"].id)
    _routing_rules(deps, admin, people, projects)
    _sample_items(deps, admin, people, projects, marketing)
    _live_chat(deps, made.tenant.id)
    return True


def _live_chat(deps: Deps, tenant_id: str) -> None:
    """The demo shows the messenger: chat is off for a new tenant (an unanswered messenger is worse than none)."""
    from dataclasses import replace

    tenant = deps.repos.tenants.get(tenant_id)
    if tenant is not None:
        deps.repos.tenants.save(replace(tenant, modules={**tenant.modules, "chat": True}))


def _people(deps: Deps, admin: Principal) -> dict[str, Any]:
    agent = manage_people.create_user(
        deps, admin, email="agent@demo.example", name="Andy Agent", role="agent", password=PASSWORD
    )
    agent2 = manage_people.create_user(
        deps, admin, email="agent2@demo.example", name="Agnes Agent", role="agent", password=PASSWORD
    )
    team = manage_people.create_team(deps, admin, name="Customer support", member_ids=[agent.id])
    org_a = manage_people.create_organization(deps, admin, name="CustomerA", domains=["customer-a.example"])
    org_b = manage_people.create_organization(deps, admin, name="CustomerB", domains=["customer-b.example"])
    alice = manage_people.create_customer(
        deps, admin, email="alice@customer-a.example", name="Alice A", organization_id=org_a.id, password=PASSWORD
    )
    bob = manage_people.create_customer(
        deps, admin, email="bob@customer-b.example", name="Bob B", organization_id=org_b.id, password=PASSWORD
    )
    return {"agent": agent, "agent2": agent2, "team": team, "alice": alice, "bob": bob}


def _projects(deps: Deps, admin: Principal, incoming: Any, people: dict[str, Any]) -> dict[str, Any]:
    members = [team_ref(people["team"].id)]
    pf_a = manage_projects.create_portfolio(deps, admin, name="Customer A")
    pf_b = manage_projects.create_portfolio(deps, admin, name="Customer B")

    def project(name: str, portfolio: Any, follower: Any) -> Any:
        return manage_projects.create_project(
            deps, admin, name=name, portfolio_id=portfolio.id, members=members, followers=[follower.id]
        )

    out = {
        "incoming_a": project("Incoming tickets (A)", pf_a, people["alice"]),
        "project1": project("Project1", pf_a, people["alice"]),
        "incoming_b": project("Incoming tickets (B)", pf_b, people["bob"]),
        "project2": project("Project2", pf_b, people["bob"]),
    }
    # Mail to support@ lands in the sign-up's "Incoming tickets": the support team works it too.
    out["incoming"] = manage_projects.update_project(
        deps, admin, incoming.id, {"members": [user_ref(admin.user_id), *members]}
    )
    return out


def _marketing_type(deps: Deps, admin: Principal, mail_domain: str, project_id: str) -> Any:
    return manage_item_types.create_item_type(
        deps,
        admin,
        name="Marketing request",
        kind="ticket",
        public=True,
        inbound_address=f"marketing@{mail_domain}",
        defaults={"project_id": project_id},
        form={
            "fields": [
                {"key": "due_date", "label": "Needed by", "type": "date", "required": True},
                {
                    "key": "clinic",
                    "label": "Clinic",
                    "type": "single_choice",
                    "options": ["North clinic", "South clinic"],
                },
                {"key": "details", "label": "What do you need?", "type": "long_text"},
            ]
        },
    )


def _field_json(field: Any) -> dict[str, Any]:
    return {
        "key": field.key,
        "label": field.label,
        "type": field.type.value,
        "required": field.required,
        "help": field.help,
        "options": list(field.options),
    }


def _support_due_date(deps: Deps, admin: Principal) -> None:
    """The default Support request type gets an optional custom due date (SPEC S3)."""
    types = manage_item_types.list_item_types(deps, admin).items
    support = next(t for t in types if t.kind == "ticket" and t.inbound_address)
    fields = [_field_json(f) for f in support.form]
    if not any(f["key"] == "due_date" for f in fields):
        fields.append({"key": "due_date", "label": "Needed by", "type": "date"})
        manage_item_types.update_item_type(deps, admin, support.id, {"form": {"fields": fields}})


def _bug_type(deps: Deps, admin: Principal, mail_domain: str, project_id: str) -> Any:
    return manage_item_types.create_item_type(
        deps,
        admin,
        name="Bug",
        kind="ticket",
        public=True,
        inbound_address=f"bugs@{mail_domain}",
        defaults={"project_id": project_id, "priority": "high"},
        form={
            "fields": [
                {"key": "steps", "label": "Steps to reproduce", "type": "long_text", "required": True},
                {"key": "severity", "label": "Severity", "type": "single_choice", "options": ["minor", "major"]},
            ]
        },
    )


def _routing_rules(deps: Deps, admin: Principal, people: dict[str, Any], projects: dict[str, Any]) -> None:
    """SPEC S4: mail from a customer's domain goes to its "Incoming tickets" project, assigned to Customer support."""
    team = team_ref(people["team"].id)
    for letter, domain in (("A", "customer-a.example"), ("B", "customer-b.example")):
        manage_rules.create_rule(
            deps,
            admin,
            {
                "name": f"Mail from Customer{letter} → Incoming tickets ({letter})",
                "trigger": "item_created",
                "conditions": {
                    "all": [
                        {"field": "via", "op": "equals", "value": "email"},
                        {"field": "requester.domain", "op": "equals", "value": domain},
                    ]
                },
                "actions": [
                    {"type": "set_project", "value": projects[f"incoming_{letter.lower()}"].id},
                    {"type": "set_assignee", "value": team},
                ],
            },
        )


def _sample_items(
    deps: Deps, admin: Principal, people: dict[str, Any], projects: dict[str, Any], marketing: Any
) -> None:
    tenant = deps.repos.tenants.get(admin.tenant_id)
    ticket = next(t for t in deps.repos.item_types.list(tenant.id).items if t.kind == "ticket" and t.inbound_address)

    def new(item_type: Any, title: str, requester: Any, project: str, **extra: Any) -> Any:
        request = NewItem(
            type_id=item_type.id, title=title, requester=requester.id, project_id=projects[project].id, **extra
        )
        return open_item(deps, tenant, admin, request, via="web", cause=Cause.USER)

    printer = new(
        ticket,
        "Printer on floor 2 keeps jamming",
        people["alice"],
        "incoming_a",
        description="Since Monday every third page jams.",
        priority="high",
    )
    new(
        ticket,
        "Question about the March invoice",
        people["bob"],
        "incoming_b",
        description="Line 4 seems to be billed twice.",
    )
    new(
        marketing,
        "Flyers for the spring open day",
        people["alice"],
        "project1",
        fields={"due_date": "2027-03-01", "clinic": "North clinic", "details": "500 flyers, A5"},
    )
    new(ticket, "Website contact form sends no confirmation", people["bob"], "project2")

    def say(body: str, visibility: Visibility, author: Any) -> None:
        add_message(
            deps, tenant, printer, body=body, visibility=visibility, via="web", author_id=author.id, cause=Cause.USER
        )

    say("Thanks Alice, a technician is on the way this afternoon.", Visibility.PUBLIC, people["agent"])
    say(
        "Private note: this printer was already repaired twice this year; consider replacing it.",
        Visibility.PRIVATE,
        people["agent"],
    )
