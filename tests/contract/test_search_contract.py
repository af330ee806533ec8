"""The search index port (services/ports.py SearchIndex) behaves the same on the table and in memory."""

from __future__ import annotations

from dataclasses import replace

from contract.test_repos_contract import NOW, create, created, tenant
from tandem.domain.activity import Activity
from tandem.domain.ids import new_id
from tandem.domain.items import Cause
from tandem.domain.messages import Message, Visibility
from tandem.domain.people import Role, User
from tandem.services.ports import Posting


def posting(word: str, doc_id: str, source: str = "f", target: str = "T-1", kind: str = "item") -> Posting:
    return Posting(word, kind, doc_id, source, target)


def test_a_prefix_finds_its_words_shorter_words_first_and_newest_documents_first(repos):
    # Given postings of three words, the older document written first
    t = tenant(repos)
    old, new = new_id(), new_id()
    repos.search.write(t.id, [posting("printing", old), posting("printer", old), posting("printer", new),
                              posting("print", old), posting("paper", new)], [])
    # When the prefix "print" is looked up
    found = repos.search.lookup(t.id, "item", "print", limit=10)
    # Then every word starting with it answers, the exact word first and the newest document first within a word
    assert [(p.word, p.doc_id) for p in found] == [("print", old), ("printer", new), ("printer", old),
                                                   ("printing", old)]
    assert all(p.target == "T-1" and p.source == "f" and p.doc_kind == "item" for p in found)


def test_a_lookup_stops_at_its_limit_and_an_exact_lookup_takes_the_whole_word_only(repos):
    t = tenant(repos)
    docs = [new_id() for _ in range(5)]
    repos.search.write(t.id, [posting("t-1", d) for d in docs] + [posting("t-12", new_id())], [])
    assert len(repos.search.lookup(t.id, "item", "t-1", limit=3)) == 3
    assert {p.word for p in repos.search.lookup(t.id, "item", "t-1", exact=True, limit=10)} == {"t-1"}
    assert len(repos.search.lookup(t.id, "item", "t-1", limit=10)) == 6


def test_kinds_and_tenants_do_not_mix(repos):
    t, other = tenant(repos), tenant(repos, "other")
    doc = new_id()
    repos.search.write(t.id, [posting("alice", doc, kind="customer", target="")], [])
    repos.search.write(other.id, [posting("alice", doc)], [])
    assert [p.doc_kind for p in repos.search.lookup(t.id, "customer", "al", limit=10)] == ["customer"]
    assert repos.search.lookup(t.id, "item", "al", limit=10) == []
    assert repos.search.lookup(other.id, "customer", "al", limit=10) == []


def test_writes_are_idempotent_and_deletes_remove_only_their_source(repos):
    # Given the same word in an item's fields and in one of its messages, written twice (a redelivery)
    t = tenant(repos)
    doc, mid = new_id(), new_id()
    batch = [posting("invoice", doc), posting("invoice", doc, source="m" + mid)]
    repos.search.write(t.id, batch, [])
    repos.search.write(t.id, batch, [])
    assert len(repos.search.lookup(t.id, "item", "invoice", limit=10)) == 2
    # When the fields' posting is deleted (twice)
    repos.search.write(t.id, [], [posting("invoice", doc)])
    repos.search.write(t.id, [], [posting("invoice", doc)])
    # Then the message's posting stays
    assert [p.source for p in repos.search.lookup(t.id, "item", "invoice", limit=10)] == ["m" + mid]


def test_a_put_rewrites_the_target_of_an_existing_posting(repos):
    t = tenant(repos)
    doc = new_id()
    repos.search.write(t.id, [posting("invoice", doc, target="T-1")], [])
    repos.search.write(t.id, [posting("invoice", doc, target="K-1")], [])
    assert [p.target for p in repos.search.lookup(t.id, "item", "invoice", limit=10)] == ["K-1"]


def test_items_by_reference_follow_a_conversion_and_skip_unknown_references(repos):
    # Given two items, the first converted to a task (its old reference retired)
    t = tenant(repos)
    first, second = create(repos, t, 1), create(repos, t, 2)
    task = repos.items.convert(first, replace(first, kind="task", former_refs=[first.ref]),
                               Activity(t.id, new_id(), first.id, NOW, "converted", Cause.USER))
    # When they are read under the old reference, the new one (twice) and an unknown one
    found = repos.search.items(t.id, [first.ref, task.ref, second.ref, "T-99"])
    # Then each item comes once, as it is now
    assert sorted((i.id, i.ref) for i in found) == sorted([(first.id, task.ref), (second.id, second.ref)])


def test_messages_and_people_in_batches(repos):
    t = tenant(repos)
    it = create(repos, t, 1)
    message = Message(t.id, new_id(), it.id, "u", "hello there", Visibility.PUBLIC, "web", NOW)
    repos.conversations.add_message(it, message, created(t, it))
    customer = repos.users.add(User(t.id, new_id(), "alice@acme.example", "Alice", Role.CUSTOMER, NOW))
    assert [m.body for m in repos.search.messages(t.id, [(it.id, message.id), (it.id, new_id())])] == ["hello there"]
    assert [u.email for u in repos.search.people(t.id, [customer.id, new_id()])] == ["alice@acme.example"]
    assert repos.search.messages(t.id, []) == [] and repos.search.people(t.id, []) == []
