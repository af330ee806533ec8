"""Tenants (subscribing companies) and their settings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from tandem.domain.errors import ValidationError
from tandem.domain.statuses import Status, default_statuses

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$")
RESERVED_SLUGS = frozenset({"www", "api", "admin", "app", "mail", "public", "static", "v1", "_local"})


class PortalVisibility(StrEnum):
    """What a customer sees in the portal besides nothing at all."""

    NONE = "none"
    OWN = "own"
    OWN_AND_FOLLOWED = "own_and_followed"
    OWN_AND_ORGANIZATION = "own_and_organization"
    ALL_PUBLIC = "all_public"


@dataclass
class Branding:
    name: str = ""
    logo_url: str = ""
    color: str = "#2f6fed"


@dataclass
class PortalSettings:
    visibility: PortalVisibility = PortalVisibility.OWN_AND_FOLLOWED
    require_login: bool = True
    branding: Branding = field(default_factory=Branding)
    allowed_origins: list[str] = field(default_factory=list)


@dataclass
class Tenant:
    id: str
    slug: str
    name: str
    mail_domain: str
    created_at: str
    # "Open" tenants let every agent see every project; closed ones limit agents to their projects.
    agents_see_all: bool = False
    acknowledge_new_tickets: bool = True
    notify_status_changes: bool = True
    portal: PortalSettings = field(default_factory=PortalSettings)
    statuses: dict[str, list[Status]] = field(default_factory=default_statuses)
    modules: dict[str, bool] = field(default_factory=dict)
    version: int = 0

    @property
    def tenant_id(self) -> str:
        """A tenant is its own tenant: lets generic stores key every record the same way."""
        return self.id

    def status(self, kind: str, key: str) -> Status | None:
        """The lifecycle status `key` of `kind`, if the tenant has one."""
        return next((s for s in self.statuses.get(kind, []) if s.key == key), None)

    def initial_status(self, kind: str) -> Status:
        """The first status of the kind's lifecycle: where new items start."""
        return self.statuses[kind][0]


def validate_slug(slug: str) -> str:
    """Slugs become URLs and mail domains: lower-case letters, digits and inner dashes."""
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug) or slug in RESERVED_SLUGS:
        raise ValidationError("slug must be 3-40 lower-case letters, digits or dashes", {"field": "slug"})
    return slug
