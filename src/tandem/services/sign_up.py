"""A new tenant, ready to use: owner, default types with inbound addresses, statuses and a project."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.domain.errors import ValidationError
from tandem.domain.hierarchy import Portfolio, Project, user_ref
from tandem.domain.item_types import Defaults, FieldType, FormField, ItemType
from tandem.domain.people import Role, User, normalize_email
from tandem.domain.tenants import Branding, PortalSettings, Tenant, validate_slug
from tandem.services.authenticate import issue_token
from tandem.services.deps import Deps

MIN_PASSWORD = 10


@dataclass
class SignUpResult:
    token: str
    tenant: Tenant
    user: User
    incoming_project: Project


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ValidationError(f"password must have at least {MIN_PASSWORD} characters", {"field": "password"})
    return password


def _default_types(deps: Deps, tenant: Tenant, project: Project) -> list[ItemType]:
    now = tenant.created_at
    support = ItemType(
        tenant.id,
        deps.new_id(),
        "ticket",
        "Support request",
        now,
        inbound_address=f"support@{tenant.mail_domain}",
        form=[FormField("details", "Details", FieldType.LONG_TEXT, help="What happened, what you expected")],
        defaults=Defaults(project_id=project.id),
    )
    task = ItemType(
        tenant.id,
        deps.new_id(),
        "task",
        "Task",
        now,
        inbound_address=f"tasks@{tenant.mail_domain}",
        defaults=Defaults(project_id=project.id),
        public=False,
    )
    return [support, task]


def sign_up(
    deps: Deps, *, organization: str, slug: str, email: str, name: str, password: str, mail_domain: str | None = None
) -> SignUpResult:
    """Create the tenant and its first admin in one atomic write and sign the admin in."""
    if not isinstance(organization, str) or not organization.strip():
        raise ValidationError("organization is required", {"field": "organization"})
    slug = validate_slug(slug)
    email = normalize_email(email)
    check_password(password)
    now = deps.clock()
    tenant = Tenant(
        id=deps.new_id(),
        slug=slug,
        name=organization.strip(),
        created_at=now,
        mail_domain=mail_domain or f"{slug}.{deps.settings.mail_root}",
        portal=PortalSettings(branding=Branding(name=organization.strip())),
    )
    owner = User(
        tenant.id,
        deps.new_id(),
        email,
        (name or email).strip(),
        Role.ADMIN,
        now,
        password_hash=deps.passwords.hash(password),
    )
    portfolio = Portfolio(tenant.id, deps.new_id(), "Support", now)
    incoming = Project(
        tenant.id, deps.new_id(), "Incoming tickets", now, portfolio_id=portfolio.id, members=[user_ref(owner.id)]
    )
    deps.repos.tenants.bootstrap(tenant, owner, _default_types(deps, tenant, incoming), portfolio, [incoming])
    return SignUpResult(issue_token(deps, owner, []), tenant, owner, incoming)
