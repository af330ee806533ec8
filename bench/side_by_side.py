"""Run one benchmark's measurement on the code before issue 16 and on this checkout, each in a fresh interpreter.

The commit before is the tag `issue16-before`; `git archive` extracts it once into a cache folder, and the bench runs
there with TANDEM_BENCH_TREE pointing at it (bench_env.prepare puts that tree's code first on the import path). The
measurement code is this checkout's, so both sides measure exactly the same thing. Without git history (an unpacked
archive) the "before" side is reported as not measured rather than guessed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE_TAG = "issue16-before"
MARK = "BENCH-JSON "


def before_tree() -> Path | None:
    """The extracted tree of BEFORE_TAG (cached per commit), or None when this checkout has no such tag."""
    found = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", "-q", f"{BEFORE_TAG}^{{commit}}"],
                           capture_output=True, text=True)
    if found.returncode != 0:
        return None
    sha = found.stdout.strip()
    tree = Path(tempfile.gettempdir()) / f"tandem-{BEFORE_TAG}-{sha[:12]}"
    if not (tree / ".complete").exists():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", sha], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        (tree / ".complete").write_text(sha)
    return tree


def measure_in(script: str, args: list[str], tree: Path | None = None, timeout: int = 1800) -> dict:
    """Run `bench/<script> --measure-json <args>` in a fresh interpreter on `tree` (None: this checkout); its JSON."""
    env = dict(os.environ)
    env.pop("TANDEM_BENCH_TREE", None)
    if tree is not None:
        env["TANDEM_BENCH_TREE"] = str(tree)
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), "--measure-json", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    if done.returncode != 0 or not lines:
        where = tree or "this checkout"
        raise RuntimeError(f"{script} on {where} failed ({done.returncode}):\n{done.stdout[-2000:]}\n"
                           f"{done.stderr[-4000:]}")
    return json.loads(lines[-1][len(MARK):])


def both(script: str, args: list[str]) -> tuple[dict | None, dict]:
    """(before, now) for one benchmark; before is None when the tag is not in this checkout."""
    tree = before_tree()
    before = measure_in(script, args, tree) if tree is not None else None
    return before, measure_in(script, args)


def emit(result: dict) -> None:
    """What a `--measure-json` run prints last: the line measure_in reads."""
    print(MARK + json.dumps(result), flush=True)


def write(name: str, text: str) -> None:
    """Print a result table and keep it in bench/results/<name>.md."""
    print(text)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / f"{name}.md").write_text(text + "\n")
