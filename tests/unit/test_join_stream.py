"""Join request records on the table's stream (issue 15): what the decoder makes of them."""

from __future__ import annotations

from tandem.dal.dynamo_projects import _pending_mark
from tandem.dal.dynamo_projects import _record as stored_record
from tandem.dal.stream import decode
from tandem.domain.events import JoinRequestChanged
from tandem.domain.join_requests import JoinRequest, JoinState, decide

NOW = "2026-11-22T10:00:00.000Z"


def _record(name: str, old: dict | None, new: dict | None) -> dict:
    """A stream record with the images the table would carry (the repo's own record layout)."""
    images = {"NewImage": new, "OldImage": old}
    return {"eventID": "ev-1", "eventName": name, "dynamodb": {k: v for k, v in images.items() if v}}


def _image(r: JoinRequest) -> dict:
    return stored_record(r).serialize()


def test_an_asked_and_a_decided_request_are_changes_and_the_pending_mark_is_nothing():
    asked = JoinRequest("t1", "r1", "p1", "u1", NOW, message="let me in", version=1)
    decided = decide(asked, JoinState.APPROVED, by="boss", at=NOW)
    decided.version = 2
    new = decode(_record("INSERT", None, _image(asked)))
    changed = decode(_record("MODIFY", _image(asked), _image(decided)))
    mark = _pending_mark(asked).serialize()
    assert isinstance(new, JoinRequestChanged) and new.old is None and new.new == asked
    assert isinstance(changed, JoinRequestChanged) and changed.old == asked and changed.new.state is JoinState.APPROVED
    assert decode(_record("INSERT", None, mark)) is None and decode(_record("REMOVE", mark, None)) is None
