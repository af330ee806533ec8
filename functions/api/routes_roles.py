"""Roles (issue 15): list, create, read, change and delete custom roles; the built-ins are read-only; the
privilege vocabulary the admin screen offers."""

from __future__ import annotations

from typing import Any

from api.http import principal
from api.ops import Call, op
from api.resources import resource
from tandem.domain.permissions import Action, Area
from tandem.domain.roles import DESCRIPTIONS
from tandem.schemas import roles as m
from tandem.schemas.derive import project
from tandem.services import roles as uc
from tandem.services.access import require_area

resource("/v1/roles", "roles", noun="role", out=m.RoleOut, create_model=m.RoleCreate, patch_model=m.RolePatch,
         list_=uc.list_roles, create=uc.create_role, get=uc.get_role, update=uc.update_role, delete=uc.delete_role,
         render_=lambda r, _p: project(m.RoleOut, r), errors=(409,))


@op("GET", "/v1/roles/privileges", summary="The privileges a role may grant, grouped and described", tag="roles",
    returns=m.PrivilegesOut)
def role_privileges(call: Call) -> Any:
    require_area(principal(call.request), Area.ROLES, Action.READ)
    return m.PrivilegesOut(items=[m.PrivilegeOut(name=p.value, group=group, description=text)
                                  for p, (group, text) in DESCRIPTIONS.items()])
