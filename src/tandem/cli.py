"""The `tandem` command: `dev` (the local stack), `seed` (the demo tenant), `package` and `deploy` (AWS),
`mail replay` (run rejected or failed inbound mail again), `tenant create|list` (cli_tenant.py)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tandem import cli_tenant


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name) or default)
    except ValueError:
        return default


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tandem", description="Tandem help desk: local stack and AWS packaging.")
    sub = p.add_subparsers(dest="command", required=True)

    dev = sub.add_parser("dev", help="run the whole product locally (moto, API, portal, SMTP, stream, timers)")
    dev.add_argument("--port", type=int, default=_env_int("TANDEM_PORT", 8000), help="HTTP port (env TANDEM_PORT)")
    dev.add_argument(
        "--smtp-port", type=int, default=_env_int("TANDEM_SMTP_PORT", 2525), help="SMTP port (env TANDEM_SMTP_PORT)"
    )
    dev.add_argument("--data-dir", default=os.environ.get("TANDEM_DATA_DIR", ".tandem"), help="where data is kept")
    dev.add_argument("--reset", action="store_true", help="delete the data directory first (start empty)")

    seed = sub.add_parser("seed", help="create the demo tenant in the table the environment points at (if missing)")
    seed.add_argument("--allow-aws", action="store_true", help="seed even without TANDEM_AWS_ENDPOINT (a real table)")

    reindex = sub.add_parser(
        "reindex",
        help="give a tenant's stored items their list-order and queue index keys, recount its queues, write its "
        "search index and its tenant-list key (once, after deploying onto data written before them; safe to run "
        "again)",
        epilog="example: tandem reindex demo",
    )
    reindex.add_argument("slug", help="the tenant's slug")

    package = sub.add_parser("package", help="build the SAM template and deployment zip (chalice package)")
    package.add_argument("--out", default="build/package", help="output directory")
    package.add_argument("--stage", default="dev", help="Chalice stage to package")

    deploy = sub.add_parser("deploy", help="package and deploy to the AWS account of the current credentials")
    deploy.add_argument("--stage", default="prod")
    deploy.add_argument("--out", default="build/package")
    deploy.add_argument("--stack-name", default=os.environ.get("TANDEM_STACK_NAME", "tandem"))
    deploy.add_argument("--artifact-bucket", default=os.environ.get("TANDEM_ARTIFACT_BUCKET"))
    deploy.add_argument("--mail-domain", default=os.environ.get("TANDEM_MAIL_DOMAIN"))
    deploy.add_argument("--certificate-arn", default=os.environ.get("TANDEM_CERTIFICATE_ARN"))
    deploy.add_argument("--portal-domain", default=os.environ.get("TANDEM_PORTAL_DOMAIN"))

    cli_tenant.add_parser(sub)

    # `tandem import` is IMPORT's (cli_import.py, issue 15 A); until it is merged, this holds MS Project only.
    from tandem import cli_msproject

    importing = sub.add_parser("import", help="import data into a tenant")
    cli_msproject.add_parser(importing.add_subparsers(dest="import_kind", required=True))

    mail = sub.add_parser("mail", help="inbound mail operations")
    mail_sub = mail.add_subparsers(dest="mail_command", required=True)
    _replay_parser(mail_sub)
    return p


REPLAY_HELP = """\
Run rejected or failed inbound mail through the same ingest path again, from the raw mail SES stored in the
inbound bucket (TANDEM_INBOUND_BUCKET). Rejections are read from the mail log: those of one tenant (--tenant),
or without --tenant those no tenant could be told apart (unknown recipient, failures before routing).

Idempotent: a mail that became an item meanwhile is reported as a duplicate and changes nothing; a mail
that fails again for the same reason adds no second rejection. Transient AWS errors stop the run (run it again).

examples:
  tandem mail replay --tenant acme --reason failed          every failed ingest of tenant acme
  tandem mail replay --tenant acme --since 2026-11-20T00:00:00Z
  tandem mail replay --reason "no known recipient"          after adding the missing address
  tandem mail replay --key inbound/0001abcd --dry-run       what would run, nothing written
  tandem mail replay --key inbound/0001abcd                 a raw mail no rejection names: recipients come
                                                            from its headers, SES verdicts count as unknown
