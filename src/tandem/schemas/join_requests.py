"""Join requests and bulk sharing of projects (issue 15)."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

from tandem.domain.join_requests import JoinRequest
from tandem.domain.limits import Id, Ids, Principals, Summary
from tandem.schemas.common import ListQuery
from tandem.schemas.derive import derive

JoinRequestOut = derive(JoinRequest, "JoinRequest")
JoinRequestCreate = derive(JoinRequest, "JoinRequestCreate", write="create")


class JoinRequestsQuery(ListQuery, kw_only=True):
    state: Literal["pending", "approved", "declined"] | None = None


class DecisionIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """What the decider writes to the asker (optional)."""

    note: Summary | None = None


class ProjectNameOut(Struct, kw_only=True):
    """A project as an agent who is no member may know it: enough to ask to join."""

    id: str
    name: str
    portfolio_id: str | None
    description: str


class ShareIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """Add every member and follower to every project (1-100 projects)."""

    project_ids: Annotated[list[Id], Meta(min_length=1, max_length=100)]
    members: Principals = []  # "user:<id>" of staff, "team:<id>"
    followers: Ids = []  # user ids, customers too


class SharedProjectOut(Struct, kw_only=True):
    id: str
    members: list[str]
    followers: list[str]


class ShareOut(Struct, kw_only=True):
    projects: list[SharedProjectOut]
    added: int  # members and followers added over all projects (0 for a repeat)
