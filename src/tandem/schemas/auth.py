"""Sign-up, sign-in, the caller, tenant settings and the public (tenant-less) endpoints."""

from __future__ import annotations

from typing import Annotated

from msgspec import UNSET, Meta, Struct, UnsetType, defstruct

from tandem.domain.item_types import Defaults, Priority
from tandem.domain.limits import Answers, Date, Description, Email, Id, Name, Password, Title, Token
from tandem.domain.statuses import Category
from tandem.domain.tenants import MODULE_DEFAULTS, PortalVisibility, Tenant
from tandem.schemas.derive import derive
from tandem.schemas.health import Health  # noqa: F401  (its own module: the health route imports only it)
from tandem.schemas.people import UserOut
from tandem.schemas.projects import PublicForm

Slug = Annotated[str, Meta(min_length=1, max_length=63)]

__all__ = ["Defaults"]


class TenantOut(Struct, kw_only=True):
    id: str
    slug: str
    name: str
    mail_domain: str


class SignupIn(Struct, kw_only=True, forbid_unknown_fields=True):
    organization: Name
    slug: Slug
    email: Email
    password: Password
    name: Annotated[str, Meta(max_length=200)] = ""
    session: bool = False  # also set the HttpOnly session cookie (the portal's way of signing in)


class SignupOut(Struct, kw_only=True):
    token: str
    tenant: TenantOut
    user: UserOut


class LoginIn(Struct, kw_only=True, forbid_unknown_fields=True):
    tenant: Slug
    email: Email
    password: Password
    session: bool = False


class TokenOut(Struct, kw_only=True):
    token: str


class MagicLinkIn(Struct, kw_only=True, forbid_unknown_fields=True):
    email: Email


class RedeemIn(Struct, kw_only=True, forbid_unknown_fields=True):
    token: Token
    session: bool = False


class StatusOut(Struct, kw_only=True):
    key: str
    name: str
    category: Category


Lifecycles = dict[str, list[StatusOut]]


# The modules' switches, one bool per module of domain/modules.py (the one table): a module added there appears in
# /v1/me, the settings, the portal's config and the PATCH without a change here.
Modules = defstruct("Modules", [(name, bool) for name in MODULE_DEFAULTS], kw_only=True)
Modules.__doc__ = """Which modules are on (domain/modules.py): a switched-off module's routes answer 404
    `module_disabled` and its screens are hidden."""
ModulesPatch = defstruct(
    "ModulesPatch", [(name, bool | UnsetType, UNSET) for name in MODULE_DEFAULTS], kw_only=True,
    forbid_unknown_fields=True,
)
ModulesPatch.__doc__ = "The modules to switch on (true) or off (false); the others keep their state."


class MeOut(Struct, kw_only=True):
    id: str
    email: str
    name: str
    role: str
    role_id: str | None  # the staff person's role (built-in or custom); None for customers and API keys
    privileges: list[str]  # what the role grants (domain/roles.py), in vocabulary order: the workspace hides the rest
    team_ids: list[str]
    organization_id: str | None
    tenant: TenantOut
    statuses: Lifecycles  # each kind's lifecycle in order: what lists, boards and pickers offer
    priorities: list[Priority]  # lowest first
    portal_visibility: PortalVisibility
    modules: Modules


SettingsOut = derive(Tenant, "Settings", types={"modules": Modules})


class BrandingPatch(Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    logo_url: Annotated[str, Meta(max_length=500)] | UnsetType = UNSET
    color: Annotated[str, Meta(min_length=1, max_length=20)] | UnsetType = UNSET


class PortalPatch(Struct, kw_only=True, forbid_unknown_fields=True):
    visibility: PortalVisibility | UnsetType = UNSET
    require_login: bool | UnsetType = UNSET
    branding: BrandingPatch | UnsetType = UNSET
    allowed_origins: Annotated[list[Annotated[str, Meta(max_length=2048)]], Meta(max_length=100)] | UnsetType = UNSET


SettingsPatch = derive(Tenant, "SettingsPatch", write="patch", types={"portal": PortalPatch, "modules": ModulesPatch})


class PublicBranding(Struct, kw_only=True):
    name: str
    logo_url: str
    color: str


class PublicTenant(Struct, kw_only=True):
    slug: str
    name: str
    branding: PublicBranding


class PublicForms(Struct, kw_only=True):
    tenant: PublicTenant
    require_login: bool
    visibility: PortalVisibility
    statuses: Lifecycles
    items: list[PublicForm]
    modules: Modules


class FormSubmit(Struct, kw_only=True, forbid_unknown_fields=True):
    """A web form's answers; visitors (where the tenant allows them) give their email and name."""

    email: Email | None = None
    name: Annotated[str, Meta(max_length=200)] | None = None
    title: Title | None = None
    description: Description | None = None
    project_id: Id | None = None
    due_date: Date | None = None
    fields: Answers = {}


class Submitted(Struct, kw_only=True):
    ref: str
    id: str


class UnsubscribeQuery(Struct, kw_only=True):
    token: Annotated[str, Meta(max_length=4096)] = ""


class Unsubscribed(Struct, kw_only=True):
    status: str
    ref: str
