"""Stream records the search index reacts to (dal/stream.py): conversions and customers become events, postings
do not."""

from __future__ import annotations

from boto3.dynamodb.types import TypeSerializer

from tandem.dal.codec import dumps
from tandem.dal.stream import decode
from tandem.domain.events import CustomerChanged, ItemStored
from tandem.domain.items import Item
from tandem.domain.people import Role, User
from tandem.domain.statuses import Category

NOW = "2026-11-22T10:00:00.000Z"
_serializer = TypeSerializer()


def record(name: str, new: dict | None, old: dict | None = None) -> dict:
    body = {}
    for key, image in (("NewImage", new), ("OldImage", old)):
        if image is not None:
            body[key] = {k: _serializer.serialize(v) for k, v in image.items()}
    return {"eventID": "e1", "eventName": name, "dynamodb": body}


def person(role: Role, name: str = "Alice") -> User:
    return User("t1", "u1", "alice@example.com", name, role, NOW)


def test_a_conversion_is_an_item_converted_event():
    item = Item("t1", "i1", "K-1", "task", "ty", "Title", "open", Category.OPEN, NOW, NOW, former_refs=["T-1"])
    event = decode(record("INSERT", {"pk": "p", "sk": "ITEM", "kind": "item", "data": dumps(item)}))
    assert isinstance(event, ItemStored) and event.new.ref == "K-1"


def test_a_customer_written_is_a_customer_changed_event_and_staff_are_not():
    new = {"pk": "p", "sk": "USER#u1", "kind": "user", "data": dumps(person(Role.CUSTOMER, "Alicia"))}
    old = {"pk": "p", "sk": "USER#u1", "kind": "user", "data": dumps(person(Role.CUSTOMER))}
    event = decode(record("MODIFY", new, old))
    assert isinstance(event, CustomerChanged) and (event.old.name, event.new.name) == ("Alice", "Alicia")
    assert isinstance(decode(record("INSERT", new)), CustomerChanged)
    staff = {"pk": "p", "sk": "USER#u1", "kind": "user", "data": dumps(person(Role.AGENT))}
    assert decode(record("INSERT", staff)) is None
    assert isinstance(decode(record("MODIFY", staff, old)), CustomerChanged)  # made staff: leaves customer search


def test_postings_are_no_events():
    assert decode(record("INSERT", {"pk": "T#t1#W#pr", "sk": "i#printer#x#f", "kind": "posting"})) is None


def test_article_writes_are_article_changed_events_and_feedback_counts_are_not():
    from tandem.domain.events import ArticleChanged
    from tandem.domain.kb import Article

    # Given an article's record images: added, retitled, counted helpful (document unchanged), deleted
    first = {"pk": "T#t1", "sk": "KBART#a1", "kind": "article", "data": dumps(Article("t1", "a1", "Old", NOW, NOW))}
    renamed = {**first, "data": dumps(Article("t1", "a1", "New", NOW, NOW, version=2))}
    counted = {**renamed, "helpful_yes": 1}
    # When the stream delivers them, Then each write of the document is an event with both versions, and a count
    # beside it (the document as it was) is nothing for the index
    added = decode(record("INSERT", first))
    changed = decode(record("MODIFY", renamed, first))
    removed = decode(record("REMOVE", None, renamed))
    assert isinstance(added, ArticleChanged) and added.old is None and added.new.title == "Old"
    assert isinstance(changed, ArticleChanged) and (changed.old.title, changed.new.title) == ("Old", "New")
    assert isinstance(removed, ArticleChanged) and removed.old.title == "New" and removed.new is None
    assert decode(record("MODIFY", counted, renamed)) is None
    assert decode(record("INSERT", {"pk": "T#t1#KBV#a1#x", "sk": "KBV", "kind": "kbvote"})) is None
