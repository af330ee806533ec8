"""The `tandem` command: `dev` (the local stack), `seed` (the demo tenant), `package` and `deploy` (AWS)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


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
    return p


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


COMMANDS = {"dev": cmd_dev, "seed": cmd_seed, "package": cmd_package, "deploy": cmd_deploy}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    code = COMMANDS[args.command](args)
    sys.exit(code)


if __name__ == "__main__":
    main()
