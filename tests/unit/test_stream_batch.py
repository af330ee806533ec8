"""What a stream batch learns on the way and shares across its records (services/stream_batch.py)."""

from __future__ import annotations

from tandem.dal.memory import MemoryMailLog
from tandem.services.batch_writes import StagedCounts, StagedPostings, StagedSaves
from tandem.services.ports import Posting
from tandem.services.stream_batch import BatchMail


class CountingMailLog(MemoryMailLog):
    def __init__(self, counted: set[tuple[str, str]]) -> None:
        super().__init__(counted=counted)
        self.asked = 0

    def count_once(self, *args, **kwargs) -> bool:
        self.asked += 1
        return super().count_once(*args, **kwargs)


def test_a_sender_over_the_limit_is_not_asked_again_in_the_batch():
    # Given a mail log with a limit of 2 per sender and window, seen through one batch
    inner = CountingMailLog(set())
    mail = BatchMail(inner, lambda tenant_id, key: False)
    # When five changes of one sender are counted
    answers = [mail.count_once("t1", "ack:a@x", "H", 60, f"ack:e{i}", 2) for i in range(5)]
    # Then two are counted, the rest refused, and only the first refusal cost a request
    assert answers == [True, True, False, False, False]
    assert inner.asked == 3
    # And another sender or another window is asked as usual
    assert mail.count_once("t1", "ack:b@x", "H", 60, "ack:f1", 2) is True
    assert mail.count_once("t1", "ack:a@x", "H+1", 60, "ack:g1", 2) is True


def test_a_change_counted_by_an_earlier_delivery_is_still_answered_counted():
    # Given a change counted by an earlier delivery (under the limit then) whose mail did not go out
    counted: set[tuple[str, str]] = set()
    earlier = MemoryMailLog(counted=counted)
    assert earlier.count_once("t1", "ack:a@x", "H", 60, "ack:e0", 1) is True
    # And a batch that read its done-marker up front and then finds the sender over the limit
    inner = CountingMailLog(counted)
    inner._counters = earlier._counters
    mail = BatchMail(inner, lambda tenant_id, key: (tenant_id, key) in counted)
    assert mail.count_once("t1", "ack:a@x", "H", 60, "ack:e1", 1) is False
    # When the redelivered change is counted again
    # Then it is answered counted (its mail is sent), never refused for the sender being over
    assert mail.count_once("t1", "ack:a@x", "H", 60, "ack:e0", 1) is True


class FlakyIndex:
    """A search index that records each write and fails the writes that touch a given word."""

    def __init__(self, failing: str = "") -> None:
        self.writes: list[tuple[list, list]] = []
        self.failing = failing

    def write(self, tenant_id, put, delete) -> None:
        if any(p.word == self.failing for p in [*put, *delete]):
            raise RuntimeError("throttled")
        self.writes.append(([p.word for p in put], [p.word for p in delete]))


def _posting(word: str, doc: str = "d1") -> Posting:
    return Posting(word, "item", doc, "f", "T-1")


def test_a_batchs_postings_go_out_together_in_the_order_of_their_records():
    # Given two records of one item: the first renames it "bravo" (from "alpha"), the second "charlie"
    index = FlakyIndex()
    staged = StagedPostings(index)
    staged.stage("e1", "t1", [_posting("bravo")], [_posting("alpha")])
    staged.stage("e2", "t1", [_posting("charlie")], [_posting("bravo")])
    # When the batch flushes
    failed = staged.flush()
    # Then one write carries the last word of each posting: alpha and bravo deleted, charlie put
    assert failed == set()
    assert len(index.writes) == 1
    puts, deletes = index.writes[0]
    assert puts == ["charlie"] and sorted(deletes) == ["alpha", "bravo"]


def test_many_postings_take_a_write_per_25():
    index = FlakyIndex()
    staged = StagedPostings(index)
    for i in range(60):
        staged.stage(f"e{i}", "t1", [_posting(f"w{i}")], [])
    assert staged.flush() == set()
    assert [len(p) for p, _ in index.writes] == [25, 25, 10]


def test_a_failed_write_names_every_record_whose_postings_were_in_it():
    # Given 30 records' postings, one posting staged by two records ("again" first, e3 last in the batch)
    index = FlakyIndex(failing="w3")
    staged = StagedPostings(index)
    staged.stage("again", "t1", [_posting("w3")], [])
    for i in range(30):
        staged.stage(f"e{i}", "t1", [_posting(f"w{i}")], [])
    # When the batch flushes and the write holding w3 (the first one: w0..w24) fails
    failed = staged.flush()
    # Then exactly the records of that write come back, both stagers of w3 included; the others were written
    assert failed == {"again", *(f"e{i}" for i in range(25))}
    assert index.writes == [([f"w{i}" for i in range(25, 30)], [])]


class PickyCounters:
    """Queue counters that refuse the changes named in `refuse`, or fail whole when `down`."""

    def __init__(self, refuse: set[str] = frozenset(), down: bool = False) -> None:
        self.calls: list[tuple[str, list[str]]] = []
        self.refuse, self.down = refuse, down

    def apply_many(self, tenant_id, changes):
        if self.down:
            raise RuntimeError("unavailable")
        self.calls.append((tenant_id, [c for c, _ in changes]))
        return {c: RuntimeError("refused") for c, _ in changes if c in self.refuse}


def test_a_batchs_queue_counts_go_out_together_per_tenant_and_failures_name_their_records():
    # Given three records' count changes in two tenants, one of which the store refuses
    counters = PickyCounters(refuse={"e2"})
    staged = StagedCounts(counters)
    for event_id, tenant_id in [("e1", "t1"), ("e2", "t1"), ("e3", "t2")]:
        staged.stage(event_id, tenant_id, event_id, {"tenant": {"open": 1}})
    # When the batch flushes
    failed = staged.flush()
    # Then one call per tenant carried its changes in record order, and only the refused record comes back
    assert counters.calls == [("t1", ["e1", "e2"]), ("t2", ["e3"])]
    assert failed == {"e2"}


def test_queue_counts_that_fail_whole_bring_back_every_record_of_the_tenant():
    staged = StagedCounts(PickyCounters(down=True))
    staged.stage("e1", "t1", "e1", {"tenant": {"open": 1}})
    staged.stage("e2", "t1", "e2", {"tenant": {"open": -1}})
    assert staged.flush() == {"e1", "e2"}


class AnsweringItems:
    """An item repo whose batched saves answer as told."""

    def __init__(self, answers) -> None:
        self.answers, self.saved = answers, []

    def save_many(self, saves):
        self.saved.append([done for _, _, done in saves])
        return self.answers


def test_rule_writes_go_out_together_and_each_answer_is_followed_up_on_its_record():
    from tandem.domain.errors import Conflict
    from tandem.services.ports import AlreadyDone

    # Given four records' rule writes: saved, done before, moved on (its run again succeeds), failed
    items = AnsweringItems([None, AlreadyDone("k2"), Conflict("moved"), RuntimeError("throttled")])
    staged = StagedSaves(items)
    followed: list[str] = []
    for n in range(1, 5):
        saved, again = (lambda n=n: followed.append(f"saved e{n}")), (lambda n=n: followed.append(f"again e{n}"))
        staged.defer_for(f"e{n}")(object(), (), f"k{n}", saved, again)
    # When the batch flushes
    failed = staged.flush()
    # Then one call carried every save; the saved one marks its rules, the moved-on one runs again alone,
    # the done-before one does nothing, and only the failed record comes back
    assert items.saved == [["k1", "k2", "k3", "k4"]]
    assert followed == ["saved e1", "again e3"]
    assert failed == {"e4"}
