"""PynamoDB repo of custom roles (issue 15; the built-ins live in domain/roles.py and are never stored).

Keys (ACCESS_PATTERNS.md, "Roles"): a role is pk=`T#{tid}` sk=`ROLE#{id}`, like other configuration, with its
name claimed case-insensitively (pk=`ROLENAME#{tid}#{name}`) in the same transaction, so two roles never share a
name. Who holds a role is found on the users' gsi3 (dal/dynamo_people.py, `DynamoUserRepo`).
"""

from __future__ import annotations

from tandem.dal.dynamo_base import DynamoEntityRepo
from tandem.domain.roles import RoleDef


def name_claim(role: RoleDef) -> str:
    return f"ROLENAME#{role.tenant_id}#{role.name.casefold()}"


def role_repo() -> DynamoEntityRepo[RoleDef]:
    return DynamoEntityRepo("role", RoleDef, "ROLE", claims=lambda r: [name_claim(r)])
