"""`tandem import items|customers|users FILE.csv --tenant SLUG`: a CSV file streamed through the import use case in
batches, with a progress bar and a summary. `tandem import msproject` is cli_msproject.py's.

The import acts as a real admin of the tenant (`--as EMAIL`, by default its first admin): the activity log names a
person, and the one permission function decides exactly as it does for `POST /v1/imports`."""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tandem import cli_msproject
from tandem.cli_actor import acting
from tandem.domain.errors import DomainError
from tandem.domain.imports import KINDS, MAX_BYTES, MAX_ROWS, TARGETS, guess_mapping, iter_rows

IMPORT_HELP = """\
Import a CSV file of items, customers or users into a tenant, through the same checks as POST /v1/imports.
The file is read as a stream and sent in batches (--batch rows each, at most 1,000 and 5 MB), so files of any size
import with little memory. Columns are mapped to fields by their headers ("Subject" → title, "E-mail" → requester
or email, "Company" → organization …); --map overrides a guess (COLUMN=FIELD, or COLUMN= to leave it out).

Every row is checked first by the API's models and use cases; bad rows are listed (row, column, reason) and the
others go on. Re-running is safe: a row imported before (same `key` column, or the same mapped values) is skipped.
Customers and item requesters join the organisation of their email's domain (made when missing; never for
free-mail domains such as gmail.com). Exit status 1 when any row had an error, 2 when nothing could start.

examples:
  tandem import items tickets.csv --tenant acme --dry-run         check every row, write nothing
  tandem import items tickets.csv --tenant acme --map "Ticket #=key" --map Created=
  tandem import customers contacts.csv --tenant acme --batch 200
  tandem import users staff.csv --tenant acme --as owner@acme.example
"""


def add_parser(sub: Any) -> None:
    """`tandem import …` under the CLI's subcommands."""
    imp = sub.add_parser("import", help="import items, customers or users from CSV (dry run, mapping, batches)",
                         description=IMPORT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    kinds = imp.add_subparsers(dest="import_kind", required=True)
    for kind in KINDS:
        fields = ", ".join(t.name + ("*" if t.required else "") for t in TARGETS[kind])
        one = kinds.add_parser(kind, help=f"import {kind} from a CSV file",
                               description=IMPORT_HELP + f"\nfields ({kind}; * required): {fields}\n",
                               formatter_class=argparse.RawDescriptionHelpFormatter)
        one.add_argument("file", metavar="FILE.csv", help="the CSV file (UTF-8, a header line first)")
        one.add_argument("--tenant", required=True, metavar="SLUG", help="the tenant to import into")
        one.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                         help="map a column to a field (repeatable); COLUMN= leaves the column out")
        one.add_argument("--dry-run", action="store_true", help="check every row and report, write nothing")
        one.add_argument("--batch", type=int, default=500, metavar="N", help="rows per batch (1-1000, default 500)")
        one.add_argument("--as", dest="as_admin", metavar="EMAIL",
                         help="the admin the import acts as (default: the tenant's first admin)")
    cli_msproject.add_parser(kinds)


def run(args: argparse.Namespace) -> int:
    if args.import_kind not in KINDS:
        return cli_msproject.run(args)
    from tandem.runtime.wiring import container

    deps = container().deps
    try:
        admin = acting_admin(deps, args.tenant, args.as_admin)
        path = Path(args.file)
        batch = check_batch(args.batch)
        with path.open(newline="", encoding="utf-8-sig") as f:
            total = sum(1 for _ in iter_rows(f)) - 1
        with path.open(newline="", encoding="utf-8-sig") as f:
            rows = iter_rows(f)
            header = [h.strip() for h in next(rows, [])]
            mapping = mapping_for(args.import_kind, header, args.map)
            print_mapping(mapping)
            totals = stream(deps, admin, args.import_kind, header, rows, mapping, args.dry_run, batch, max(total, 0))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"tandem import: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:  # a refused batch (bad mapping, unreadable CSV): nothing more can be done
        print(f"tandem import: {exc.message} {exc.details or ''}".rstrip(), file=sys.stderr)
        return 2
    summary(args.import_kind, totals, args.dry_run)
    return 1 if totals.errors else 0


def check_batch(n: int) -> int:
    if not 1 <= n <= MAX_ROWS:
        raise ValueError(f"--batch must be between 1 and {MAX_ROWS}")
    return n


