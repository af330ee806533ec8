"""Users (admins, agents, customers), teams and organisations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from msgspec import Meta

from tandem.domain.errors import ValidationError
from tandem.domain.exposure import exposed
from tandem.domain.limits import LIST, Domain, Email, Id, Ids, Name

EMAIL_RE = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
DOMAIN_RE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class Role(StrEnum):
    ADMIN = "admin"
    AGENT = "agent"
    CUSTOMER = "customer"
    # An API key's caller (domain/api_keys.py), never a stored user: staff-like in what it may be shown (private
    # messages, every item field), while what it may do is decided by its scopes in permissions.allowed.
    INTEGRATION = "integration"

    @property
    def is_staff(self) -> bool:
        return self is not Role.CUSTOMER

    @property
    def is_person(self) -> bool:
        """Roles a user record may have (an integration is a key, not a person)."""
        return self is not Role.INTEGRATION


@dataclass
class User:
    """Anyone who can sign in or be a requester. Customers are users with the customer role."""

    tenant_id: str = exposed(hidden=True)
    id: str = exposed()
    email: Email = exposed(create=True, patch=True)
    name: Name = exposed(create=True, patch=True)
    role: Role = exposed(create=True, patch=True)
    created_at: str = exposed()
    password_hash: str | None = exposed(hidden=True, default=None)
    organization_id: Id | None = exposed(create=True, patch=True, default=None)
    active: bool = exposed(patch=True, default=True)
    # Set when mail to this address bounces; outbound mail to it is suppressed.
    email_failing: bool = exposed(default=False)
    version: int = exposed(default=0)
    # Raised whenever what a token says about the user stops being true (deactivated, new role, moved to another
    # organisation, taken off a team): tokens carry the number they were issued under and die when it moves on.
    session_version: int = exposed(hidden=True, default=0)
    # The staff person's role (domain/roles.py): a built-in id or a custom role's; `role` is its base. Customers
    # have none. Users stored before roles existed hold the built-in of their `role`.
    role_id: Id | None = exposed(create=True, patch=True, default=None)

    def __post_init__(self) -> None:
        if not self.role.is_staff:
            self.role_id = None
        elif not self.role_id:
            self.role_id = self.role.value

    @property
    def handle(self) -> str:
        """What `@handle` mentions match: the local part of the email."""
        return self.email.split("@", 1)[0].lower()


@dataclass
class Team:
    tenant_id: str = exposed(hidden=True)
    id: str = exposed()
    name: Name = exposed(create=True, patch=True)
    created_at: str = exposed()
    # The single truth of team membership; tokens carry the ids at issue time.
    member_ids: Ids = exposed(create=True, patch=True, default_factory=list)
    version: int = exposed(default=0)

    @property
    def handle(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")


@dataclass
class Organization:
    tenant_id: str = exposed(hidden=True)
    id: str = exposed()
    name: Name = exposed(create=True, patch=True)
    created_at: str = exposed()
    domains: Annotated[list[Domain], Meta(max_length=LIST)] = exposed(create=True, patch=True, default_factory=list)
    version: int = exposed(default=0)


def normalize_email(value: str) -> str:
    """Lower-cased, trimmed and checked; mail addresses are case-insensitive in practice."""
    email = (value or "").strip().lower()
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise ValidationError("a valid email address is required", {"field": "email", "value": value})
    return email


def normalize_domain(value: str) -> str:
    """A bare mail domain such as `customer-a.example`."""
    domain = (value or "").strip().lower().lstrip("@")
    if not DOMAIN_RE.match(domain):
        raise ValidationError("not a valid email domain", {"field": "domains", "value": value})
    return domain


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()
