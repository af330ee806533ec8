"""Microsoft Project import (issue 15 B): a plan's tasks into a project, with hierarchy and predecessors."""

from __future__ import annotations

from typing import Any

from api.http import current, principal
from api.ops import Call, op
from tandem.schemas import import_msp as m
from tandem.services.import_msproject import import_plan


@op("POST", "/v1/imports/msproject", summary="Import a Microsoft Project XML plan into a project (admins and the "
    "project's managers); again creates nothing twice", tag="imports", body=m.MsProjectImportIn,
    returns=m.MsProjectImportOut, errors=(409,))
def import_msproject(call: Call) -> Any:
    body: m.MsProjectImportIn = call.body
    result = import_plan(current().deps, principal(call.request), body.project_id, body.xml, dry_run=body.dry_run)
    return m.MsProjectImportOut(
        tasks=result.tasks, created=result.created, skipped=result.skipped,
        unmatched_resources=[m.UnmatchedResourceOut(**r) for r in result.unmatched_resources],
        errors=[m.PlanProblemOut(**e) for e in result.errors],
        warnings=[m.PlanProblemOut(**w) for w in result.warnings],
        items=[m.ImportedTaskOut(**i) for i in result.items],
    )
