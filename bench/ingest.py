"""Mail ingestion throughput and AWS requests per message, on the same files as the django-helpdesk peer.

Usage: python bench/ingest.py [--mails /tmp/peer/mails] [--peer /tmp/peer/results.json]
Runs every message through the `on_ses_receipt` handler code twice: on PynamoDB repos against moto
(end to end, raw mail read from S3) and on in-memory repos (pure processing). Stream work (rules, mail)
is not part of ingestion and is not counted. Both runs happen on the code before issue 16 and on this checkout
(bench/side_by_side.py), each in a fresh interpreter.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import side_by_side
from bench_env import prepare

ROOT = prepare("tests", TANDEM_TABLE="tandem-ingest", TANDEM_LOG_LEVEL="ERROR", TANDEM_INBOUND_BUCKET="bench-inbound",
               TANDEM_ATTACHMENT_BUCKET="bench-attachments")

from counting import counting  # noqa: E402

ADDRESS = "support@bench.tandem.local"


def _event(ses_id: str) -> dict:
    return {"Records": [{"eventSource": "aws:ses", "ses": {
        "mail": {"messageId": ses_id, "destination": [ADDRESS]},
        "receipt": {"recipients": [ADDRESS], "spamVerdict": {"status": "PASS"}, "virusVerdict": {"status": "PASS"},
                    "spfVerdict": {"status": "PASS"}, "dkimVerdict": {"status": "PASS"},
                    "dmarcVerdict": {"status": "PASS"}}}}]}


def _tenant(container) -> None:
    from tandem.services.sign_up import sign_up

    sign_up(container.deps, organization="Bench", slug="bench", email="admin@bench.example", name="Admin",
            password="benchmark password")


def run(backend: str, mails: list[Path], fast_moto: bool = False) -> dict:
    """Ingest every mail once; returns rate, failures, outcomes and requests per message."""
    from moto import mock_aws

    os.environ["TANDEM_BACKEND"] = backend
    if fast_moto:
        from tandem.local import moto_speedups

        moto_speedups.install()
    with mock_aws():
        import boto3

        from tandem.runtime import wiring
        from tandem.runtime.settings import read_settings

        if backend == "dynamodb":
            from tandem.dal import table

            table.configure("tandem-ingest", host=None, region="us-east-1")
            table.create_table()
            for bucket in ("bench-inbound", "bench-attachments"):
                boto3.client("s3").create_bucket(Bucket=bucket)
        c = wiring.build(read_settings(), password_costs={"time_cost": 1, "memory_cost": 1024, "parallelism": 1})
        _tenant(c)
        for i, path in enumerate(mails):
            c.inbound_blobs().put(f"inbound/bench-{i}", path.read_bytes(), "message/rfc822")
        outcomes, failures, elapsed, first = {}, 0, [], None
        with counting() as tally:
            for i, _ in enumerate(mails):
                if i == 1:  # what the cold Lambda's first mail cost; the rest is the warm Lambda's
                    first = dict(tally.requests)
                started = time.perf_counter()
                try:
                    for o in c.ingest_ses_event(_event(f"bench-{i}"))["outcomes"]:
                        outcomes[o["result"]] = outcomes.get(o["result"], 0) + 1
                except Exception as exc:  # counted, never hidden
                    failures += 1
                    print(f"  failure on {mails[i].name}: {exc!r}", file=sys.stderr)
                elapsed.append(time.perf_counter() - started)
        total = sum(elapsed)
        return {"backend": backend, "messages": len(mails), "seconds": round(total, 2),
                "per_second": round(len(mails) / total, 1), "median_ms": round(statistics.median(elapsed) * 1000, 2),
                "failures": failures, "outcomes": outcomes,
                "requests_per_message": {op: round(n / len(mails), 2) for op, n in sorted(tally.requests.items())},
                "first_mail_requests": sum((first or {}).values()),
                "warm_requests_beyond_attachments": round(
                    (_beyond_attachments(tally.requests) - _beyond_attachments(first or {})) / max(len(mails) - 1, 1),
                    2)}


def _beyond_attachments(requests: dict[str, int]) -> int:
    """Requests other than the one PutObject each stored attachment costs."""
    return sum(n for op, n in requests.items() if op != "PutObject")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mails", default="/tmp/peer/mails")
    parser.add_argument("--peer", default="/tmp/peer/results.json")
    parser.add_argument("--moto-as-shipped", action="store_true",
                        help="also run with moto's own transactions (they copy every table: minutes, not seconds)")
    parser.add_argument("--measure-json", action="store_true", help="measure this code only (side_by_side runs it)")
    args = parser.parse_args()
    mails = sorted(p for p in Path(args.mails).glob("*") if p.is_file())
    if not mails:
        sys.exit(f"no mails in {args.mails}: run ../shared/peers/bench_django_helpdesk.py --n 300 first")
    if args.measure_json:
        ours = [run("dynamodb", mails, fast_moto=True), run("memory", mails)]
        if args.moto_as_shipped:
            ours.insert(1, run("dynamodb", mails))
        side_by_side.emit({"ours": ours})
        return
    shipped = ["--moto-as-shipped"] if args.moto_as_shipped else []
    before, now = side_by_side.both("ingest.py", [f"--mails={args.mails}", *shipped])
    peer = json.loads(Path(args.peer).read_text()) if Path(args.peer).exists() else None
    side_by_side.write("ingest", table(before, now, peer, len(mails)))
    (ROOT / "bench" / "results" / "ingest.json").write_text(json.dumps({"before": before, "now": now, "peer": peer},
                                                                       indent=1))


NAMES = {"dynamodb": "PynamoDB on moto, end to end", "memory": "in-memory repos, pure processing"}
# The targets: ratios to the peer by backend, and DynamoDB requests per mail beyond its stored attachments.
RATIO_TARGETS = {"dynamodb": 2.0, "memory": 10.0}
REQUEST_TARGET = 2.0


def table(before: dict | None, now: dict, peer: dict | None, n: int) -> str:
    lines = ["| system | messages | msgs/s | failures | requests per message | requests beyond attachments |",
             "|---|---|---|---|---|---|"]
    for label, side in (("before", before), ("now", now)):
        for r in (side or {}).get("ours", []):
            reqs = r["requests_per_message"]
            shown = ", ".join(f"{k} {v}" for k, v in reqs.items()) or "none (in memory)"
            beyond = round(sum(v for k, v in reqs.items() if k != "PutObject"), 2)
            lines.append(f"| Tandem {label} ({NAMES[r['backend']]}) | {r['messages']} | {r['per_second']} | "
                         f"{r['failures']} | {shown} | {beyond if reqs else '-'} |")
    if peer:
        errors = peer["runs"][0].get("errors") if peer.get("runs") else "?"
        errors = len(errors) if isinstance(errors, list) else errors
        lines.append(f"| django-helpdesk 2.6.1 (peer, SQLite) | {n} | {peer['median_msgs_per_s']:.1f} | "
                     f"{errors} (queue aborts) | {peer.get('queries_per_msg')} SQL queries | - |")
    lines.append("")
    for label, side in (("before", before), ("now", now)):
        for r in (side or {}).get("ours", []):
            if peer and r["backend"] in RATIO_TARGETS:
                ratio, want = r["per_second"] / peer["median_msgs_per_s"], RATIO_TARGETS[r["backend"]]
                verdict = f" (target >= {want:g}x: {'holds' if ratio >= want else 'MISSED'})" if label == "now" else ""
                lines.append(f"Ratio Tandem {label} ({r['backend']}) / peer: {ratio:.2f}x{verdict}  ")
    moto = [r for r in now["ours"] if r["backend"] == "dynamodb"][0]
    beyond = sum(v for k, v in moto["requests_per_message"].items() if k != "PutObject")
    warm = moto.get("warm_requests_beyond_attachments", beyond)
    lines.append(f"Requests per mail now, beyond one PutObject per stored attachment: {beyond:.2f} over all "
                 f"{moto['messages']} mails, {warm:.2f} for the warm Lambda's mails 2-{moto['messages']} "
                 f"(the cold first mail: {moto.get('first_mail_requests')} requests, attachments included; "
                 f"target <= {REQUEST_TARGET:g} warm: {'holds' if warm <= REQUEST_TARGET else 'MISSED'})")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
