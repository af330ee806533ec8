"""What changed, as the table's stream tells it: the input of notifications and rules."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.domain.activity import Activity
from tandem.domain.items import Item
from tandem.domain.join_requests import JoinRequest
from tandem.domain.kb import Article
from tandem.domain.messages import Message
from tandem.domain.people import User
from tandem.domain.time_tracking import Timesheet


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
class CustomerChanged:
    """A person written who is or was a customer (`old` is None when new): what customer search indexes."""

    event_id: str
    old: User | None
    new: User


@dataclass
class ActivityRecorded:
    event_id: str
    activity: Activity


@dataclass
class ItemStored:
    """An item record appeared or went away without being a new item or an edit: a conversion stores the item under
    its new reference (`new`) and leaves an alias under the old one (`old`). Rules, mail and webhooks ignore it;
    bookkeeping that follows every stored item (queue counts) does not."""

    event_id: str
    old: Item | None
    new: Item | None


@dataclass
class TimesheetChanged:
    """A timesheet written (`old` is None when new) or deleted (`new` is None), issue 13: the time aggregates follow
    it, and a decision on it tells its owner in the workspace. Rules, mail, webhooks and the search index ignore it."""

    event_id: str
    old: Timesheet | None
    new: Timesheet | None


@dataclass
class ArticleChanged:
    """A knowledge base article written (`old` is None when new) or deleted (`new` is None), issue 14: the search
    index follows it. A write that leaves the article's document as it was (a feedback count) is no event."""

    event_id: str
    old: Article | None
    new: Article | None


@dataclass
class JoinRequestChanged:
    """A request to join a project written (`old` is None when new), issue 15: the project's deciders hear of a new
    one, the asker of the decision. Rules, webhooks and the search index ignore it."""

    event_id: str
    old: JoinRequest | None
    new: JoinRequest


Event = (
    ItemCreated | ItemChanged | MessageAdded | ActivityRecorded | ItemStored | CustomerChanged | TimesheetChanged
    | ArticleChanged | JoinRequestChanged
)