def acting_admin(deps: Any, slug: str, email: str | None) -> Any:
    """The admin the import acts as (`--as`, else the tenant's earliest admin); ValueError when there is none."""
    tenant = deps.repos.tenants.by_slug(slug.strip().lower())
    if tenant is None:
        raise ValueError(f"no tenant {slug!r}")
    admin = acting(deps, tenant.id, email)
    if admin is None:
        raise ValueError(f"{email or 'the tenant'} is no active admin of {slug!r}")
    return admin


def mapping_for(kind: str, header: list[str], overrides: list[str]) -> dict[str, str | None]:
    """The guessed mapping with the --map overrides applied (COLUMN=FIELD; an empty FIELD leaves it out)."""
    mapping = guess_mapping(kind, header)
    for entry in overrides:
        column, sep, field = entry.partition("=")
        if not sep or column.strip() not in header:
            raise ValueError(f"--map {entry!r}: the file has no column {column.strip()!r}")
        chosen = field.strip() or None
        if chosen is not None:  # a field goes to one column: the override takes it from a guessed one
            mapping = {c: (None if f == chosen else f) for c, f in mapping.items()}
        mapping[column.strip()] = chosen
    return mapping


def print_mapping(mapping: dict[str, str | None]) -> None:
    used = ", ".join(f"{c} → {f}" for c, f in mapping.items() if f) or "nothing"
    left = [c for c, f in mapping.items() if not f]
    print(f"mapping: {used}" + (f" (left out: {', '.join(left)})" if left else ""))


class Totals:
    def __init__(self) -> None:
        self.rows = self.created = self.skipped = 0
        self.errors: list[Any] = []

    def add(self, result: Any) -> None:
        self.rows += result.rows
        self.created += result.created
        self.skipped += result.skipped
        self.errors += result.errors


def batches(header: list[str], rows: Iterator[list[str]], size: int) -> Iterator[tuple[str, int]]:
    """The rows as CSV texts (each with the header) of at most `size` rows and MAX_BYTES, with their row count: only
    one batch is ever held."""
    head = _line(header)
    lines: list[str] = []
    used = len(head.encode())
    for cells in rows:
        line = _line(cells)
        if lines and (len(lines) == size or used + len(line.encode()) > MAX_BYTES):
            yield head + "".join(lines), len(lines)
            lines, used = [], len(head.encode())
        lines.append(line)
        used += len(line.encode())
    if lines:
        yield head + "".join(lines), len(lines)


def _line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()


def stream(deps: Any, admin: Any, kind: str, header: list[str], rows: Iterator[list[str]],
           mapping: dict[str, str | None], dry_run: bool, size: int, total: int) -> Totals:
    """Send the batches one after the other, showing progress."""
    from tandem.services.imports import run_import

    totals, first = Totals(), 1
    with ProgressView(total) as advance:
        for text, count in batches(header, rows, size):
            totals.add(run_import(deps, admin, kind, text, mapping, dry_run, first_row=first))
            first += count
            advance(count, totals)
    return totals


def plain_output() -> bool:
    """Plain lines instead of a live bar: not a terminal, or CI."""
    return not sys.stdout.isatty() or os.environ.get("CI", "").lower() in ("1", "true", "yes")


class ProgressView:
    """A rich progress bar on a terminal; one plain line per batch otherwise."""

    def __init__(self, total: int) -> None:
        self._total, self._bar, self._done = total, None, 0

    def __enter__(self) -> Any:
        if not plain_output():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                 TextColumn("{task.description}"))
            self._bar.__enter__()
            self._task = self._bar.add_task("", total=self._total)
        return self.advance

    def advance(self, count: int, totals: Totals) -> None:
        self._done += count
        line = f"created {totals.created}  skipped {totals.skipped}  errors {len(totals.errors)}"
        if self._bar is not None:
            self._bar.update(self._task, advance=count, description=line)
        else:
            print(f"rows {self._done}/{self._total}  {line}", flush=True)

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


def summary(kind: str, t: Totals, dry_run: bool) -> None:
    verb = "would be created" if dry_run else "created"
    print(f"{kind}: {t.rows} rows, {t.created} {verb}, {t.skipped} skipped, {len(t.errors)} with errors"
          + (" (dry run: nothing written)" if dry_run else ""))
    for e in t.errors:
        print(f"  row {e.row}  {e.field}: {e.message}")
