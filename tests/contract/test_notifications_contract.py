"""The notification store and the change count, the same tests on the in-memory fake and on DynamoDB (moto)."""

from __future__ import annotations

import pytest

from tandem.domain.notifications import Changes, NoteKind, Notification, note_id
from tandem.domain.people import Role, User


def note(event: str, user: str = "u1", tenant: str = "t1", at: str = "2025-03-01T10:00:00.000Z") -> Notification:
    return Notification(tenant, user, note_id(at, event, user), NoteKind.MENTION, "T-1", "Printer on fire",
                        "u9", "Dana", at)


def test_a_notification_is_stored_once_and_counted_once(repos):
    # Given a notification added, then added again (a redelivered stream record)
    first = note("ev-1")
    assert repos.notifications.add(first) is True
    assert repos.notifications.add(note("ev-1")) is False
    # Then it is listed once, unread, as it went in, and counted once
    page = repos.notifications.list("t1", "u1")
    assert page.items == [first]
    assert repos.notifications.changes("t1", "u1").unread == 1


def test_lists_are_newest_first_per_user_and_page(repos):
    # Given three notifications of u1 at three times, and one of another user and one of another tenant
    times = ["2025-03-01T10:00:00.000Z", "2025-03-02T10:00:00.000Z", "2025-03-03T10:00:00.000Z"]
    ids = [note(f"ev-{i}", at=t).id for i, t in enumerate(times)]
    for i, t in enumerate(times):
        repos.notifications.add(note(f"ev-{i}", at=t))
    repos.notifications.add(note("ev-x", user="u2"))
    repos.notifications.add(note("ev-y", tenant="t2"))
    # When u1 pages two at a time
    first = repos.notifications.list("t1", "u1", limit=2)
    rest = repos.notifications.list("t1", "u1", limit=2, after=first.after)
    # Then the pages hold u1's own, newest first, and end
    assert [n.id for n in first.items + rest.items] == list(reversed(ids))
    assert first.after and not rest.after


def test_marking_read_counts_each_notification_once(repos):
    # Given three unread notifications
    notes = [note(f"ev-{i}", at=f"2025-03-0{i + 1}T10:00:00.000Z") for i in range(3)]
    for n in notes:
        repos.notifications.add(n)
    # When one is marked read twice, with an unknown id and another user's id alongside
    other = note("ev-other", user="u2")
    repos.notifications.add(other)
    assert repos.notifications.mark_read("t1", "u1", [notes[0].id, "no-such-id", other.id]) == 2
    assert repos.notifications.mark_read("t1", "u1", [notes[0].id]) == 2
    # Then it alone is read, the unread filter leaves it out, and the other user's stays unread
    listed = {n.id: n.read for n in repos.notifications.list("t1", "u1").items}
    assert listed == {notes[0].id: True, notes[1].id: False, notes[2].id: False}
    assert {n.id for n in repos.notifications.list("t1", "u1", unread_only=True).items} == {notes[1].id, notes[2].id}
    assert repos.notifications.changes("t1", "u2").unread == 1


def test_mark_all_read_leaves_nothing_unread_and_later_ones_count_again(repos):
    for i in range(3):
        repos.notifications.add(note(f"ev-{i}", at=f"2025-03-0{i + 1}T10:00:00.000Z"))
    repos.notifications.mark_read("t1", "u1", [note("ev-0", at="2025-03-01T10:00:00.000Z").id])
    assert repos.notifications.mark_all_read("t1", "u1") == 0
    assert all(n.read for n in repos.notifications.list("t1", "u1").items)
    assert repos.notifications.mark_all_read("t1", "u1") == 0  # nothing left: still 0, no error
    repos.notifications.add(note("ev-new", at="2025-03-09T10:00:00.000Z"))
    assert repos.notifications.changes("t1", "u1").unread == 1
    assert repos.notifications.mark_all_read("t9", "nobody") == 0


