"""Items, their conversation, attachments and activity — derived from the domain's dataclasses."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from msgspec import Meta, Struct

from tandem.domain.activity import Activity
from tandem.domain.items import Item
from tandem.domain.limits import EMAIL, Id, SearchText
from tandem.domain.messages import Attachment, Message, Visibility
from tandem.domain.queues import Sort
from tandem.schemas.common import ListQuery
from tandem.schemas.derive import derive

# On input the requester is a user id or an email address (a new customer is made for an unknown address).
RequesterRef = Annotated[str, Meta(min_length=1, max_length=EMAIL)]

ItemOut = derive(Item, "Item")
ItemCreate = derive(Item, "ItemCreate", write="create", types={"requester": RequesterRef | None},
                    required=("type_id", "title"))
ItemPatch = derive(Item, "ItemPatch", write="patch", types={"requester": RequesterRef | None})


CategoryName = Literal["new", "open", "waiting", "done", "closed"]


class ItemsQuery(ListQuery, kw_only=True):
    """Filters of `GET /v1/items`."""

    kind: Literal["ticket", "task"] | None = None
    project_id: Id | None = None
    status: Id | None = None
    assignee: Id | None = None  # a "user:<id>" / "team:<id>" ref, or "me" (the caller)
    requester: Id | None = None
    type_id: Id | None = None
    organization_id: Id | None = None
    folder_id: Id | None = None  # a sub-folder of a project (issue 15): its items
    # Orders and queues: `-updated_at` is last activity (a message of any channel moves an item up);
    # `-priority` is most urgent first; without a due date an item comes last in `due_date` order.
    sort: Sort = "-updated_at"
    unassigned: bool | None = None
    status_category: list[CategoryName] | None = None  # repeatable: any of these
    q: SearchText | None = None  # words, each a prefix, all must match (services/search.py)


class ConvertIn(Struct, kw_only=True, forbid_unknown_fields=True):
    to: Literal["task", "ticket"] = "task"
    type_id: Id | None = None


AttachmentOut = derive(Attachment, "Attachment")
AttachmentCreate = derive(Attachment, "AttachmentCreate", write="create",
                          required=("filename", "content_type", "size"))
AttachmentUpload = derive(Attachment, "AttachmentUpload", extra=[("upload", dict[str, Any])])


class DownloadOut(Struct, kw_only=True):
    url: str


MessageOut = derive(Message, "Message", types={"attachments": list[AttachmentOut]}, extra=[("author_name", str | None)])
MessageCreate = derive(Message, "MessageCreate", write="create",
                       types={"attachments": Annotated[list[Id], Meta(max_length=20)], "visibility": Visibility},
                       required=("body",))
ActivityOut = derive(Activity, "Activity")
