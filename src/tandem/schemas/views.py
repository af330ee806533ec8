"""Saved views (`/v1/views`): filters with the keys of `GET /v1/items`, columns, order and grouping."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct

from tandem.domain.limits import ID, Id, Name, SearchText
from tandem.domain.queues import Sort
from tandem.schemas.common import ListQuery
from tandem.schemas.items import CategoryName

# Checked against the item model by the use case (domain/views.py::COLUMNS), so an unknown one is named in the 422.
Column = Annotated[str, Meta(min_length=1, max_length=ID)]
Columns = Annotated[list[Column], Meta(min_length=1, max_length=50)]


class ViewFilters(Struct, kw_only=True, omit_defaults=True, forbid_unknown_fields=True):
    """The `GET /v1/items` parameters the view lists with (its order is the view's `sort`)."""

    kind: Literal["ticket", "task"] | None = None
    project_id: Id | None = None
    status: Id | None = None
    assignee: Id | None = None  # a "user:<id>" / "team:<id>" ref, or "me" (whoever looks at the view)
    requester: Id | None = None
    type_id: Id | None = None
    organization_id: Id | None = None
    folder_id: Id | None = None  # a project's sub-folder (issue 15)
    unassigned: bool | None = None
    status_category: list[CategoryName] | None = None
    q: SearchText | None = None


class ViewOut(Struct, kw_only=True):
    id: str
    name: str
    owner_id: str
    shared: bool
    team_id: str | None
    filters: ViewFilters
    columns: list[str]
    sort: str
    group_by: str | None
    created_at: str
    updated_at: str
    version: int


class ViewColumnsOut(Struct, kw_only=True):
    """What a view may show and group by (domain/views.py is the one list), for a column chooser."""

    columns: list[str]
    groups: list[str]
    default_columns: list[str]


class ViewCreate(Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name
    shared: bool = False
    team_id: Id | None = None
    filters: ViewFilters = msgspec.field(default_factory=ViewFilters)
    columns: Columns | msgspec.UnsetType = msgspec.UNSET
    sort: Sort = "-updated_at"
    group_by: Column | None = None


class ViewPatch(Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    shared: bool | msgspec.UnsetType = msgspec.UNSET
    team_id: Id | None | msgspec.UnsetType = msgspec.UNSET
    filters: ViewFilters | msgspec.UnsetType = msgspec.UNSET
    columns: Columns | msgspec.UnsetType = msgspec.UNSET
    sort: Sort | msgspec.UnsetType = msgspec.UNSET
    group_by: Column | None | msgspec.UnsetType = msgspec.UNSET


class ViewExportQuery(Struct, kw_only=True):
    format: Literal["csv", "xlsx"] = "csv"


class ViewItemsQuery(ListQuery, kw_only=True):
    """Paging of a view's items (its filters and order come from the view)."""
