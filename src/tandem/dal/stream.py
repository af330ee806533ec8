"""Table stream records → change events. Only the records the core reacts to become events."""
from __future__ import annotations

from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from tandem.dal.codec import loads
from tandem.domain.events import CustomerChanged, Event, ItemChanged, ItemConverted, ItemCreated, MessageAdded
from tandem.domain.items import Item
from tandem.domain.messages import Message
from tandem.domain.people import Role, User

_deserializer = TypeDeserializer()


def _image(record: dict[str, Any], name: str) -> dict[str, Any] | None:
    raw = (record.get("dynamodb") or {}).get(name)
    return {k: _deserializer.deserialize(v) for k, v in raw.items()} if raw else None


def decode(record: dict[str, Any]) -> Event | None:
    """An INSERT of an item or message, a MODIFY of an item, or a write of a (former) customer, as an event;
    anything else is None."""
    event_id = str(record.get("eventID") or "")
    name = record.get("eventName")
    new, old = _image(record, "NewImage"), _image(record, "OldImage")
    if new is None or not new.get("data"):
        return None
    kind = new.get("kind")
    if kind == "item" and name == "INSERT":
        item = loads(Item, new["data"])
        # A conversion writes the item anew under its new reference: not a new item for rules or mail.
        return ItemCreated(event_id, item) if not item.former_refs else ItemConverted(event_id, item)
    if kind == "item" and name == "MODIFY" and old is not None and old.get("kind") == "item":
        return ItemChanged(event_id, loads(Item, old["data"]), loads(Item, new["data"]))
    if kind == "message" and name == "INSERT":
        return MessageAdded(event_id, loads(Message, new["data"]))
    if kind == "user" and name in ("INSERT", "MODIFY"):
        return _customer(event_id, old, new)
    return None


def _customer(event_id: str, old: dict | None, new: dict) -> CustomerChanged | None:
    before = loads(User, old["data"]) if old is not None and old.get("kind") == "user" and old.get("data") else None
    after = loads(User, new["data"])
    if Role.CUSTOMER not in (after.role, before.role if before else None):
        return None
    return CustomerChanged(event_id, before, after)
