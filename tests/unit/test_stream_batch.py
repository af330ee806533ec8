"""What a stream batch learns on the way and shares across its records (services/stream_batch.py)."""

from __future__ import annotations

from tandem.dal.memory import MemoryMailLog
from tandem.services.stream_batch import BatchMail


class CountingMailLog(MemoryMailLog):
    def __init__(self, counted: set[tuple[str, str]]) -> None:
        super().__init__(counted)
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
    earlier = MemoryMailLog(counted)
    assert earlier.count_once("t1", "ack:a@x", "H", 60, "ack:e0", 1) is True
    # And a batch that read its done-marker up front and then finds the sender over the limit
    inner = CountingMailLog(counted)
    inner._counters = earlier._counters
    mail = BatchMail(inner, lambda tenant_id, key: (tenant_id, key) in counted)
    assert mail.count_once("t1", "ack:a@x", "H", 60, "ack:e1", 1) is False
    # When the redelivered change is counted again
    # Then it is answered counted (its mail is sent), never refused for the sender being over
    assert mail.count_once("t1", "ack:a@x", "H", 60, "ack:e0", 1) is True
