"""Queues (`GET /v1/queues`) and bulk changes (`POST /v1/items/bulk`)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct

from tandem.domain.limits import Id, Principals, Tags
from tandem.schemas.items import CategoryName, ItemOut

ItemRef = Annotated[str, Meta(min_length=1, max_length=32)]


class QueueFilters(Struct, kw_only=True, omit_defaults=True):
    """The `GET /v1/items` parameters that list the queue's items."""

    status_category: list[CategoryName] = []
    assignee: Literal["me"] | None = None
    unassigned: bool | None = None


class QueueOut(Struct, kw_only=True):
    id: Literal["mine", "unassigned", "open"]
    name: str
    count: int
    filters: QueueFilters


class QueuesOut(Struct, kw_only=True):
    items: list[QueueOut]


class BulkSet(Struct, kw_only=True, forbid_unknown_fields=True):
    """Fields set on every item; `project_id: null` takes the items out of their project."""

    status: Id | msgspec.UnsetType = msgspec.UNSET
    priority: Id | msgspec.UnsetType = msgspec.UNSET
    assignees: Principals | msgspec.UnsetType = msgspec.UNSET
    project_id: Id | None | msgspec.UnsetType = msgspec.UNSET


class BulkIn(Struct, kw_only=True, forbid_unknown_fields=True):
    refs: Annotated[list[ItemRef], Meta(min_length=1, max_length=100)]
    set: BulkSet | None = None
    add_tags: Tags = []
    remove_tags: Tags = []
    macro_id: Id | None = None


class BulkError(Struct, kw_only=True):
    code: str
    message: str


class BulkRowOut(Struct, kw_only=True, omit_defaults=True):
    """One item of a bulk change: `item` as stored when `ok`, else `error`."""

    ref: str
    ok: bool
    item: ItemOut | None = None
    error: BulkError | None = None


class BulkOut(Struct, kw_only=True):
    items: list[BulkRowOut]
