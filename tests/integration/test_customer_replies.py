"""A customer's reply moves a waiting item back to the agents the same way from every channel.

The rule lives once in the domain (`tandem.domain.replies.status_after_customer_reply`); email ingest and
`POST /v1/items/{ref}/messages` (portal, widget, API) both apply it.
"""

from __future__ import annotations

import pytest

from integration.mailbox import compose, deliver
from integration.test_notifications import pump
from integration.world import build_world

SUPPORT = "support@agency.tandem.local"


@pytest.fixture
def w(container):
    world = build_world(container.deps)
    pump(container)
    return world


def _status(api, w, ref: str) -> str:
    return api.call("GET", f"/v1/items/{ref}", token=w.token("admin")).data["status"]


def _waiting_item_of_alice(api, w) -> str:
    ref = w.ids["item_a"].ref
    assert api.call("PATCH", f"/v1/items/{ref}", {"status": "waiting"}, token=w.token("admin")).status_code == 200
    assert _status(api, w, ref) == "waiting"
    return ref


def _reply_by_portal(api, container, w, ref: str) -> None:
    r = api.call("POST", f"/v1/items/{ref}/messages", {"body": "Here is the answer"}, token=w.token("customer_a"))
    assert r.status_code == 201, r.data


def _reply_by_email(api, container, w, ref: str) -> None:
    mail = compose(sender="alice@customer-a.example", to=SUPPORT, subject=f"Re: [{ref}]", body="Here is the answer")
    [outcome] = deliver(container, mail, [SUPPORT])
    assert outcome["ref"] == ref


@pytest.mark.parametrize("reply", [_reply_by_portal, _reply_by_email], ids=["portal", "email"])
def test_a_customer_reply_moves_a_waiting_item_back_to_work(api, container, w, reply):
    # Given Alice's ticket waiting on her
    ref = _waiting_item_of_alice(api, w)
    # When Alice replies (through the portal/widget API, or by email)
    reply(api, container, w, ref)
    # Then the ticket is back with the agents, in the same status whichever channel she used
    assert _status(api, w, ref) == "customer_replied"


def test_a_customer_reply_reopens_a_done_item_from_the_portal_as_by_email(api, container, w):
    # Given Alice's ticket marked resolved
    ref = w.ids["item_a"].ref
    assert api.call("PATCH", f"/v1/items/{ref}", {"status": "resolved"}, token=w.token("admin")).status_code == 200
    # When she answers from the portal
    _reply_by_portal(api, container, w, ref)
    # Then it is reopened as an email reply would
    assert _status(api, w, ref) == "customer_replied"


def test_agent_replies_and_customer_replies_to_open_items_leave_the_status(api, container, w):
    # Given a ticket waiting on the customer
    ref = _waiting_item_of_alice(api, w)
    # When an agent writes a public reply, the item keeps waiting
    api.call("POST", f"/v1/items/{ref}/messages", {"body": "Any news?"}, token=w.token("admin"))
    assert _status(api, w, ref) == "waiting"
    # And when the item is already being worked on, a customer's reply does not move it
    api.call("PATCH", f"/v1/items/{ref}", {"status": "open"}, token=w.token("admin"))
    _reply_by_portal(api, container, w, ref)
    assert _status(api, w, ref) == "open"
