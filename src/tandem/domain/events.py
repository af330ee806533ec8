"""What changed, as the table's stream tells it: the input of notifications and rules."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.domain.activity import Activity
from tandem.domain.items import Item
from tandem.domain.messages import Message


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
class ActivityRecorded:
    event_id: str
    activity: Activity


Event = ItemCreated | ItemChanged | MessageAdded | ActivityRecorded
