"""What changed, as the table's stream tells it: the input of notifications and rules."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.domain.activity import Activity
from tandem.domain.items import Item
from tandem.domain.messages import Message
from tandem.domain.people import User


@dataclass
class ItemCreated:
    event_id: str
    item: Item


@dataclass
class ItemChanged:
    event_id: str
    old: Item
    new: Item


@dataclass
class MessageAdded:
    event_id: str
    message: Message


@dataclass
class ItemConverted:
    """The item written anew under a new reference (its former ones in `former_refs`): no new item for rules or
    mail, but the search index learns the new reference."""

    event_id: str
    item: Item


@dataclass
class CustomerChanged:
    """A person written who is or was a customer (`old` is None when new): what customer search indexes."""

    event_id: str
    old: User | None
    new: User


@dataclass
class ActivityRecorded:
    event_id: str
    activity: Activity


Event = ItemCreated | ItemChanged | MessageAdded | ActivityRecorded | ItemConverted | CustomerChanged
