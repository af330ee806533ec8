"""CSV imports (admins): one batch per call, and the guessed column mapping."""

from __future__ import annotations

from typing import Any

from api.http import current, principal
from api.ops import Call, op
from tandem.schemas import imports as m
from tandem.services import imports

TAG = "imports"


@op("POST", "/v1/imports", summary="Import one batch of CSV rows (items, customers or users)", tag=TAG,
    body=m.ImportIn, returns=m.ImportOut, max_bytes=m.BODY_BYTES)
def run_import(call: Call) -> Any:
    b = call.body
    result = imports.run_import(current().deps, principal(call.request), b.kind, b.csv, b.mapping, b.dry_run,
                                b.first_row)
    errors = [m.RowErrorOut(row=e.row, field=e.field, message=e.message) for e in result.errors]
    return m.ImportOut(rows=result.rows, created=result.created, skipped=result.skipped, errors=errors)


@op("POST", "/v1/imports/mapping", summary="Guess which field each CSV column fills", tag=TAG, body=m.MappingIn,
    returns=m.MappingOut)
def guess_mapping(call: Call) -> Any:
    mapping, fields = imports.guess(principal(call.request), call.body.kind, list(call.body.header))
    out = [m.FieldOut(name=f.name, required=f.required, description=f.description) for f in fields]
    return m.MappingOut(mapping=mapping, fields=out)
