"""Queues with their counts, and bulk changes of items (issue 12)."""

from __future__ import annotations

from typing import Any

from api import render
from api.http import current, principal
from api.ops import Call, op
from tandem.schemas import queues as m
from tandem.schemas.codec import given
from tandem.services.bulk_edit import BulkChange, bulk_change
from tandem.services.queues import list_queues


@op("GET", "/v1/queues", summary="The caller's queues with their counts", tag="items", returns=m.QueuesOut)
def queues(call: Call) -> Any:
    found = list_queues(current().deps, principal(call.request))
    return m.QueuesOut(items=[
        m.QueueOut(id=q.id, name=q.name, count=q.count, filters=m.QueueFilters(**q.filters))  # type: ignore[arg-type]
        for q in found
    ])


@op("POST", "/v1/items/bulk", summary="Change up to 100 items at once", tag="items", body=m.BulkIn,
    returns=m.BulkOut)
def bulk(call: Call) -> Any:
    c = current()
    p = principal(call.request)
    b = call.body
    change = BulkChange(set=given(b.set) if b.set is not None else {}, add_tags=list(b.add_tags),
                        remove_tags=list(b.remove_tags), macro_id=b.macro_id)
    rows = bulk_change(c.deps, p, list(b.refs), change, c.settings.token_secret)
    return m.BulkOut(items=[
        m.BulkRowOut(ref=r.ref, ok=True, item=render.item(r.item, staff=p.is_staff)) if r.item is not None and r.ok
        else m.BulkRowOut(ref=r.ref, ok=False, error=m.BulkError(code=r.code or "error", message=r.message or ""))
        for r in rows
    ])
