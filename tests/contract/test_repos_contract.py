"""The behaviour every backend of the ports must share (see services/ports.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tandem.domain.activity import Activity
from tandem.domain.errors import Conflict
from tandem.domain.hierarchy import Portfolio, Project
from tandem.domain.ids import new_id
from tandem.domain.item_types import ItemType
from tandem.domain.items import Cause, Item
from tandem.domain.mail import Envelope, Rejection
from tandem.domain.messages import Attachment, Message, Visibility
from tandem.domain.people import Organization, Role, User
from tandem.domain.rules import Macro, Rule, Trigger, decode_actions, decode_conditions
from tandem.domain.statuses import Category
from tandem.domain.tenants import Tenant
from tandem.services.ports import AlreadyDone, DuplicateRequest, IdempotencyClaim, ItemQuery, Timer

NOW = "2026-11-22T10:00:00.000Z"


def tenant(repos, slug: str = "acme") -> Tenant:
    t = Tenant(new_id(), slug, slug.title(), f"{slug}.tandem.local", NOW)
    owner = User(t.id, new_id(), f"boss@{slug}.example", "Boss", Role.ADMIN, NOW)
    pf = Portfolio(t.id, new_id(), "Support", NOW)
    project = Project(t.id, new_id(), "Incoming", NOW, portfolio_id=pf.id)
    types = [
        ItemType(t.id, new_id(), "ticket", "Support", NOW, inbound_address=f"support@{slug}.tandem.local"),
        ItemType(t.id, new_id(), "task", "Task", NOW, inbound_address=f"tasks@{slug}.tandem.local"),
    ]
    repos.tenants.bootstrap(t, owner, types, pf, [project])
    return t


def item(t: Tenant, n: int = 0, **kw) -> Item:
    base = dict(
        tenant_id=t.id,
        id=new_id(),
        ref="",
        kind="ticket",
        type_id="ty",
        title=f"Item {n}",
        status="new",
        status_category=Category.NEW,
        created_at=f"2026-11-22T10:00:{n:02d}.000Z",
        updated_at=f"2026-11-22T10:00:{n:02d}.000Z",
    )
    return Item(**{**base, **kw})


def created(t: Tenant, it: Item) -> Activity:
    return Activity(t.id, new_id(), it.id, NOW, "created", Cause.API)


def create(repos, t: Tenant, n: int = 0, claim: IdempotencyClaim | None = None, **kw) -> Item:
    """Store a new item with its own 'created' activity."""
    it = item(t, n, **kw)
    return repos.items.create(it, created(t, it), claim=claim)


def test_bootstrap_and_lookups(repos):
    t = tenant(repos)
    assert repos.tenants.by_slug("acme").id == t.id
    assert repos.tenants.get(t.id).mail_domain == "acme.tandem.local"
    assert repos.item_types.by_address("support@acme.tandem.local").tenant_id == t.id
    assert repos.users.by_email(t.id, "boss@acme.example").role is Role.ADMIN
    assert len(repos.projects.list(t.id).items) == 1


def test_bootstrap_is_all_or_nothing(repos):
    tenant(repos)
    with pytest.raises(Conflict):
        tenant(repos, "acme")  # slug and addresses taken
    t2 = Tenant(new_id(), "other", "Other", "other.tandem.local", NOW)
    owner = User(t2.id, new_id(), "x@other.example", "X", Role.ADMIN, NOW)
    clash = [ItemType(t2.id, new_id(), "ticket", "S", NOW, inbound_address="support@acme.tandem.local")]
    with pytest.raises(Conflict):
        repos.tenants.bootstrap(t2, owner, clash, Portfolio(t2.id, new_id(), "P", NOW), [])
    assert repos.tenants.by_slug("other") is None
    assert repos.users.by_email(t2.id, "x@other.example") is None


def test_tenants_are_listed_by_slug_page_by_page(repos):
    # Given three tenants (the table may hold others from other tests)
    mine = [tenant(repos, slug).slug for slug in ("lst-c", "lst-a", "lst-b")]
    # When every page of two is read
    seen, after = [], None
    while True:
        page = repos.tenants.list_all(limit=2, after=after)
        assert len(page.items) <= 2
        seen += [t.slug for t in page.items]
        if page.after is None:
            break
        after = page.after
    # Then each appears once, in slug order
    ours = [s for s in seen if s in mine]
    assert ours == sorted(mine)
    assert seen == sorted(seen)


def test_versions_and_unique_claims(repos):
    t = tenant(repos)
    u = repos.users.add(User(t.id, new_id(), "a@acme.example", "A", Role.AGENT, NOW))
    assert u.version == 1
    with pytest.raises(Conflict):
        repos.users.add(User(t.id, new_id(), "a@acme.example", "A2", Role.AGENT, NOW))
    moved = repos.users.save(replace(u, email="b@acme.example"), previous_email=u.email)
    assert moved.version == 2 and repos.users.by_email(t.id, "a@acme.example") is None
    assert repos.users.add(User(t.id, new_id(), "a@acme.example", "A3", Role.AGENT, NOW)).name == "A3"
    with pytest.raises(Conflict):
        repos.users.save(replace(u, name="stale"))
    org = repos.organizations.add(Organization(t.id, new_id(), "Club", NOW, domains=["club.example"]))
    assert repos.organizations.by_domain(t.id, "club.example").id == org.id
    with pytest.raises(Conflict):
        repos.organizations.add(Organization(t.id, new_id(), "Copy", NOW, domains=["club.example"]))


def test_people_lists(repos):
    t = tenant(repos)
    org = repos.organizations.add(Organization(t.id, new_id(), "Club", NOW, domains=[]))
    for n in range(3):
        repos.users.add(User(t.id, new_id(), f"c{n}@club.example", f"C{n}", Role.CUSTOMER, NOW, organization_id=org.id))
    assert [u.email for u in repos.users.list(t.id, staff=True).items] == ["boss@acme.example"]
    assert len(repos.users.list(t.id, staff=False).items) == 3
    assert len(repos.users.list_in_organization(t.id, org.id).items) == 3


def test_items_are_numbered_per_tenant_and_kind(repos):
    a, b = tenant(repos), tenant(repos, "beta")
    refs = [create(repos, a, n).ref for n in range(2)]
    refs.append(create(repos, a, 2, kind="task").ref)
    refs.append(create(repos, b, 3).ref)
    assert refs == ["T-1", "T-2", "K-1", "T-1"]
    assert repos.items.get(a.id, "T-1").title == "Item 0"
    assert repos.items.get(b.id, "T-1").title == "Item 3"
    assert repos.items.get(b.id, "T-2") is None


def test_idempotent_create(repos):
    t = tenant(repos)
    claim = IdempotencyClaim("items:u", "k1", "fp")
    first = create(repos, t, claim=claim)
    with pytest.raises(DuplicateRequest) as dup:
        create(repos, t, 1, claim=claim)
    assert dup.value.result_ref == first.ref and dup.value.fingerprint == "fp"
    assert repos.items.get(t.id, "T-2") is None


def test_optimistic_save_and_activity(repos):
    t = tenant(repos)
    it = create(repos, t)
    saved = repos.items.save(replace(it, title="New"), Activity(t.id, new_id(), it.id, NOW, "updated", Cause.USER))
    assert saved.version == 2
    with pytest.raises(Conflict):
        repos.items.save(replace(it, title="Stale"), Activity(t.id, new_id(), it.id, NOW, "updated", Cause.USER))
    history = repos.conversations.activity(t.id, it.id).items
    assert [a.action for a in history] == ["created", "updated"]


def test_a_save_with_a_done_marker_writes_once_with_all_its_entries(repos):
    # Given an item, and a change of it made with several activity entries and a done-marker
    t = tenant(repos)
    it = create(repos, t)
    entries = [Activity(t.id, new_id(), it.id, NOW, "updated", Cause.RULE, note=f"rule {n}") for n in "ab"]
    assert repos.items.done(t.id, ["rules:e1:item_created", "rules:e2:item_created"]) == set()
    saved = repos.items.save(replace(it, title="New"), entries[0], more=(entries[1],), done="rules:e1:item_created")
    # Then the item, both entries and the marker are written
    assert saved.version == 2 and repos.items.get(t.id, it.ref).title == "New"
    assert [a.note for a in repos.conversations.activity(t.id, it.id).items][-2:] == ["rule a", "rule b"]
    assert repos.items.done(t.id, ["rules:e1:item_created", "rules:e2:item_created"]) == {"rules:e1:item_created"}
    # And the same change again (a redelivery) writes nothing, even against the current version
    again = Activity(t.id, new_id(), it.id, NOW, "updated", Cause.RULE, note="rule a")
    with pytest.raises(AlreadyDone):
        repos.items.save(replace(saved, title="Newer"), again, done="rules:e1:item_created")
    assert repos.items.get(t.id, it.ref).version == 2
    assert len(repos.conversations.activity(t.id, it.id).items) == 3


def test_a_stale_save_with_a_done_marker_is_a_conflict_and_leaves_no_marker(repos):
    t = tenant(repos)
    it = create(repos, t)
    repos.items.save(replace(it, title="Moved on"), Activity(t.id, new_id(), it.id, NOW, "updated", Cause.USER))
    with pytest.raises(Conflict):
        repos.items.save(replace(it, title="Stale"), Activity(t.id, new_id(), it.id, NOW, "updated", Cause.RULE),
                         done="rules:e1:item_created")
    assert repos.items.done(t.id, ["rules:e1:item_created"]) == set()


def test_saves_of_many_items_answer_each_for_itself(repos):
    # Given four items: one whose change was made before (its marker exists), one changed meanwhile (stale)
    t = tenant(repos)
    items = [create(repos, t) for _ in range(4)]

    def entry(it, note):
        return Activity(t.id, new_id(), it.id, NOW, "updated", Cause.RULE, note=note)

    repos.items.save(replace(items[1], title="Done before"), entry(items[1], "before"), done="rules:e1:item_created")
    repos.items.save(replace(items[2], title="Moved on"), entry(items[2], "user"))
    # When their rule changes are saved together (the first item twice: its second save is stale by then)
    saves = [(replace(it, title=f"Rule {n}"), (entry(it, f"rule {n}"), entry(it, f"rule {n}b")),
              f"rules:e{n}:item_created") for n, it in enumerate(items)]
    saves.append((replace(items[0], title="Twice"), (entry(items[0], "twice"),), "rules:e9:item_created"))
    answers = repos.items.save_many(saves)
    # Then the fresh ones are saved with both entries and their marker, the others answer alone and write nothing
    assert [type(a).__name__ if a else None for a in answers] == [None, "AlreadyDone", "Conflict", None, "Conflict"]
    assert [repos.items.get(t.id, it.ref).title for it in items] == ["Rule 0", "Done before", "Moved on", "Rule 3"]
    assert [a.note for a in repos.conversations.activity(t.id, items[3].id).items][-2:] == ["rule 3", "rule 3b"]
    assert repos.items.done(t.id, [f"rules:e{n}:item_created" for n in (0, 1, 2, 3, 9)]) == {
        "rules:e0:item_created", "rules:e1:item_created", "rules:e3:item_created"}


def test_conversion_keeps_old_references_resolving(repos):
    t = tenant(repos)
    it = create(repos, t)
    task = repos.items.convert(
        it, replace(it, kind="task", former_refs=["T-1"]), Activity(t.id, new_id(), it.id, NOW, "converted", Cause.USER)
    )
    assert task.ref == "K-1" and task.id == it.id
    assert repos.items.get(t.id, "T-1").ref == "K-1"
    with pytest.raises(Conflict):
        repos.items.convert(it, replace(it, kind="task"), Activity(t.id, new_id(), it.id, NOW, "x", Cause.USER))


def test_many_items_by_reference_follow_retired_ones_and_skip_missing_and_other_tenants(repos):
    # Given two tickets, the first converted to a task, and another tenant's T-2
    t, other = tenant(repos), tenant(repos, "other")
    first, second = create(repos, t, 1), create(repos, t, 2)
    create(repos, other, 1)
    create(repos, other, 2)
    task = repos.items.convert(first, replace(first, kind="task", former_refs=["T-1"]),
                               Activity(t.id, new_id(), first.id, NOW, "converted", Cause.USER))
    # When the items under old, current, repeated and unknown references are read at once
    found = repos.items.many(t.id, ["T-1", "K-1", second.ref, second.ref, "T-99"])
    # Then each item comes once, under its current reference, with nothing of the other tenant
    assert sorted((i.ref, i.id) for i in found) == sorted([(task.ref, first.id), (second.ref, second.id)])
    assert repos.items.many(t.id, []) == []


def test_queries_page_newest_first_on_each_key(repos):
    t = tenant(repos)
    project, requester, org = new_id(), new_id(), new_id()
    for n in range(5):
        create(
            repos,
            t,
            n,
            project_id=project,
            requester_id=requester,
            organization_id=org,
            status="open" if n % 2 else "new",
            assignees=["user:x"] if n == 4 else [],
        )
    create(repos, t, 9, kind="task")
    seen, after = [], None
    while True:
        page = repos.items.query(ItemQuery(t.id, project_id=project, limit=2, after=after))
        seen += [i.title for i in page.items]
        after = page.after
        if not after:
            break
    assert seen == [f"Item {n}" for n in (4, 3, 2, 1, 0)]
    assert len(repos.items.query(ItemQuery(t.id, requester_id=requester)).items) == 5
    assert len(repos.items.query(ItemQuery(t.id, organization_id=org, status="open")).items) == 2
    assert [i.title for i in repos.items.query(ItemQuery(t.id, assignee="user:x")).items] == ["Item 4"]
    assert [i.kind for i in repos.items.query(ItemQuery(t.id, kind="task")).items] == ["task"]
    assert len(repos.items.query(ItemQuery(t.id)).items) == 6


def test_messages_attachments_and_threads(repos):
    t = tenant(repos)
    it = create(repos, t)
    att = repos.conversations.add_attachment(t.id, it.id, Attachment(new_id(), "a.txt", "text/plain", 3, "k"))
    public = Message(t.id, new_id(), it.id, "u", "hello", Visibility.PUBLIC, "web", NOW, attachments=[att])
    private = Message(t.id, new_id(), it.id, "u", "secret", Visibility.PRIVATE, "web", NOW)
    for m in (public, private):
        repos.conversations.add_message(
            it, m, Activity(t.id, new_id(), it.id, NOW, "message_added", Cause.USER), thread_ids=(f"<{m.id}@x>",)
        )
    assert [m.body for m in repos.conversations.messages(t.id, it.id, public_only=False).items] == ["hello", "secret"]
    assert [m.body for m in repos.conversations.messages(t.id, it.id, public_only=True).items] == ["hello"]
    stored = repos.conversations.attachment(t.id, it.id, att.id)
    assert stored.message_id == public.id and stored.visibility is Visibility.PUBLIC
    assert repos.conversations.thread_of(t.id, ["<nope@x>", f"<{private.id}@x>"]) == it.ref
    claim = IdempotencyClaim("mail", "m1", "mail")
    repos.conversations.add_message(it, replace(public, id=new_id()), created(t, it), claim=claim)
    with pytest.raises(DuplicateRequest):
        repos.conversations.add_message(it, replace(public, id=new_id()), created(t, it), claim=claim)


def test_mail_log_claims_counters_rejections(repos):
    t = tenant(repos)
    assert repos.mail.claim(t.id, "k", 60) is True and repos.mail.claim(t.id, "k", 60) is False
    repos.mail.release(t.id, "k")
    assert repos.mail.claim(t.id, "k", 60) is True
    assert [repos.mail.bump(t.id, "ack:x", "2026-11-22T10", 60) for _ in range(3)] == [1, 2, 3]
    # count_once: each change once, none past the limit; a change counted before stays counted
    counted = [repos.mail.count_once(t.id, "ack:y", "2026-11-22T10", 60, f"ack:e{n}", 2) for n in range(3)]
    assert counted == [True, True, False]
    assert repos.mail.count_once(t.id, "ack:y", "2026-11-22T10", 60, "ack:e0", 2) is True
    assert repos.mail.count_once(t.id, "ack:y", "2026-11-22T11", 60, "ack:e2", 2) is True
    repos.mail.reject(Rejection(new_id(), NOW, "no known recipient address"))
    assert repos.mail.rejections(None).items[-1].reason == "no known recipient address"


def test_throttle_counters_add_atomically_per_key_and_window(repos):
    assert [repos.counters.add("login-ip:abc", "1953", 1, 1800) for _ in range(3)] == [1, 2, 3]
    assert repos.counters.add("login-ip:abc", "1953", -1, 1800) == 2  # a success gives its count back
    assert repos.counters.add("login-ip:abc", "1954", 1, 1800) == 1  # the next window starts over
    assert repos.counters.add("login-ip:def", "1953", 1, 1800) == 1


def test_revoked_tokens_are_remembered_per_tenant(repos):
    a, b = tenant(repos), tenant(repos, "beta")
    assert repos.revocations.is_revoked(a.id, "jti-1") is False
    repos.revocations.revoke(a.id, "jti-1", 3600)
    assert repos.revocations.is_revoked(a.id, "jti-1") is True
    assert repos.revocations.is_revoked(b.id, "jti-1") is False
    assert repos.revocations.is_revoked(a.id, "jti-2") is False


def test_timers_fire_once(repos):
    t = tenant(repos)
    repos.timers.schedule(Timer(t.id, "a", "2026-11-22T10:05:00.000Z", "sla", {"ref": "T-1"}))
    repos.timers.schedule(Timer(t.id, "b", "2026-11-22T12:00:00.000Z", "idle", {}))
    due = repos.timers.due("2026-11-22T11:00:00.000Z", since="2026-11-22T08:00:00.000Z")
    assert [x.key for x in due] == ["a"] and due[0].payload == {"ref": "T-1"}
    assert repos.timers.take(due[0]) is True and repos.timers.take(due[0]) is False
    repos.timers.schedule(Timer(t.id, "b", "2026-11-22T10:30:00.000Z", "idle", {}))  # moved earlier
    assert [x.key for x in repos.timers.due("2026-11-22T11:00:00.000Z", since="2026-11-22T08:00:00.000Z")] == ["b"]


def test_tenants_never_mix(repos):
    a, b = tenant(repos), tenant(repos, "beta")
    it = create(repos, a)
    assert repos.items.query(ItemQuery(b.id)).items == []
    assert repos.conversations.messages(b.id, it.id, public_only=False).items == []
    assert repos.users.by_email(b.id, "boss@acme.example") is None


def test_same_ids_in_two_tenants_never_mix(repos):
    a, b = tenant(repos), tenant(repos, "beta")
    same = new_id()
    repos.organizations.add(Organization(a.id, same, "A", NOW, domains=["shared.example"]))
    repos.organizations.add(Organization(b.id, same, "B", NOW, domains=["shared.example"]))
    assert repos.organizations.by_domain(a.id, "shared.example").name == "A"
    assert repos.organizations.by_domain(b.id, "shared.example").name == "B"


def test_a_first_message_stores_its_attachments(repos):
    t = tenant(repos)
    it = item(t)
    att = Attachment(new_id(), "log.txt", "text/plain", 3, "k")
    first = Message(t.id, new_id(), "", "u", "mail body", Visibility.PUBLIC, "email", NOW, attachments=[att])
    stored = repos.items.create(it, created(t, it), message=first, thread_ids=("<m1@x>",))
    found = repos.conversations.attachment(t.id, stored.id, att.id)
    assert found is not None and found.message_id == first.id and found.visibility is Visibility.PUBLIC
    assert repos.conversations.thread_of(t.id, ["<m1@x>"]) == stored.ref


def _mail_message(t: Tenant, it: Item, attachments: int) -> Message:
    atts = [
        Attachment(f"att{n:04d}", f"part-{n}.txt", "text/plain", 1, f"{t.id}/{it.id}/att{n:04d}")
        for n in range(attachments)
    ]
    return Message(t.id, new_id(), it.id, None, "many parts", Visibility.PUBLIC, "email", NOW, attachments=atts)


def _stored_attachments(repos, t: Tenant, item_id: str, message: Message) -> list[Attachment]:
    return [a for a in (repos.conversations.attachment(t.id, item_id, x.id) for x in message.attachments) if a]


def test_a_message_with_more_attachments_than_one_transaction_holds_is_stored_whole(repos):
    # Given an item created by mail with 250 attachments, and a reply with 150 more
    t = tenant(repos)
    it = item(t)
    first = _mail_message(t, it, 250)
    stored = repos.items.create(it, created(t, it), claim=IdempotencyClaim("mail", "m1", "mail"), message=first)
    reply = replace(_mail_message(t, stored, 150), id=new_id())
    reply.attachments = [replace(a, id=f"r{a.id}") for a in reply.attachments]
    repos.conversations.add_message(stored, reply, created(t, stored), claim=IdempotencyClaim("mail", "m2", "mail"))
    # Then every attachment is readable and marked with its message, and both messages list all of theirs
    for message, count in ((first, 250), (reply, 150)):
        found = _stored_attachments(repos, t, stored.id, message)
        assert len(found) == count and {a.message_id for a in found} == {message.id}
    listed = repos.conversations.messages(t.id, stored.id, public_only=False).items
    assert sorted(len(m.attachments) for m in listed) == [150, 250]


def test_a_repeated_mail_finishes_attachments_a_crash_left_unwritten(repos, monkeypatch):
    # Given a create by mail that stopped after its transaction, before the follow-up attachment writes
    from tandem.dal import dynamo_items

    t = tenant(repos)
    it = item(t)
    message = _mail_message(t, it, 200)
    claim = IdempotencyClaim("mail", "crash", "mail")
    real = dynamo_items.write_attachments

    def crash(*args, **kwargs):
        raise OSError("Lambda timed out")

    monkeypatch.setattr(dynamo_items, "write_attachments", crash)
    try:
        stored = repos.items.create(it, created(t, it), claim=claim, message=message)
    except OSError:
        stored = repos.items.get(t.id, "T-1")
    monkeypatch.setattr(dynamo_items, "write_attachments", real)
    # When the same mail comes again
    again = item(t, 1)
    with pytest.raises(DuplicateRequest) as dup:
        repos.items.create(again, created(t, again), claim=claim, message=_mail_message(t, again, 200))
    # Then it made nothing new and the first item has all its attachments
    assert dup.value.result_ref == stored.ref == "T-1"
    assert len(_stored_attachments(repos, t, stored.id, message)) == 200
    assert repos.items.get(t.id, "T-2") is None


def test_rejections_are_read_oldest_first_from_a_time_on(repos):
    t = tenant(repos)
    for n, at in enumerate(["2026-11-20T10:00:00.000Z", "2026-11-21T10:00:00.000Z", "2026-11-22T10:00:00.000Z"]):
        repos.mail.reject(Rejection(new_id(), at, f"failed: E{n}", tenant_id=t.id, raw_key=f"inbound/{n}"))
    envelope = Envelope("ses-9", ["support@acme.tandem.local"], "inbound/ses-9", virus="FAIL", dkim="FAIL")
    repos.mail.reject(Rejection(new_id(), "2026-11-19T10:00:00.000Z", "virus", tenant_id=t.id, envelope=envelope))
    assert repos.mail.rejections(t.id).items[0].envelope == envelope
    assert [r.reason for r in repos.mail.rejections(t.id).items][1:] == ["failed: E0", "failed: E1", "failed: E2"]
    recent = repos.mail.rejections(t.id, since="2026-11-21T00:00:00.000Z").items
    assert [r.raw_key for r in recent] == ["inbound/1", "inbound/2"]
    page = repos.mail.rejections(t.id, limit=1, since="2026-11-21T00:00:00.000Z")
    rest = repos.mail.rejections(t.id, limit=5, after=page.after, since="2026-11-21T00:00:00.000Z")
    assert [r.raw_key for r in page.items + rest.items] == ["inbound/1", "inbound/2"]
def _rule(t: Tenant, **kw) -> Rule:
    base = dict(
        conditions=decode_conditions({"any": [{"field": "priority", "op": "equals", "value": "urgent"}]}),
        actions=decode_actions([{"type": "set_field", "key": "budget", "value": 10}, {"type": "stop"}]),
        options={"hours": 48},
    )
    return Rule(t.id, new_id(), "Escalate", Trigger.IDLE, NOW, **{**base, **kw})


def test_rules_keep_their_typed_definition_and_delete_with_their_version(repos):
    t = tenant(repos)
    rule = repos.rules.add(_rule(t))
    stored = repos.rules.get(t.id, rule.id)
    assert stored == rule and stored.version == 1
    with pytest.raises(Conflict):
        repos.rules.delete(replace(stored, version=7))
    repos.rules.delete(stored)
    assert repos.rules.get(t.id, rule.id) is None and repos.rules.list(t.id).items == []
    macro = repos.macros.add(Macro(t.id, new_id(), "Solved", NOW, actions=decode_actions([{"type": "stop"}])))
    assert repos.macros.get(t.id, macro.id) == macro
    repos.macros.delete(macro)
    assert repos.macros.get(t.id, macro.id) is None


def test_a_rule_run_outcome_is_kept_beside_the_definition_without_a_new_version(repos):
    t = tenant(repos)
    rule = repos.rules.add(_rule(t))
    repos.rules.record_outcome(t.id, rule.id, error="unknown project", at=NOW)
    repos.rules.record_outcome(t.id, rule.id, error="still unknown", at="2026-11-23T10:00:00.000Z")
    failing = repos.rules.get(t.id, rule.id)
    assert (failing.last_error, failing.failing_since, failing.version) == ("still unknown", NOW, 1)
    saved = repos.rules.save(replace(failing, name="Renamed"))  # an admin's edit keeps the mark
    assert repos.rules.get(t.id, rule.id).last_error == "still unknown" and saved.version == 2
    repos.rules.record_outcome(t.id, rule.id, error=None, at=NOW)
    cleared = repos.rules.get(t.id, rule.id)
    assert (cleared.last_error, cleared.failing_since) == (None, None)
    repos.rules.delete(cleared)
    repos.rules.record_outcome(t.id, rule.id, error="late", at=NOW)  # a deleted rule is left alone
    assert repos.rules.get(t.id, rule.id) is None


def test_configuration_records_delete_with_their_unique_values(repos):
    t = tenant(repos)
    org = repos.organizations.add(Organization(t.id, new_id(), "A", NOW, domains=["a.example"]))
    repos.organizations.delete(org)
    assert repos.organizations.get(t.id, org.id) is None and repos.organizations.by_domain(t.id, "a.example") is None
    again = repos.organizations.add(Organization(t.id, new_id(), "A again", NOW, domains=["a.example"]))
    assert repos.organizations.by_domain(t.id, "a.example").id == again.id


def test_a_removed_attachment_is_marked_on_itself_and_its_message_with_an_activity(repos):
    t = tenant(repos)
    it = create(repos, t)
    att = repos.conversations.add_attachment(t.id, it.id, Attachment(new_id(), "a.txt", "text/plain", 3, "k"))
    message = Message(t.id, new_id(), it.id, "u", "hello", Visibility.PUBLIC, "web", NOW, attachments=[att])
    repos.conversations.add_message(it, message, Activity(t.id, new_id(), it.id, NOW, "message_added", Cause.USER))
    stored = repos.conversations.attachment(t.id, it.id, att.id)
    removed = replace(stored, deleted_at=NOW, deleted_by="u")
    entry = Activity(t.id, new_id(), it.id, NOW, "attachment_removed", Cause.USER, note="attachment removed: a.txt")
    repos.conversations.remove_attachment(it, removed, entry)
    assert repos.conversations.attachment(t.id, it.id, att.id).deleted_at == NOW
    [kept] = repos.conversations.messages(t.id, it.id, public_only=False).items
    assert [a.deleted_at for a in kept.attachments] == [NOW]
    repos.conversations.add_activity(Activity(t.id, new_id(), it.id, NOW, "rule_failed", Cause.RULE, note="x"))
    actions = [a.action for a in repos.conversations.activity(t.id, it.id).items]
    assert sorted(actions) == ["attachment_removed", "created", "message_added", "rule_failed"]


def test_a_message_added_under_a_used_claim_is_refused_and_names_the_first_message(repos):
    # Given a message added under an Idempotency-Key claim
    t = tenant(repos)
    stored = repos.items.create(item(t), created(t, item(t)))
    claim = IdempotencyClaim("messages:u1", "k1", "fp")
    first = Message(t.id, new_id(), stored.id, "u1", "hello", Visibility.PUBLIC, "web", NOW)
    repos.conversations.add_message(stored, first, created(t, stored), claim=claim)
    # When the same claim comes with another message
    second = Message(t.id, new_id(), stored.id, "u1", "hello", Visibility.PUBLIC, "web", NOW)
    with pytest.raises(DuplicateRequest) as dup:
        repos.conversations.add_message(stored, second, created(t, stored), claim=claim)
    # Then nothing more is stored and the first message can be read back by the id the refusal names
    assert dup.value.message_id == first.id and dup.value.fingerprint == "fp"
    assert [m.id for m in repos.conversations.messages(t.id, stored.id, public_only=False).items] == [first.id]
    assert repos.conversations.message(t.id, stored.id, first.id).body == "hello"
