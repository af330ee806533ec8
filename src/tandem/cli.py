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

    sub.add_parser("seed", help="create the demo tenant in the table the environment points at (if missing)")

    package = sub.add_parser("package", help="build the SAM template and deployment zip")
    package.add_argument("--out", default="build/package", help="output directory")

    deploy = sub.add_parser("deploy", help="deploy the packaged stack to an AWS account")
    deploy.add_argument("--stage", default="prod")
    deploy.add_argument("--out", default="build/package")
    return p


def _optional(module: str, what: str) -> Any:
    """Import a module that ships later in the project, with a clear message when it is missing."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            print(f"tandem {what}: {module} is not available in this checkout yet.", file=sys.stderr)
            raise SystemExit(2) from None
        raise


def cmd_dev(args: argparse.Namespace) -> int:
    from tandem.local.dev import run_dev

    return run_dev(port=args.port, smtp_port=args.smtp_port, data_dir=args.data_dir, reset=args.reset)


def cmd_seed(args: argparse.Namespace) -> int:
    from tandem.local.seed import LOGINS, seed_demo
    from tandem.runtime.settings import read_settings
    from tandem.runtime.wiring import build

    created = seed_demo(build(read_settings()).deps)
    print("demo tenant created" if created else "demo tenant already exists")
    for login in LOGINS:
        print(f"  {login.role:<22} {login.email:<28} {login.password}")
    return 0


def cmd_package(args: argparse.Namespace) -> int:
    module = _optional("tandem.deploy.package", "package")
    out = Path(args.out)
    if hasattr(module, "package"):
        result = module.package(out)
    else:
        result = module.main(["--out", str(out)])
    return result if isinstance(result, int) else 0


def cmd_deploy(args: argparse.Namespace) -> int:
    module = _optional("tandem.deploy.deploy", "deploy")
    result = module.main(["--stage", args.stage, "--out", args.out])
    return result if isinstance(result, int) else 0


COMMANDS = {"dev": cmd_dev, "seed": cmd_seed, "package": cmd_package, "deploy": cmd_deploy}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    code = COMMANDS[args.command](args)
    sys.exit(code)


if __name__ == "__main__":
    main()
