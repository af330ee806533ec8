"""Microsoft Project import: DynamoDB requests per task and wall time, first import and re-import.

Runs the real API (`POST /v1/imports/msproject`, chalice.test.Client) on PynamoDB repos against moto in-process.
Plans are generated: N tasks in groups of 10 under summary tasks of 5 phases (3 outline levels), each leaf after
the one before it (a chain as long as its group) and every 7th after a task of the previous phase. Counts are the
same on any machine; times are this machine's, with moto in the same process. Usage: python bench/msproject.py
[--sizes 60,170,555]
"""
from __future__ import annotations

import argparse
import time

from bench_env import prepare

ROOT = prepare(TANDEM_TABLE="tandem-bench", TANDEM_LOG_LEVEL="WARNING")

from counting import call, counting, on_moto_api  # noqa: E402

NS = "http://schemas.microsoft.com/project"


def plan(n: int) -> str:
    """A plan of about `n` tasks: phases (level 1) > groups (level 2) > leaves (level 3)."""
    tasks, uid, previous_phase_leaf = [], 0, None
    for phase in range(5):
        uid += 1
        tasks.append(_task(uid, f"Phase {phase + 1}", 1, summary=True))
        last_leaf = None
        for group in range(max(1, n // 55)):
            uid += 1
            tasks.append(_task(uid, f"Group {phase + 1}.{group + 1}", 2, summary=True))
            before = None
            for leaf in range(10):
                uid += 1
                preds = [p for p in (before, previous_phase_leaf if leaf % 7 == 0 else None) if p]
                tasks.append(_task(uid, f"Work {uid}", 3, preds=preds))
                before = last_leaf = uid
        previous_phase_leaf = last_leaf
    return f'<Project xmlns="{NS}"><Title>Bench</Title><Tasks>{"".join(tasks)}</Tasks></Project>'


def _task(uid: int, name: str, level: int, summary: bool = False, preds: list[int] | None = None) -> str:
    links = "".join(f"<PredecessorLink><PredecessorUID>{p}</PredecessorUID><Type>1</Type></PredecessorLink>"
                    for p in preds or [])
    return (f"<Task><UID>{uid}</UID><Name>{name}</Name><OutlineLevel>{level}</OutlineLevel>"
            f"<Start>2026-03-02T08:00:00</Start><Finish>2026-03-04T17:00:00</Finish><Duration>PT24H0M0S</Duration>"
            f"<Summary>{int(summary)}</Summary>{links}</Task>")


def _measure_with(client, container, sizes: list[int]) -> list[tuple]:
    from tandem.local import moto_speedups
    from tandem.services.sign_up import sign_up

    moto_speedups.install()  # moto would copy the whole table per transaction item: the emulator's cost, not ours
    up = sign_up(container.deps, organization="Bench", slug="bench", email="admin@bench.example", name="Admin",
                 password="benchmark password")
    rows = []
    for size in sizes:
        project = call(client, "POST", "/v1/projects", up.token, {"name": f"Plan of {size}"})
        body = {"project_id": project["id"], "xml": plan(size)}
        for run in ("first import", "re-import"):
            started = time.perf_counter()
            with counting() as tally:
                answer = call(client, "POST", "/v1/imports/msproject", up.token, body)
            elapsed = time.perf_counter() - started
            rows.append((answer["tasks"], run, answer["created"], sum(tally.requests.values()),
                         tally.items_written, elapsed, tally.summary()))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="60,170,555", help="plan sizes (tasks, about)")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    rows = on_moto_api("tandem-bench", _measure_with, sizes)
    print("| tasks | run | created | requests | per task | items written | seconds | requests by operation |")
    print("|---|---|---|---|---|---|---|---|")
    for tasks, run, created, requests, written, seconds, summary in rows:
        print(f"| {tasks} | {run} | {created} | {requests} | {requests / tasks:.2f} | {written} | {seconds:.2f} "
              f"| {summary} |")


if __name__ == "__main__":
    main()
