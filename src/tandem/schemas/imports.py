"""CSV imports: one batch per call (`POST /v1/imports`) and the guessed column mapping (`POST /v1/imports/mapping`)."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

from tandem.domain.imports import MAX_BYTES, MAX_ROWS
from tandem.domain.limits import NAME

Kind = Literal["items", "customers", "users"]
Column = Annotated[str, Meta(max_length=NAME)]
FieldName = Annotated[str, Meta(min_length=1, max_length=40)]
# The columns of a CSV header (one batch's header has at most a few hundred; 500 leaves room).
Header = Annotated[list[Column], Meta(max_length=500)]
Mapping = Annotated[dict[Column, FieldName | None], Meta(max_length=500)]
# A batch's CSV text: its size in bytes is checked by the domain (413 beyond MAX_BYTES); this bounds characters.
CsvText = Annotated[str, Meta(min_length=1, max_length=MAX_BYTES)]
# The CSV's bytes and their JSON escaping, with the other fields: the request body of one batch.
BODY_BYTES = MAX_BYTES + 1024 * 1024


class ImportIn(Struct, kw_only=True, forbid_unknown_fields=True):
    kind: Kind
    csv: CsvText  # the header line, then at most MAX_ROWS data rows
    mapping: Mapping  # column → field (null: not imported), as POST /v1/imports/mapping guessed and the client edited
    dry_run: bool = False
    first_row: Annotated[int, Meta(ge=1, le=1_000_000_000)] = 1  # the number of the batch's first data row


class RowErrorOut(Struct, kw_only=True):
    row: int
    field: str
    message: str


class ImportOut(Struct, kw_only=True):
    rows: int
    created: int  # in a dry run: the rows that would be created
    skipped: int  # rows an earlier run imported (same row key), people already there, rows with nothing mapped
    errors: list[RowErrorOut]


class MappingIn(Struct, kw_only=True, forbid_unknown_fields=True):
    kind: Kind
    header: Header


class FieldOut(Struct, kw_only=True):
    name: str
    required: bool
    description: str


class MappingOut(Struct, kw_only=True):
    mapping: dict[str, str | None]
    fields: list[FieldOut]


assert MAX_ROWS == 1000  # the API description promises this number
