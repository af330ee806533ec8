"""Portfolios, projects and item types — derived from the domain's dataclasses."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct

from tandem.domain.hierarchy import Portfolio, Project
from tandem.domain.item_types import FormField, ItemType
from tandem.domain.limits import LIST, Id
from tandem.schemas.common import ListQuery
from tandem.schemas.derive import derive

PortfolioOut = derive(Portfolio, "Portfolio")
PortfolioCreate = derive(Portfolio, "PortfolioCreate", write="create", required=("name",))
PortfolioPatch = derive(Portfolio, "PortfolioPatch", write="patch")
# Customers do not learn who else works on, manages or follows a project: those are left out for them.
ProjectOut = derive(Project, "Project", optional=("members", "followers", "managers"))
ProjectCreate = derive(Project, "ProjectCreate", write="create", required=("name",))
ProjectPatch = derive(Project, "ProjectPatch", write="patch")


class ProjectsQuery(ListQuery, kw_only=True):
    portfolio_id: Id | None = None


class Form(Struct, kw_only=True, forbid_unknown_fields=True):
    """A type's web form as the API carries it: `{"fields": [...]}`."""

    fields: Annotated[list[FormField], Meta(max_length=LIST)] = []


# Customers see a type without its defaults (internal projects and assignees).
ItemTypeOut = derive(ItemType, "ItemType", types={"form": Form}, optional=("defaults",))
ItemTypeCreate = derive(ItemType, "ItemTypeCreate", write="create", types={"form": Form}, required=("name", "kind"))
ItemTypePatch = derive(ItemType, "ItemTypePatch", write="patch", types={"form": Form})


class PublicForm(Struct, kw_only=True):
    """A type's web form as visitors and customers see it."""

    type_id: str
    name: str
    kind: str
    survey: bool
    fields: list[FormField]
