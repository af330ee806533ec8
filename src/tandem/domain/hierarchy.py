"""Portfolios contain projects; projects hold items, members (users, teams) and followers."""

from __future__ import annotations

from dataclasses import dataclass, field


def user_ref(user_id: str) -> str:
    return f"user:{user_id}"


def team_ref(team_id: str) -> str:
    return f"team:{team_id}"


@dataclass
class Portfolio:
    tenant_id: str
    id: str
    name: str
    created_at: str
    description: str = ""
    version: int = 0


@dataclass
class Project:
    tenant_id: str
    id: str
    name: str
    created_at: str
    portfolio_id: str | None = None
    description: str = ""
    # Principals as "user:<id>" or "team:<id>"; followers are user ids and may be customers.
    members: list[str] = field(default_factory=list)
    followers: list[str] = field(default_factory=list)
    version: int = 0

    def has_member(self, user_id: str, team_ids: list[str] | tuple[str, ...]) -> bool:
        """Membership directly or through one of the user's teams."""
        if user_ref(user_id) in self.members:
            return True
        return any(team_ref(t) in self.members for t in team_ids)
