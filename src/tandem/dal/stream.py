"""Table stream records → change events. Only the records the core reacts to become events."""
from __future__ import annotations

from typing import Any

from tandem.dal import wire
from tandem.dal.codec import loads
from tandem.domain.events import (
    ArticleChanged,
    CustomerChanged,
    Event,
    ItemChanged,
    ItemCreated,
    ItemStored,
    JoinRequestChanged,
    MessageAdded,
    TimesheetChanged,
)
from tandem.domain.items import Item
from tandem.domain.join_requests import JoinRequest
from tandem.domain.kb import Article
from tandem.domain.messages import Message
from tandem.domain.people import Role, User
from tandem.domain.time_tracking import Timesheet


def _image(record: dict[str, Any], name: str) -> dict[str, Any] | None:
    raw = (record.get("dynamodb") or {}).get(name)
    return {k: wire.deserialize(v) for k, v in raw.items()} if raw else None


def _item(image: dict[str, Any]) -> Item:
    """The item of a record image, with its last activity (a message moves `updated_at` beside `data`)."""
    item = loads(Item, image["data"])
    touched = image.get("updated_at")
    if touched and touched > item.updated_at:
        item.updated_at = touched
    return item


def decode(record: dict[str, Any]) -> Event | None:
    """An INSERT of an item or message, a MODIFY of an item, a write of a (former) customer, any write of a
    timesheet or of an article's document, or a join request written, as an event; anything else is None.

    A conversion's two writes (the item under its new reference, an alias under the old one) are `ItemStored`;
    a MODIFY that leaves `data` as it was (a message moved the item's last activity) is nothing: the message
    arrives as its own event."""
    event_id = str(record.get("eventID") or "")
    name = record.get("eventName")
    new, old = _image(record, "NewImage"), _image(record, "OldImage")
    if old is not None and old.get("kind") == "item" and old.get("data") and (new or {}).get("kind") != "item":
        return ItemStored(event_id, _item(old), None)
    if "timesheet" in ((old or {}).get("kind"), (new or {}).get("kind")):
        return _timesheet(event_id, old, new)
    if "article" in ((old or {}).get("kind"), (new or {}).get("kind")):
        return _article(event_id, old, new)
    if new is None or not new.get("data"):
        return None
    kind = new.get("kind")
    if kind == "joinreq":  # issue 15: a request to join a project asked or decided
        before = loads(JoinRequest, old["data"]) if old is not None and old.get("data") else None
        return JoinRequestChanged(event_id, before, loads(JoinRequest, new["data"]))
    if kind == "item" and name == "INSERT":
        item = _item(new)
        # A conversion writes the item anew under its new reference: not a new item for rules or mail.
        return ItemCreated(event_id, item) if not item.former_refs else ItemStored(event_id, None, item)
    if kind == "item" and name == "MODIFY" and old is not None and old.get("kind") == "item":
        if old.get("data") == new.get("data"):
            return None
        return ItemChanged(event_id, _item(old), _item(new))
    if kind == "message" and name == "INSERT":
        return MessageAdded(event_id, loads(Message, new["data"]))
    if kind == "user" and name in ("INSERT", "MODIFY"):
        return _customer(event_id, old, new)
    return None


def _timesheet(event_id: str, old: dict | None, new: dict | None) -> TimesheetChanged | None:
    """Any write of a timesheet (added, changed, deleted), with both versions: the time aggregates follow it."""
    before = loads(Timesheet, old["data"]) if old and old.get("kind") == "timesheet" and old.get("data") else None
    after = loads(Timesheet, new["data"]) if new and new.get("kind") == "timesheet" and new.get("data") else None
    if before is None and after is None:
        return None
    return TimesheetChanged(event_id, before, after)


def _article(event_id: str, old: dict | None, new: dict | None) -> ArticleChanged | None:
    """An article added, changed or deleted; a feedback count (its document unchanged) is nothing."""
    before_data = old.get("data") if old and old.get("kind") == "article" else None
    after_data = new.get("data") if new and new.get("kind") == "article" else None
    if before_data == after_data:
        return None
    before = loads(Article, before_data) if before_data else None
    after = loads(Article, after_data) if after_data else None
    return ArticleChanged(event_id, before, after)


def _customer(event_id: str, old: dict | None, new: dict) -> CustomerChanged | None:
    before = loads(User, old["data"]) if old is not None and old.get("kind") == "user" and old.get("data") else None
    after = loads(User, new["data"])
    if Role.CUSTOMER not in (after.role, before.role if before else None):
        return None
    return CustomerChanged(event_id, before, after)
