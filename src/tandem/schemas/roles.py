"""Roles (issue 15): `/v1/roles` and the privilege vocabulary — derived from domain/roles.py's RoleDef."""

from __future__ import annotations

from msgspec import Struct

from tandem.domain.roles import PrivilegeName, RoleDef
from tandem.schemas.derive import derive

RoleOut = derive(RoleDef, "Role")
RoleCreate = derive(RoleDef, "RoleCreate", write="create", required=("name",))
RolePatch = derive(RoleDef, "RolePatch", write="patch")


class PrivilegeOut(Struct, kw_only=True):
    name: PrivilegeName
    group: str  # how the admin screen groups the checkboxes
    description: str  # what it grants, in one line


class PrivilegesOut(Struct, kw_only=True):
    items: list[PrivilegeOut]  # the whole vocabulary, in order
