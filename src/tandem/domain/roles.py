"""Roles: named sets of privileges a staff person holds (issue 15).

A privilege is one word of a small fixed vocabulary (`PRIVILEGES`); the one permission function
(domain/permissions.py) decides by them. Five roles are built in (`BUILTINS`, ids fixed, never stored, read-only);
a tenant's admins add custom ones. Every role has a `base`, admin or agent: what a user's `role` says for
compatibility (clients and mail read it); what the user may do follows the privileges alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from msgspec import Meta

from tandem.domain.errors import ValidationError
from tandem.domain.exposure import exposed
from tandem.domain.limits import NAME, SUMMARY
from tandem.domain.people import Role


class Privilege(StrEnum):
    SETTINGS_MANAGE = "settings.manage"
    PEOPLE_MANAGE = "people.manage"
    PROJECTS_MANAGE = "projects.manage"
    DIRECTORY_READ = "directory.read"
    CUSTOMERS_CREATE = "customers.create"
    ITEMS_SEE_ALL = "items.see_all"
    ITEMS_EDIT = "items.edit"
    ITEMS_REPLY = "items.reply"
    ITEMS_NOTE = "items.note"
    TIME_TRACK = "time.track"
    TIME_READ_ALL = "time.read_all"
    TIME_APPROVE = "time.approve"
    TIME_MANAGE = "time.manage"
    KB_WRITE = "kb.write"
    VIEWS_SAVE = "views.save"


# What each privilege grants, in one line (the admin screen shows these; README lists them), grouped as shown.
DESCRIPTIONS: dict[Privilege, tuple[str, str]] = {
    Privilege.SETTINGS_MANAGE: ("Administration", "Tenant settings, item types, rules, macros, SLA policies, "
                                "knowledge base categories, inbound webhooks, everyone's views; hooks too with "
                                "items.see_all, API keys with items.see_all and items.edit"),
    Privilege.PEOPLE_MANAGE: ("Administration", "Add and change users, customers, teams and organisations; "
                              "define and assign roles (never beyond one's own privileges)"),
    Privilege.PROJECTS_MANAGE: ("Administration", "Create and change portfolios and every project (members, "
                                "managers, sharing); decide join requests"),
    Privilege.DIRECTORY_READ: ("Directory", "Read users, teams, customers, organisations and portfolios"),
    Privilege.CUSTOMERS_CREATE: ("Directory", "Add customers and organisations met in the work"),
    Privilege.ITEMS_SEE_ALL: ("Items", "See every item and project of the tenant, whatever the membership"),
    Privilege.ITEMS_EDIT: ("Items", "Open items and change their fields; convert, bulk-change, apply macros"),
    Privilege.ITEMS_REPLY: ("Items", "Write public replies to customers (items and live chat)"),
    Privilege.ITEMS_NOTE: ("Items", "Write private notes on items"),
    Privilege.TIME_TRACK: ("Time", "Track one's own time: timers and timesheets"),
    Privilege.TIME_READ_ALL: ("Time", "Read everyone's timesheets, time reports and statements"),
    Privilege.TIME_APPROVE: ("Time", "Approve and reject anyone's submitted timesheets"),
    Privilege.TIME_MANAGE: ("Time", "Change and delete anyone's timesheets"),
    Privilege.KB_WRITE: ("Knowledge base and views", "Write and publish knowledge base articles"),
    Privilege.VIEWS_SAVE: ("Knowledge base and views", "Save item list views and share them"),
}

PRIVILEGES: tuple[str, ...] = tuple(p.value for p in Privilege)
PrivilegeName = Literal[PRIVILEGES]  # type: ignore[valid-type]
ALL = frozenset(PRIVILEGES)


def _set(*privileges: Privilege) -> frozenset[str]:
    return frozenset(p.value for p in privileges)


AGENT = _set(Privilege.DIRECTORY_READ, Privilege.CUSTOMERS_CREATE, Privilege.ITEMS_EDIT, Privilege.ITEMS_REPLY,
             Privilege.ITEMS_NOTE, Privilege.TIME_TRACK, Privilege.KB_WRITE, Privilege.VIEWS_SAVE)
CUSTOM_ROLES = 50  # per tenant: the list is one Query, the admin screen one page
RoleName = Annotated[str, Meta(min_length=1, max_length=NAME)]
RoleText = Annotated[str, Meta(max_length=SUMMARY)]
BaseRole = Literal["admin", "agent"]
Privileges = Annotated[list[PrivilegeName], Meta(max_length=len(PRIVILEGES) * 2)]


@dataclass
class RoleDef:
    """A named privilege set; built-ins carry `builtin` and the caller's tenant id, and are never stored."""

    tenant_id: str = exposed(hidden=True)
    id: str = exposed()
    name: RoleName = exposed(create=True, patch=True)
    created_at: str = exposed()
    description: RoleText = exposed(create=True, patch=True, default="")
    # admin or agent: what the user's `role` says; fixed at creation (a change would have to rewrite every user).
    base: BaseRole = exposed(create=True, default="agent")
    privileges: Privileges = exposed(create=True, patch=True, default_factory=list)
    builtin: bool = exposed(default=False)
    version: int = exposed(default=0)

    @property
    def grants(self) -> frozenset[str]:
        return frozenset(self.privileges)


