"""Tenants (subscribing companies) and their settings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated

from msgspec import Meta

from tandem.domain.errors import ModuleDisabled, ValidationError
from tandem.domain.exposure import exposed
from tandem.domain.limits import LIST, Name, ShortText, Url
from tandem.domain.modules import (  # noqa: F401  (re-exported: services import the names with module_on)
    CHAT,
    INTEGRATIONS,
    KNOWLEDGE_BASE,
    MODULE_DEFAULTS,
    PORTAL,
    TASKS,
    TIME_TRACKING,
    label,
)
from tandem.domain.statuses import Status, default_statuses

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$")
# "inbound": /v1/public/inbound/{token} is the inbound webhooks' URL, not a tenant's public path.
RESERVED_SLUGS = frozenset({"www", "api", "admin", "app", "mail", "public", "static", "v1", "_local", "inbound"})


class PortalVisibility(StrEnum):
    """What a customer sees in the portal besides nothing at all."""

    NONE = "none"
    OWN = "own"
    OWN_AND_FOLLOWED = "own_and_followed"
    OWN_AND_ORGANIZATION = "own_and_organization"
    ALL_PUBLIC = "all_public"


@dataclass
class Branding:
    name: ShortText = ""
    logo_url: Annotated[str, Meta(max_length=500)] = ""
    color: Annotated[str, Meta(min_length=1, max_length=20)] = "#2f6fed"


@dataclass
class PortalSettings:
    visibility: PortalVisibility = PortalVisibility.OWN_AND_FOLLOWED
    require_login: bool = True
    branding: Branding = field(default_factory=Branding)
    allowed_origins: Annotated[list[Url], Meta(max_length=LIST)] = field(default_factory=list)


@dataclass
class Tenant:
    id: str = exposed()
    slug: str = exposed()
    name: Name = exposed(patch=True)
    mail_domain: str = exposed()
    created_at: str = exposed(hidden=True)
    # "Open" tenants let every agent see every project; closed ones limit agents to their projects.
    agents_see_all: bool = exposed(patch=True, default=False)
    acknowledge_new_tickets: bool = exposed(patch=True, default=True)
    notify_status_changes: bool = exposed(patch=True, default=True)
    portal: PortalSettings = exposed(patch=True, default_factory=PortalSettings)
    statuses: dict[str, list[Status]] = exposed(default_factory=default_statuses)
    # Module switches (module_on below); a key absent means the module's default.
    modules: dict[str, bool] = exposed(patch=True, default_factory=dict)
    # Timers left running this long are stopped by the timers Lambda (issue 13).
    timer_limit_hours: Annotated[int, Meta(ge=1, le=168)] = exposed(patch=True, default=10)
    # A live chat nobody accepted within this many minutes is marked missed and answered by mail (issue 14).
    chat_unanswered_minutes: Annotated[int, Meta(ge=1, le=1440)] = exposed(patch=True, default=5)
    version: int = exposed(default=0)

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


# Each module's state when the tenant never switched it (domain/modules.py, the one table): all on but live chat,
# because an unanswered messenger is worse than none.


def module_on(tenant: Tenant, name: str) -> bool:
    """Whether the tenant's module `name` is on: its own switch, else the module's default (on when unknown)."""
    return bool(tenant.modules.get(name, MODULE_DEFAULTS.get(name, True)))


def modules_of(tenant: Tenant) -> dict[str, bool]:
    """Every known module with its state: what `GET /v1/me`, the settings and the portal's config carry."""
    return {name: module_on(tenant, name) for name in MODULE_DEFAULTS}


def require_module(tenant: Tenant, name: str) -> None:
    """ModuleDisabled (404 `module_disabled`) when the module is off: its routes answer as if they did not exist."""
    if not module_on(tenant, name):
        raise ModuleDisabled(f"the {label(name)} module is switched off for this help desk", {"module": name})
