"""`tandem import msproject FILE.xml --tenant SLUG --project ID [--dry-run]`: a Microsoft Project plan into a
project, through the same use case as `POST /v1/imports/msproject` (services/import_msproject.py).

The command runs with the operator's access to the table, so it acts as one of the tenant's people: `--as EMAIL`
(an admin or the project's manager), by default the tenant's first active admin; the items' history names them.
Unlike the API (whose JSON body is at most 1 MB) it reads plans up to the parser's own limit (10 MB)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tandem.cli_actor import acting
from tandem.domain.people import Role

EXAMPLES = """examples:
  tandem import msproject plan.xml --tenant acme --project 01HX… --dry-run   # what would be created, nothing written
  tandem import msproject plan.xml --tenant acme --project 01HX…             # import; again creates nothing twice
  tandem import msproject plan.xml --tenant acme --project 01HX… --as pm@acme.example

Save the plan from Microsoft Project with File > Save As > XML (*.xml). Each task becomes a task item of the
tenant's default task type with its planned dates, % complete, notes, parent/child links and finish-to-start
predecessors; resources become assignees when a staff user has their email (else their name).
Exit status: 0 done, 1 some tasks were refused (listed) or the plan is invalid, 2 usage errors."""


def add_parser(import_sub: Any) -> argparse.ArgumentParser:
    """Add `msproject` to the subcommands of `tandem import` (`import_sub`, an argparse subparsers object)."""
    p = import_sub.add_parser(
        "msproject",
        help="import a Microsoft Project XML plan into a project (tasks, hierarchy, predecessors, assignees)",
        description="Import a Microsoft Project XML plan into a project. Re-running it creates nothing twice and "
        "completes an import that stopped half way.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE.xml", help="the plan saved from Microsoft Project as XML")
    p.add_argument("--tenant", required=True, metavar="SLUG", help="the tenant's slug")
    p.add_argument("--project", required=True, metavar="ID", help="the id of the project the tasks go to")
    p.add_argument("--dry-run", action="store_true", help="check everything and report; write nothing")
    p.add_argument("--as", dest="as_email", metavar="EMAIL",
                   help="who imports: an admin or the project's manager (default: the tenant's first admin)")
    return p


def run(args: argparse.Namespace, deps: Any = None) -> int:
    """Run the import and print a summary; `deps` defaults to the environment's (tests pass theirs)."""
    from tandem.domain.errors import DomainError
    from tandem.services.import_msproject import import_plan

    if deps is None:
        from tandem.runtime.settings import read_settings
        from tandem.runtime.wiring import build

        deps = build(read_settings()).deps
    try:
        xml = Path(args.file).read_bytes()
    except OSError as exc:
        return _usage(f"cannot read {args.file}: {exc.strerror or exc}")
    tenant = deps.repos.tenants.by_slug(args.tenant.strip().lower())
    if tenant is None:
        return _usage(f"no tenant {args.tenant!r}")
    actor = acting(deps, tenant.id, args.as_email, roles=(Role.ADMIN, Role.AGENT))
    if actor is None:
        return _usage(f"no active admin or agent {args.as_email!r} in {args.tenant}" if args.as_email
                      else f"{args.tenant} has no active admin")
    try:
        result = import_plan(deps, actor, args.project, xml, dry_run=args.dry_run)
    except DomainError as exc:
        print(f"tandem import msproject: {exc.message}", file=sys.stderr)
        for e in exc.details.get("errors", []):
            print(f"  UID {e.get('uid')}  {e.get('field')}: {e.get('message')}", file=sys.stderr)
        return 1
    _summary(args, result)
    return 1 if result.errors else 0


def _usage(message: str) -> int:
    print(f"tandem import msproject: {message}", file=sys.stderr)
    return 2


def _summary(args: argparse.Namespace, result: Any) -> None:
    verb = "would create" if args.dry_run else "created"
    print(f"{args.file}: {result.tasks} task(s), {verb} {result.created}, skipped {result.skipped} "
          f"(imported before), {len(result.errors)} error(s)")
    for r in result.unmatched_resources:
        print(f"  unmatched resource: {r['name']}" + (f" <{r['email']}>" if r["email"] else ""))
    for w in result.warnings:
        print(f"  warning: UID {w['uid']}  {w['field']}: {w['message']}")
    for e in result.errors:
        print(f"  error: UID {e['uid']}  {e['field']}: {e['message']}")
    if args.dry_run:
        print("dry run: nothing was written")
