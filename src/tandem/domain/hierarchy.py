"""Portfolios contain projects; projects hold items, members (users, teams), managers and followers."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.domain.exposure import exposed
from tandem.domain.limits import Id, Ids, Name, Principals, Summary


def user_ref(user_id: str) -> str:
    return f"user:{user_id}"


def team_ref(team_id: str) -> str:
    return f"team:{team_id}"


@dataclass
class Portfolio:
    tenant_id: str = exposed(hidden=True)
    id: str = exposed()
    name: Name = exposed(create=True, patch=True)
    created_at: str = exposed()
    description: Summary = exposed(create=True, patch=True, default="")
    version: int = exposed(default=0)


@dataclass
class Project:
    tenant_id: str = exposed(hidden=True)
    id: str = exposed()
    name: Name = exposed(create=True, patch=True)
    created_at: str = exposed()
    portfolio_id: Id | None = exposed(create=True, patch=True, default=None)
    description: Summary = exposed(create=True, patch=True, default="")
    # Principals as "user:<id>" or "team:<id>"; followers are user ids and may be customers.
    members: Principals = exposed(create=True, patch=True, default_factory=list)
    followers: Ids = exposed(create=True, patch=True, default_factory=list)
    # Staff user ids who approve or reject the timesheets of the project's items (issue 13); admins set them.
    managers: Ids = exposed(create=True, patch=True, default_factory=list)
    version: int = exposed(default=0)

    def has_member(self, user_id: str, team_ids: list[str] | tuple[str, ...]) -> bool:
        """Membership directly or through one of the user's teams."""
        if user_ref(user_id) in self.members:
            return True
        return any(team_ref(t) in self.members for t in team_ids)
