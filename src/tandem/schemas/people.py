"""Users, customers, teams and organisations — derived from the domain's dataclasses."""

from __future__ import annotations

from typing import Literal

from msgspec import UNSET, UnsetType

from tandem.domain.limits import Id, Password, SearchText
from tandem.domain.people import Organization, Team, User
from tandem.schemas.common import ListQuery
from tandem.schemas.derive import derive

StaffRole = Literal["admin", "agent"]
_PASSWORD = [("password", Password | UnsetType, UNSET)]

PersonRole = Literal["admin", "agent", "customer"]  # a user is never of role integration (that is an API key)
UserOut = derive(User, "User", types={"role": PersonRole})
UserCreate = derive(User, "UserCreate", write="create", types={"role": StaffRole}, extra=_PASSWORD,
                    required=("email", "name"))
UserPatch = derive(User, "UserPatch", write="patch", types={"role": StaffRole}, extra=_PASSWORD)
# Customers hold no role (role_id is staff only): their models leave it out.
CustomerCreate = derive(User, "CustomerCreate", write="create", types={"role": Literal["customer"]},
                        extra=_PASSWORD, required=("email",), exclude=("role_id",))
CustomerPatch = derive(User, "CustomerPatch", write="patch", types={"role": Literal["customer"]}, extra=_PASSWORD,
                       exclude=("role_id",))


class CustomersQuery(ListQuery, kw_only=True):
    organization_id: Id | None = None
    q: SearchText | None = None  # words of the name, email or organisation, each a prefix (staff)


TeamOut = derive(Team, "Team")
TeamCreate = derive(Team, "TeamCreate", write="create", required=("name",))
TeamPatch = derive(Team, "TeamPatch", write="patch")
OrganizationOut = derive(Organization, "Organization")
OrganizationCreate = derive(Organization, "OrganizationCreate", write="create", required=("name",))
OrganizationPatch = derive(Organization, "OrganizationPatch", write="patch")
