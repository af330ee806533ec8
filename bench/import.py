"""CSV import: rows per second and DynamoDB requests per row on the local stack, and memory per batch.

Usage: python bench/import.py [--rows 10000] [--memory-rows 50000] [--batch 500]

1. 10,000 item rows through the import use case in batches of 500, as `tandem import` sends them, on PynamoDB
   repos against the local stack's moto server (one request at a time, with the transaction speed-up): rows/s and
   DynamoDB requests per row by operation (botocore counts), then the same file again (every row skipped).
2. 50,000 item rows streamed from a file on disk through the CLI's batching on the memory backend, with tracemalloc:
   the peak memory each batch adds while it runs, against the file's size — no batch holds the file.
Stream work (rules, search index, mail) is not part of an import and is not counted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "bench"), str(ROOT / "src")]
os.environ.update(TANDEM_LOG_LEVEL="ERROR", POWERTOOLS_METRICS_NAMESPACE="Tandem")

from counting import counting  # noqa: E402

HEADER = ["Ticket #", "Subject", "Description", "Requester e-mail", "Priority", "Due", "Assignee", "Project", "Tags"]
DOMAINS = [f"client{n}.example" for n in range(40)] + ["gmail.com", "outlook.com"]


def row(n: int) -> list[str]:
    """A realistic export row: 400 requesters over 42 domains, a third of rows assigned, some in a project."""
    requester = f"person{n % 400}@{DOMAINS[n % 400 % len(DOMAINS)]}"
    return [f"ZD-{n}", f"Imported request {n}: printer on floor {n % 9} jams", f"Reported by phone, ticket {n}.\n"
            "Second line of the description.", requester, ["low", "normal", "high", "urgent"][n % 4],
            f"2026-{n % 12 + 1:02d}-{n % 28 + 1:02d}", ["ann@bench.example", "", "bo@bench.example"][n % 3],
            ["Helpdesk", "", "Rollout"][n % 3], "imported, legacy" if n % 5 == 0 else ""]


def write_file(path: Path, rows: int) -> int:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for n in range(1, rows + 1):
            w.writerow(row(n))
    return path.stat().st_size


def tenant(deps) -> object:
    """The bench tenant with two agents and two projects; its admin's principal."""
    from tandem.domain.permissions import Principal
    from tandem.services import manage_people, manage_projects
    from tandem.services.sign_up import sign_up

    made = sign_up(deps, organization="Bench", slug="bench", email="admin@bench.example", name="Admin",
                   password="benchmark password")
    admin = Principal(made.tenant.id, made.user.id, made.user.role)
    for email in ("ann@bench.example", "bo@bench.example"):
        manage_people.create_user(deps, admin, email=email, name=email.split("@")[0].title())
    for name in ("Helpdesk", "Rollout"):
        manage_projects.create_project(deps, admin, name=name)
    return admin


def import_file(deps, admin, path: Path, batch: int, on_batch=None) -> dict:
    """The CLI's own streaming and batching (tandem.cli_import), without its output."""
    from tandem.cli_import import Totals, batches, mapping_for
    from tandem.domain.imports import iter_rows
    from tandem.services.imports import run_import

    totals, first = Totals(), 1
    with path.open(newline="", encoding="utf-8-sig") as f:
        rows = iter_rows(f)
        header = next(rows)
        mapping = mapping_for("items", header, ["Ticket #=key"])
        for text, count in batches(header, rows, batch):
            if on_batch:
                on_batch("start")
            totals.add(run_import(deps, admin, "items", text, mapping, False, first_row=first))
            if on_batch:
                on_batch("end")
            first += count
    return {"rows": totals.rows, "created": totals.created, "skipped": totals.skipped, "errors": len(totals.errors)}


def on_local_stack(rows: int, batch: int, workdir: Path) -> dict:
    import logging

    from tandem.local.moto_server import start_moto

    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    stack = start_moto("bench-import")
    os.environ["TANDEM_BACKEND"] = "dynamodb"
    os.environ["TANDEM_TABLE"] = "bench-import"
    try:
        from tandem.runtime.settings import read_settings
        from tandem.runtime.wiring import build

        deps = build(read_settings(), password_costs={"time_cost": 1, "memory_cost": 1024, "parallelism": 1}).deps
        admin = tenant(deps)
        path = workdir / "items-10k.csv"
        write_file(path, rows)
        out = {}
        for run in ("first", "again"):
            with counting() as tally:
                started = time.perf_counter()
                totals = import_file(deps, admin, path, batch)
                seconds = time.perf_counter() - started
            out[run] = {**totals, "seconds": round(seconds, 1), "rows_per_s": round(rows / seconds, 1),
                        "requests_per_row": {op: round(n / rows, 3) for op, n in sorted(tally.requests.items())},
                        "total_per_row": round(sum(tally.requests.values()) / rows, 2)}
            print(run, json.dumps(out[run]), flush=True)
        return out
    finally:
        stack.stop()


