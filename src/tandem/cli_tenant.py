"""`tandem tenant create|list`: operators open help desks and see which exist, on the table the environment
points at (the local stack's by default, a real one with TANDEM_AWS_ENDPOINT unset and TANDEM_TABLE set)."""

from __future__ import annotations

import argparse
import secrets
import sys
from typing import Any

TENANT_HELP = """\
Open a help desk (tenant) with its first admin, or list the help desks of this table.

A new tenant starts ready to use, exactly as one signed up on the web: default ticket and task types with
inbound addresses under its mail domain, lifecycle statuses, a "Support" portfolio and an "Incoming tickets"
project. Without --password a strong one is generated and printed once.

examples:
  tandem tenant create acme --name "Acme Ltd" --admin-email boss@acme.example
  tandem tenant create acme --name "Acme Ltd" --admin-email boss@acme.example --admin-name "Ada Boss" \\
      --mail-domain help.acme.example
  tandem tenant list
  tandem tenant list --limit 20
"""


def add_parser(sub: Any) -> None:
    tenant = sub.add_parser("tenant", help="create or list tenants (help desks)", description=TENANT_HELP,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    tenant_sub = tenant.add_subparsers(dest="tenant_command", required=True)
    create = tenant_sub.add_parser("create", help="open a help desk with its first admin",
                                   description=TENANT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    create.add_argument("slug", help="3-40 lower-case letters, digits or dashes (URLs and the mail domain)")
    create.add_argument("--name", required=True, help="the organisation's name")
    create.add_argument("--admin-email", required=True, help="the first admin's email (their sign-in)")
    create.add_argument("--admin-name", help="the first admin's name (default: the email)")
    create.add_argument("--password", help="the first admin's password (default: generated and printed)")
    create.add_argument("--mail-domain", help="where its inbound addresses live (default: SLUG.<mail root>)")
    listing = tenant_sub.add_parser("list", help="every tenant of this table, by slug",
                                    description=TENANT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    listing.add_argument("--limit", type=int, default=0, help="at most this many (default: all)")


def run(args: argparse.Namespace) -> int:
    from tandem.runtime.settings import read_settings
    from tandem.runtime.wiring import build

    deps = build(read_settings()).deps
    return _create(deps, args) if args.tenant_command == "create" else _list(deps, args)


def _create(deps: Any, args: argparse.Namespace) -> int:
    from tandem.domain.errors import Conflict, ValidationError
    from tandem.services.sign_up import sign_up

    password = args.password or secrets.token_urlsafe(12)
    try:
        done = sign_up(deps, organization=args.name, slug=args.slug, email=args.admin_email,
                       name=args.admin_name or args.admin_email, password=password, mail_domain=args.mail_domain)
    except Conflict:
        print(f"tandem tenant create: the slug {args.slug!r} or one of its addresses is already taken", file=sys.stderr)
        return 2
    except ValidationError as exc:
        field = (exc.details or {}).get("field")
        print(f"tandem tenant create: {exc.message}" + (f" ({field})" if field else ""), file=sys.stderr)
        return 2
    print(f"tenant {done.tenant.slug} created (id {done.tenant.id})")
    print(f"  mail domain  {done.tenant.mail_domain}")
    print(f"  admin        {done.user.email}")
    if not args.password:
        print(f"  password     {password}   (shown once: keep it or reset it after signing in)")
    return 0


def _list(deps: Any, args: argparse.Namespace) -> int:
    shown, after = 0, None
    print(f"{'slug':<24} {'name':<32} {'mail domain':<36} created")
    while True:
        page = deps.repos.tenants.list_all(limit=200, after=after)
        for t in page.items:
            if args.limit and shown >= args.limit:
                return 0
            print(f"{t.slug:<24} {t.name[:32]:<32} {t.mail_domain:<36} {t.created_at[:10]}")
            shown += 1
        if page.after is None:
            break
        after = page.after
    print(f"{shown} tenant(s)")
    return 0