def _builtin(role_id: str, name: str, base: str, description: str, privileges: frozenset[str]) -> RoleDef:
    ordered = [p for p in PRIVILEGES if p in privileges]
    return RoleDef("", role_id, name, "", description, base, ordered, builtin=True, version=1)


BUILTINS: dict[str, RoleDef] = {r.id: r for r in (
    _builtin("admin", "Admin", "admin", "Everything, in every project.", ALL),
    _builtin("agent", "Agent", "agent", "Works the items of their projects: replies, notes, field changes, time.",
             AGENT),
    _builtin("light_agent", "Light agent", "agent", "A collaborator: sees the items of their projects and writes "
             "private notes; no public replies, no field changes.",
             _set(Privilege.DIRECTORY_READ, Privilege.ITEMS_NOTE, Privilege.TIME_TRACK, Privilege.VIEWS_SAVE)),
    _builtin("project_manager", "Project manager", "agent", "An agent who also manages every project: creates and "
             "shares projects, decides join requests and everyone's timesheets.",
             AGENT | _set(Privilege.PROJECTS_MANAGE, Privilege.TIME_READ_ALL, Privilege.TIME_APPROVE)),
    _builtin("billing", "Billing", "agent", "Reads every item, timesheet, time report and statement; changes "
             "nothing.",
             _set(Privilege.DIRECTORY_READ, Privilege.ITEMS_SEE_ALL, Privilege.TIME_READ_ALL, Privilege.VIEWS_SAVE)),
)}


def builtin_role(role_id: str | None, tenant_id: str = "") -> RoleDef | None:
    """The built-in role of that id (a copy naming the tenant), or None."""
    found = BUILTINS.get(role_id or "")
    if found is None:
        return None
    return RoleDef(tenant_id, found.id, found.name, found.created_at, found.description, found.base,
                   list(found.privileges), builtin=True, version=found.version)


def default_role_id(role: Role) -> str | None:
    """The role a user of that base role has when none is named: the built-in of the same name (staff only)."""
    return role.value if role in (Role.ADMIN, Role.AGENT) else None


def default_privileges(role: Role) -> frozenset[str]:
    """What a principal holds when nothing else is said: its base role's built-in (none for customers, keys)."""
    found = BUILTINS.get(default_role_id(role) or "")
    return found.grants if found is not None else frozenset()


def check_privileges(values: list[str]) -> list[str]:
    """The privileges in vocabulary order, each once; 422 naming the index of each unknown one."""
    errors = [{"field": f"privileges[{n}]", "message": f"unknown privilege {v!r}"}
              for n, v in enumerate(values) if v not in ALL]
    if errors:
        raise ValidationError(f"unknown privilege: {errors[0]['message']}", {"errors": errors})
    return [p for p in PRIVILEGES if p in set(values)]


def check_role(role: RoleDef) -> RoleDef:
    """A custom role whose fields agree: a name that is no built-in's, a known base, known privileges."""
    role.name = role.name.strip()
    if not role.name:
        raise ValidationError("name must not be blank", {"field": "name"})
    if any(b.name.casefold() == role.name.casefold() for b in BUILTINS.values()):
        raise ValidationError("a built-in role has that name", {"field": "name"})
    if role.base not in ("admin", "agent"):
        raise ValidationError("base must be admin or agent", {"field": "base"})
    role.privileges = check_privileges(list(role.privileges))
    role.description = role.description.strip()
    return role


def group_of(privilege: str) -> str:
    return DESCRIPTIONS[Privilege(privilege)][0]


assert set(DESCRIPTIONS) == set(Privilege), "every privilege is described"