"""


def _replay_parser(mail_sub: Any) -> None:
    replay = mail_sub.add_parser(
        "replay",
        help="run rejected or failed inbound mail again (idempotent)",
        description=REPLAY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    replay.add_argument("--tenant", metavar="SLUG", help="the tenant whose rejections to replay")
    replay.add_argument("--reason", help="only rejections whose reason starts with this (e.g. failed)")
    replay.add_argument("--since", metavar="ISO", help="only rejections stored at or after this time (ISO 8601)")
    replay.add_argument("--key", metavar="RAW_KEY", help="only the raw mail under this key (e.g. inbound/<id>)")
    replay.add_argument("--dry-run", action="store_true", help="list what would be replayed, write nothing")


def _deploy_module() -> Any:
    """`tandem.deploy` (packaging and deployment), with a clear message when this checkout lacks it."""
    try:
        return importlib.import_module("tandem.deploy")
    except ModuleNotFoundError as exc:
        if exc.name in ("tandem.deploy", "tandem"):
            print("tandem: packaging (tandem.deploy) is not available in this checkout yet.", file=sys.stderr)
            raise SystemExit(2) from None
        raise


def cmd_dev(args: argparse.Namespace) -> int:
    from tandem.local.dev import run_dev

    return run_dev(port=args.port, smtp_port=args.smtp_port, data_dir=args.data_dir, reset=args.reset)


def cmd_seed(args: argparse.Namespace) -> int:
    from tandem.local.seed import LOGINS, seed_demo
    from tandem.runtime.settings import read_settings
    from tandem.runtime.wiring import build

    s = read_settings()
    if s.backend == "dynamodb" and not s.aws_endpoint and not args.allow_aws:
        print(
            "tandem seed: TANDEM_AWS_ENDPOINT is not set; refusing to seed a real table (--allow-aws).", file=sys.stderr
        )
        return 2
    created = seed_demo(build(s).deps)
    print("demo tenant created" if created else "demo tenant already exists")
    for login in LOGINS:
        print(f"  {login.role:<22} {login.email:<28} {login.password}")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    """Backfill what issue 12 indexes (orders, queues, counts, search) for data written before; safe to run again.
    The item keys go first: the search backfill pages the items by them."""
    from tandem.runtime.settings import read_settings
    from tandem.runtime.wiring import build
    from tandem.services.index_search import reindex
    from tandem.services.queues import reindex_tenant

    deps = build(read_settings()).deps
    tenant = deps.repos.tenants.by_slug(args.slug.strip().lower())
    if tenant is None:
        print(f"tandem reindex: no tenant {args.slug!r}", file=sys.stderr)
        return 2
    deps.repos.tenants.save(tenant)  # writes the tenant's own list key (`tandem tenant list`) when it predates it
    print(f"{reindex_tenant(deps, tenant.id)} item(s) reindexed, queue counters recounted")
    print(f"{reindex(deps, tenant.id)} search postings written for {args.slug}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from tandem import cli_msproject

    return cli_msproject.run(args)


def cmd_package(args: argparse.Namespace) -> int:
    template = _deploy_module().package(Path(args.out), stage=args.stage)
    print(f"SAM template: {template}")
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    missing = [
        flag
        for flag, value in (("--artifact-bucket", args.artifact_bucket), ("--mail-domain", args.mail_domain))
        if not value
    ]
    if missing:
        print(
            f"tandem deploy: {' and '.join(missing)} required (or TANDEM_ARTIFACT_BUCKET / TANDEM_MAIL_DOMAIN)",
            file=sys.stderr,
        )
        return 2
    outputs = _deploy_module().deploy(
        args.stage,
        args.stack_name,
        args.artifact_bucket,
        args.mail_domain,
        certificate_arn=args.certificate_arn,
        portal_domain=args.portal_domain,
        out_dir=Path(args.out),
    )
    for name, value in sorted(outputs.items()):
        print(f"{name:<28} {value}")
    return 0


def cmd_mail(args: argparse.Namespace) -> int:
    from tandem.domain.clock import iso, parse_iso
    from tandem.runtime.wiring import container
    from tandem.services.receive_mail import replay

    c = container()
    tenant_id = None
    if args.tenant:
        tenant = c.deps.repos.tenants.by_slug(args.tenant.strip().lower())
        if tenant is None:
            print(f"tandem mail replay: no tenant {args.tenant!r}", file=sys.stderr)
            return 2
        tenant_id = tenant.id
    try:
        since = iso(parse_iso(args.since)) if args.since else None
    except ValueError:
        print(f"tandem mail replay: --since {args.since!r} is not an ISO 8601 time", file=sys.stderr)
        return 2
    done = replay(
        c.deps,
        c.inbound_blobs(),
        secret=c.settings.token_secret,
        tenant_id=tenant_id,
        reason=args.reason,
        since=since,
        raw_key=args.key,
        dry_run=args.dry_run,
    )
    still_failing = 0
    for entry in done:
        was = f"(was: {entry.rejection.reason})" if entry.rejection else "(no rejection)"
        results = ", ".join(f"{o.result} {o.ref or o.reason}".strip() for o in entry.outcomes) or "would replay"
        still_failing += any(o.reason.startswith("failed") for o in entry.outcomes)
        print(f"{entry.raw_key}  {results}  {was}")
    print(f"{len(done)} mail(s) {'to replay' if args.dry_run else 'replayed'}, {still_failing} still failing")
    return 1 if still_failing else 0


COMMANDS = {"dev": cmd_dev, "seed": cmd_seed, "package": cmd_package, "deploy": cmd_deploy, "mail": cmd_mail,
            "reindex": cmd_reindex, "tenant": cli_tenant.run, "import": cmd_import}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    code = COMMANDS[args.command](args)
    sys.exit(code)


if __name__ == "__main__":
    main()