def test_the_stamp_moves_with_tenant_changes_and_the_users_notifications(repos):
    # Given nothing yet
    assert repos.notifications.changes("t1", "u1") == Changes(0, 0, 0)
    # When the tenant changes twice, then u1 gets a notification and reads it
    repos.notifications.touch("t1")
    after_touch = repos.notifications.changes("t1", "u1")
    repos.notifications.touch("t1")
    repos.notifications.touch("t2")
    two = repos.notifications.changes("t1", "u1")
    repos.notifications.add(note("ev-1"))
    noted = repos.notifications.changes("t1", "u1")
    repos.notifications.mark_read("t1", "u1", [note("ev-1").id])
    read = repos.notifications.changes("t1", "u1")
    # Then every step gave a new stamp, and another user of the tenant sees the tenant's changes only
    stamps = [Changes().stamp, after_touch.stamp, two.stamp, noted.stamp, read.stamp]
    assert len(set(stamps)) == len(stamps)
    assert (noted.unread, read.unread) == (1, 0)
    assert repos.notifications.changes("t1", "u2") == Changes(tenant=2, user=0, unread=0)


def test_people_by_ids_in_one_tenant(repos):
    # Given two users of t1 and one of t2
    def user(tenant: str, uid: str) -> User:
        return User(tenant, uid, f"{uid}@{tenant}.example", uid.title(), Role.AGENT, "2025-01-01T00:00:00.000Z")

    for u in (user("t1", "ann"), user("t1", "ben"), user("t2", "cat")):
        repos.users.add(u)
    # When t1 asks for both of its own, an unknown id, t2's user and a repeat
    found = repos.users.get_many("t1", ["ben", "nobody", "cat", "ann", "ben"])
    # Then it gets its own two, once each, in the order asked
    assert [u.id for u in found] == ["ben", "ann"]
    assert repos.users.get_many("t1", []) == []


def test_dynamodb_mark_all_read_also_clears_what_expired_unread(repos):
    """DynamoDB only: the TTL deletes old notifications without touching the count; reading all settles it."""
    from tandem.dal.dynamo_notes import DynamoNotificationRepo
    from tandem.dal.table import Record

    store = repos.notifications
    if not isinstance(store, DynamoNotificationRepo):
        pytest.skip("the in-memory twin has no TTL")
    # Given two unread notifications, one of which the TTL then deletes
    gone, kept = note("ev-1"), note("ev-2", at="2025-03-02T10:00:00.000Z")
    store.add(gone)
    store.add(kept)
    Record(pk="T#t1#NOTE#u1", sk=f"N#{gone.id}").delete()
    assert store.changes("t1", "u1").unread == 2
    # When the user marks all read
    # Then nothing is unread, and the deleted one was not written back
    assert store.mark_all_read("t1", "u1") == 0
    assert [n.id for n in store.list("t1", "u1").items] == [kept.id]


def test_dynamodb_a_batch_with_one_already_read_falls_back_to_one_at_a_time(repos):
    """DynamoDB only: another tab read one of the batch between our read and our write."""
    from tandem.dal.dynamo_notes import DynamoNotificationRepo

    store = repos.notifications
    if not isinstance(store, DynamoNotificationRepo):
        pytest.skip("the in-memory twin reads one at a time anyway")
    a, b = note("ev-a"), note("ev-b", at="2025-03-02T10:00:00.000Z")
    store.add(a)
    store.add(b)
    store.mark_read("t1", "u1", [a.id])
    # When both are marked in one go although `a` is read already
    store._read("T#t1#NOTE#u1", [f"N#{a.id}", f"N#{b.id}"])
    # Then `b` is read and the count dropped by one only
    assert store.changes("t1", "u1").unread == 0
    assert all(n.read for n in store.list("t1", "u1").items)


def test_the_poll_read_brings_the_session_records_along(repos):
    # Given a user, one of whose tokens was revoked, and a change of the tenant
    user = User("t1", "ann", "ann@t1.example", "Ann", Role.AGENT, "2025-01-01T00:00:00.000Z")
    repos.users.add(user)
    repos.revocations.revoke("t1", "jti-gone", 3600)
    repos.notifications.touch("t1")
    # When the poll reads with a live token, a revoked one, and for an unknown user
    live_changes, live = repos.notifications.changes_and_session("t1", "ann", "jti-live")
    _, gone = repos.notifications.changes_and_session("t1", "ann", "jti-gone")
    _, nobody = repos.notifications.changes_and_session("t1", "nobody", "jti-live")
    # Then the stamp is the same as `changes` reads, and the records are those the user and revocation stores hold
    assert live_changes == repos.notifications.changes("t1", "ann") == Changes(tenant=1)
    assert live.user == repos.users.get("t1", "ann") and live.revoked is False
    assert gone.revoked is True and nobody.user is None
    assert repos.notifications.changes_and_session("t2", "ann", "jti-gone")[1].user is None
