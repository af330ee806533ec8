"""CSV import of items, customers and users: one batch (≤ 1,000 rows, ≤ 5 MB) per call, each row validated by the
API's own models and use cases, errors collected per row, a dry run that writes nothing, and re-runs that create
nothing twice (a marker per tenant + kind + row key, written in the same transaction as the row's create).

Big files are sent in batches by their clients (the CLI, the import screen), `first_row` numbering each batch's rows
as rows of the whole file, so no invocation ever holds the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tandem.domain.errors import DomainError, ValidationError
from tandem.domain.imports import check_kind, check_mapping, guess_mapping, mapped_values, read_csv, row_key, targets
from tandem.domain.permissions import Action, Area, Principal
from tandem.services.access import require_area, tenant_of
from tandem.services.deps import Deps
from tandem.services.import_batch import Batch
from tandem.services.import_rows import IMPORTERS
from tandem.services.ports import DuplicateRequest, IdempotencyClaim

# The API's names of fields whose import field has another name (the row's error names the column instead).
API_FIELDS = {"type_id": "type", "project_id": "project", "organization_id": "organization"}


@dataclass
class RowError:
    row: int
    field: str  # the CSV column (or the import field when no column fills it)
    message: str


@dataclass
class ImportResult:
    """`created` counts, in a dry run, the rows that would be created."""

    rows: int = 0
    created: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class FieldInfo:
    name: str
    required: bool
    description: str


def guess(p: Principal, kind: str, header: list[str]) -> tuple[dict[str, str | None], list[FieldInfo]]:
    """Each column's guessed field (None: not imported), and the fields a `kind` import can fill."""
    require_area(p, Area.IMPORTS, Action.CREATE)
    fields = [FieldInfo(t.name, t.required, t.description) for t in targets(kind).values()]
    return guess_mapping(kind, header), fields


def run_import(
    deps: Deps,
    p: Principal,
    kind: str,
    csv_text: str,
    mapping: Mapping[str, str | None],
    dry_run: bool,
    first_row: int = 1,
) -> ImportResult:
    """Import one batch of CSV rows of `kind` (items, customers, users) as `p` (an admin).

    The batch is refused whole (413/422) only when it cannot be read: too big, no header, a bad mapping. Every
    other problem is one row's error ({row, field, message}); the other rows go on. A row an earlier run made
    (same row key) is skipped, as is a person already there."""
    require_area(p, Area.IMPORTS, Action.CREATE)
    check_kind(kind)
    header, rows = read_csv(csv_text, first_row=first_row)
    chosen = check_mapping(kind, header, mapping)
    columns = {target: column for column, target in chosen.items()}
    batch = Batch(deps, p, tenant_of(deps, p), dry_run)
    scope = f"import:{kind}"
    keyed = [(row.number, values, row_key(values)) for row in rows if (values := mapped_values(row, chosen))]
    made = deps.repos.imports.made(batch.tenant.id, scope, [key for _, _, key in keyed])
    result = ImportResult(rows=len(rows))
    result.skipped = len(rows) - len(keyed)  # rows whose mapped columns are all empty carry nothing to import
    seen: set[str] = set()
    for number, values, key in keyed:
        if key in made or key in seen:  # made by an earlier run, or the same row twice in this batch
            result.skipped += 1
            continue
        seen.add(key)
        claim = IdempotencyClaim(scope, key, key, lasting=True, replay=False)
        outcome = _one_row(IMPORTERS[kind], batch, values, claim)
        if outcome is None:
            result.created += 1
        elif outcome == "skipped":
            result.skipped += 1
        else:
            result.errors += [RowError(number, columns.get(f, f), m) for f, m in outcome]
    return result


def _one_row(importer: Any, batch: Batch, values: dict[str, str], claim: IdempotencyClaim) -> Any:
    """None when the row was imported, "skipped" when it was there already, else its [(field, message)]."""
    try:
        importer(batch, values, claim)
    except DuplicateRequest:
        return "skipped"
    except DomainError as exc:
        return _field_errors(exc)
    return None


def _field_errors(exc: DomainError) -> list[tuple[str, str]]:
    """A use case's or model's error as (import field, message) pairs; the model lists several at once."""
    listed = exc.details.get("errors") if isinstance(exc, ValidationError) else None
    if isinstance(listed, list) and listed:
        return [(_import_field(str(e.get("field", ""))), str(e.get("message", exc.message))) for e in listed]
    return [(_import_field(str(exc.details.get("field", ""))), exc.message)]


def _import_field(api_field: str) -> str:
    """`assignees[2]` → assignees, `type_id` → type: the name the mapping knows (and so the column that filled it)."""
    base = api_field.split("[", 1)[0].split(".", 1)[0]
    return API_FIELDS.get(base, base) or "row"