def memory_per_batch(rows: int, batch: int, workdir: Path) -> dict:
    os.environ["TANDEM_BACKEND"] = "memory"
    from tandem.runtime.settings import read_settings
    from tandem.runtime.wiring import build

    deps = build(read_settings(), password_costs={"time_cost": 1, "memory_cost": 1024, "parallelism": 1}).deps
    admin = tenant(deps)
    path = workdir / "items-50k.csv"
    size = write_file(path, rows)
    peaks: list[int] = []
    kept: list[int] = []
    mark = [0]

    def on_batch(when: str) -> None:
        current, peak = tracemalloc.get_traced_memory()
        if when == "start":
            tracemalloc.reset_peak()
            mark[0] = current
        else:  # the peak above the batch's start, and what stayed (the memory backend is the database here)
            peaks.append(peak - mark[0])
            kept.append(current - mark[0])

    tracemalloc.start()
    started = time.perf_counter()
    totals = import_file(deps, admin, path, batch, on_batch)
    seconds = time.perf_counter() - started
    tracemalloc.stop()
    out = {**totals, "file_bytes": size, "batches": len(peaks), "peak_batch_bytes_max": max(peaks),
           "peak_batch_bytes_median": median(peaks), "peak_first_10_median": median(peaks[:10]),
           "peak_last_10_median": median(peaks[-10:]), "kept_batch_bytes_median": median(kept),
           "transient_batch_bytes_median": median([p - k for p, k in zip(peaks, kept, strict=True)]),
           "transient_batch_bytes_max": max(p - k for p, k in zip(peaks, kept, strict=True)),
           "seconds": round(seconds, 1)}
    print("memory", json.dumps(out), flush=True)
    return out


def median(values: list[int]) -> int:
    return sorted(values)[len(values) // 2]


def table(stack: dict, memory: dict, batch: int) -> str:
    mb = 1024 * 1024
    lines = ["| run | rows | created | skipped | rows/s | DynamoDB requests per row |", "|---|---|---|---|---|---|"]
    for run, r in stack.items():
        per = ", ".join(f"{op} {n}" for op, n in r["requests_per_row"].items())
        lines.append(f"| {run} | {r['rows']} | {r['created']} | {r['skipped']} | {r['rows_per_s']} | "
                     f"{per} (total {r['total_per_row']}) |")
    m = {k: v / mb for k, v in memory.items() if "bytes" in k or k.startswith("peak_")}
    lines += ["", f"Memory (memory backend, tracemalloc, batches of {batch}): {memory['rows']} rows, file "
              f"{m['file_bytes']:.1f} MB, {memory['batches']} batches. Peak above each batch's start: median "
              f"{m['peak_batch_bytes_median']:.1f} MB (first ten batches {m['peak_first_10_median']:.1f} MB, last ten "
              f"{m['peak_last_10_median']:.1f} MB), largest {m['peak_batch_bytes_max']:.1f} MB; of which kept per "
              f"batch (the in-memory table's new records and stream events): median "
              f"{m['kept_batch_bytes_median']:.1f} MB; the import's own working memory (peak − kept): median "
              f"{m['transient_batch_bytes_median']:.1f} MB, largest {m['transient_batch_bytes_max']:.1f} MB."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--memory-rows", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--memory-only", action="store_true", help="run part 2 only (part 1 from the last results)")
    args = parser.parse_args(argv)
    results = ROOT / "bench" / "results"
    with tempfile.TemporaryDirectory() as tmp:
        if args.memory_only:  # keep the stack figures of the last full run
            stack = json.loads((results / "import.json").read_text())["stack"]
        else:
            stack = on_local_stack(args.rows, args.batch, Path(tmp))
        memory = memory_per_batch(args.memory_rows, args.batch, Path(tmp))
    text = table(stack, memory, args.batch)
    print(text)
    results.mkdir(exist_ok=True)
    (results / "import.md").write_text(text)
    (results / "import.json").write_text(json.dumps({"stack": stack, "memory": memory}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
