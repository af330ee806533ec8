"""Microsoft Project import (issue 15 B): `POST /v1/imports/msproject`."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct

from tandem.domain.limits import BODY_BYTES, Id

# The XML travels inside the JSON body, so the body's limit bounds it (domain/msproject.py allows files up to
# 10 MB: bigger plans go through the CLI, `tandem import msproject`, which reads the file directly).
Xml = Annotated[str, Meta(min_length=1, max_length=BODY_BYTES)]


class MsProjectImportIn(Struct, kw_only=True, forbid_unknown_fields=True):
    """A plan exported from Microsoft Project (File > Save As > XML) and the project its tasks go to."""

    project_id: Id
    xml: Xml
    dry_run: bool = False


class PlanProblemOut(Struct, kw_only=True):
    """A task the import could not create or link (`errors`), or something of the file it left out (`warnings`):
    `uid` is the task's UID in the plan, `field` the element or item field concerned."""

    uid: int | None
    field: str
    message: str


class UnmatchedResourceOut(Struct, kw_only=True):
    """A resource of the plan that matches no active staff user (by email, else by name): its tasks stay
    without that assignee."""

    uid: int
    name: str
    email: str | None


class ImportedTaskOut(Struct, kw_only=True):
    uid: int
    ref: str


class MsProjectImportOut(Struct, kw_only=True):
    """`tasks` in the plan (without the project summary), `created` now (in a dry run: would be), `skipped`
    because an earlier import of this plan into this project created them; `items` maps each task UID that has
    its item to the item's reference."""

    tasks: int
    created: int
    skipped: int
    unmatched_resources: list[UnmatchedResourceOut]
    errors: list[PlanProblemOut]
    warnings: list[PlanProblemOut]
    items: list[ImportedTaskOut]
