"""Cold start of each Lambda of the Chalice app against a bare boto3 baseline.

Usage: python bench/cold_start.py [--runs 7]
The whole measurement runs twice, on the code before issue 16 and on this checkout (bench/side_by_side.py).
Every run is a fresh interpreter. The clock starts (time.perf_counter) right before `import app` and stops
when the first invocation returns; interpreter start-up itself is not counted. The baseline is the same
measurement around `import boto3`, one DynamoDB client and one GetItem. All AWS calls go to a moto server
started here (the table made by tandem.dal.table). The result is printed and written to
bench/results/cold_start.md.

Column "app.py": what the brief measures (import functions/app.py, then call the handler). Column "handler
module": what Lambda really imports for that function (Chalice points blueprint Lambdas at the blueprint
module, e.g. `ingest_email.on_ses_receipt`, so app.py is not imported there; the API's handler is `app.app`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap

import side_by_side
from bench_env import code_root, prepare

ROOT = prepare()
CODE = code_root()  # the checkout measured (bench_env: this one, or the tree before issue 16)
TABLE = "tandem-coldstart"
STREAM_ARN = f"arn:aws:dynamodb:us-east-1:123456789012:table/{TABLE}/stream/2026-01-01T00:00:00.000"

CONTEXT = textwrap.dedent("""
    class Context:
        function_name = "bench"
        function_version = "$LATEST"
        invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
        memory_limit_in_mb = 512
        aws_request_id = "00000000-0000-0000-0000-000000000001"
        log_group_name = "/aws/lambda/bench"
        log_stream_name = "bench"

        def get_remaining_time_in_millis(self):
            return 30000
""")

EVENTS = {
    "api_handler": {
        "resource": "/v1/health", "path": "/v1/health", "httpMethod": "GET",
        "headers": {"Host": "bench.example", "Accept": "application/json"}, "multiValueHeaders": {},
        "queryStringParameters": None, "multiValueQueryStringParameters": None, "pathParameters": None,
        "stageVariables": None, "body": None, "isBase64Encoded": False,
        "requestContext": {"resourcePath": "/v1/health", "httpMethod": "GET", "path": "/api/v1/health",
                           "stage": "api", "requestId": "bench-request", "identity": {"sourceIp": "127.0.0.1"},
                           "accountId": "123456789012", "apiId": "bench"},
    },
    "on_ses_receipt": {"Records": [{"eventSource": "aws:ses", "eventVersion": "1.0", "ses": {
        "mail": {"messageId": "missing-raw-object", "source": "a@example.com",
                 "destination": ["support@bench.tandem.local"], "timestamp": "2026-01-01T00:00:00.000Z",
                 "headers": [], "commonHeaders": {}},
        "receipt": {"recipients": ["support@bench.tandem.local"], "spamVerdict": {"status": "PASS"},
                    "virusVerdict": {"status": "PASS"}, "spfVerdict": {"status": "PASS"},
                    "dkimVerdict": {"status": "PASS"}, "dmarcVerdict": {"status": "PASS"},
                    "action": {"type": "Lambda", "invocationType": "Event"}}}}]},
    "on_table_change": {"Records": [{
        "eventID": "1", "eventName": "INSERT", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1", "eventSourceARN": STREAM_ARN,
        "dynamodb": {"ApproximateCreationDateTime": 1767225600, "Keys": {"pk": {"S": "BENCH"}, "sk": {"S": "X"}},
                     "NewImage": {"pk": {"S": "BENCH"}, "sk": {"S": "X"}, "kind": {"S": "bench"}},
                     "SequenceNumber": "100", "SizeBytes": 40, "StreamViewType": "NEW_AND_OLD_IMAGES"}}]},
    "on_tick": {"version": "0", "id": "bench", "detail-type": "Scheduled Event", "source": "aws.events",
                "account": "123456789012", "time": "2026-01-01T00:00:00Z", "region": "us-east-1",
                "resources": ["arn:aws:events:us-east-1:123456789012:rule/bench"], "detail": {}},
}

# The API again, as a user's first request meets it: a signed-in agent's item list (the token is added in main).
EVENTS["api_handler: GET /v1/items"] = json.loads(
    json.dumps(EVENTS["api_handler"]).replace("/v1/health", "/v1/items").replace("/api/v1/items", "/api/v1/items"))

# function -> (module Lambda imports for it, attribute), as `chalice package` writes the handlers
HANDLERS = {
    "api_handler": ("app", "app"),
    "api_handler: GET /v1/items": ("app", "app"),
    "on_ses_receipt": ("ingest_email", "on_ses_receipt"),
    "on_table_change": ("rules", "on_table_change"),
    "on_tick": ("timers", "on_tick"),
}


def _child_code(function: str, via_app: bool) -> str:
    module, attr = HANDLERS[function]
    first = "import app; " if via_app else ""
    return CONTEXT + textwrap.dedent(f"""
        import importlib, json, sys, time
        event = json.loads(sys.argv[1])
        t0 = time.perf_counter()
        {first}handler = getattr(importlib.import_module({module!r}), {attr!r})
        try:
            result = handler(event, Context())
            outcome = "ok"
            if isinstance(result, dict) and "statusCode" in result:
                outcome = "HTTP %s" % result["statusCode"]
            elif isinstance(result, dict) and "batchItemFailures" in result:
                outcome = "%d failed records" % len(result["batchItemFailures"])
        except Exception as exc:  # the SES event's raw object is missing on purpose
            outcome = type(exc).__name__
        elapsed = (time.perf_counter() - t0) * 1000
        print("\\nCOLDSTART " + json.dumps({{"ms": elapsed, "outcome": outcome}}))
    """)


BASELINE = textwrap.dedent(f"""
    import json, os, time
    t0 = time.perf_counter()
    import boto3
    client = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=os.environ["TANDEM_AWS_ENDPOINT"])
    client.get_item(TableName={TABLE!r}, Key={{"pk": {{"S": "BENCH"}}, "sk": {{"S": "X"}}}})
    elapsed = (time.perf_counter() - t0) * 1000
    print("\\nCOLDSTART " + json.dumps({{"ms": elapsed, "outcome": "ok"}}))
""")


def _environment(endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TANDEM_", "POWERTOOLS_"))}
    env.update(
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1",
        AWS_REGION="us-east-1", AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled", AWS_LAMBDA_FUNCTION_NAME="bench",
        TANDEM_AWS_ENDPOINT=endpoint, TANDEM_TABLE=TABLE, TANDEM_STREAM_ARN=STREAM_ARN,
        TANDEM_INBOUND_BUCKET="bench-inbound", TANDEM_ATTACHMENT_BUCKET="bench-attachments",
        TANDEM_MAIL_DOMAIN="tandem.local", TANDEM_LOG_LEVEL="ERROR", POWERTOOLS_SERVICE_NAME="tandem",
        POWERTOOLS_METRICS_NAMESPACE="Tandem", PYTHONPATH=os.pathsep.join(
            [str(CODE / "functions" / "vendor"), str(CODE / "functions")] + ([str(CODE / "src")] * (CODE != ROOT))),
        PYTHONDONTWRITEBYTECODE="",
    )
    return env


def _run_once(code: str, env: dict[str, str], event: dict | None = None) -> dict:
    args = [sys.executable, "-c", code] + ([json.dumps(event)] if event is not None else [])
    done = subprocess.run(args, cwd=CODE / "functions", env=env, capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("COLDSTART ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"cold start run failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return json.loads(lines[-1][len("COLDSTART "):])


def _start_moto() -> tuple[object, str]:
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1",
                      AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled")
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    import boto3

    from tandem.dal import table

    table.configure(TABLE, host=endpoint, region="us-east-1")
    table.create_table(wait=True)
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint)
    for bucket in ("bench-inbound", "bench-attachments"):
        s3.create_bucket(Bucket=bucket)
    boto3.client("ses", region_name="us-east-1", endpoint_url=endpoint).verify_domain_identity(Domain="tandem.local")
    return server, endpoint


def _signed_in(endpoint: str) -> str:
    """A tenant in the moto table and its admin's bearer token (what the GET /v1/items row sends)."""
    os.environ.update({k: v for k, v in _environment(endpoint).items() if k.startswith(("TANDEM_", "AWS_"))},
                      TANDEM_BACKEND="dynamodb")
    from tandem.runtime import wiring
    from tandem.runtime.settings import read_settings
    from tandem.services.authenticate import issue_token
    from tandem.services.sign_up import sign_up

    deps = wiring.build(read_settings(), password_costs={"time_cost": 1, "memory_cost": 1024, "parallelism": 1}).deps
    made = sign_up(deps, organization="Bench", slug="bench", email="admin@bench.example", name="Admin",
                   password="benchmark password")
    return issue_token(deps, made.user)


def measure(runs: int) -> dict:
    """Median ms per function (via app.py and via its handler module), the baseline's, and each first call's outcome."""
    server, endpoint = _start_moto()
    try:
        env = _environment(endpoint)
        token = _signed_in(endpoint)
        EVENTS["api_handler: GET /v1/items"]["headers"]["Authorization"] = f"Bearer {token}"
        _run_once(BASELINE, env)  # warm the OS file cache and .pyc files once, outside the measurement
        for function, event in EVENTS.items():
            _run_once(_child_code(function, True), env, event)
        # Interleave the baseline with every function in each round, so drift in machine load hits all alike.
        samples: dict[str, list[float]] = {"baseline": []}
        outcomes: dict[str, str] = {}
        for _ in range(runs):
            samples["baseline"].append(_run_once(BASELINE, env)["ms"])
            for function, event in EVENTS.items():
                via_app = _run_once(_child_code(function, True), env, event)
                samples.setdefault(function, []).append(via_app["ms"])
                samples.setdefault(function + ":direct", []).append(
                    _run_once(_child_code(function, False), env, event)["ms"])
                outcomes[function] = via_app["outcome"]
    finally:
        server.stop()
    return {"baseline": statistics.median(samples["baseline"]),
            "rows": {f: {"app": statistics.median(samples[f]), "direct": statistics.median(samples[f + ":direct"]),
                         "outcome": outcomes[f]} for f in EVENTS}}


TARGET = 1.2  # the issue's bound on first invocation / baseline


def table(before: dict | None, now: dict, runs: int) -> str:
    lines = [
        f"Cold start, median of {runs} fresh interpreters (ms from `import app` to the first invocation's return; "
        f"moto server; Python {sys.version.split()[0]}). Each ratio is to the baseline measured in the same rounds.",
        "",
        "| function | before: ms (app.py) | ratio | before: ms (handler module) | ratio | now: ms (app.py) | ratio | "
        "now: ms (handler module) | ratio | first call now | target <= 1.2x |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]

    def cells(run: dict | None, f: str) -> str:
        if run is None:
            return "not measured | | | "
        if f == "baseline":
            return f"{run['baseline']:.0f} | 1.00 | {run['baseline']:.0f} | 1.00"
        r, base = run["rows"][f], run["baseline"]
        return f"{r['app']:.0f} | {r['app'] / base:.2f} | {r['direct']:.0f} | {r['direct'] / base:.2f}"

    lines.append(f"| baseline (import boto3, client, GetItem) | {cells(before, 'baseline')} | {cells(now, 'baseline')} "
                 "| ok | |")
    for f in EVENTS:
        r = now["rows"][f]
        worst = max(r["app"], r["direct"]) / now["baseline"]
        lines.append(f"| {f} | {cells(before, f)} | {cells(now, f)} | {r['outcome']} | "
                     f"{'holds' if worst <= TARGET else 'MISSED'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--measure-json", action="store_true", help="measure this code only (side_by_side runs it)")
    args = parser.parse_args(argv)
    if args.measure_json:
        side_by_side.emit(measure(args.runs))
        return 0
    before, now = side_by_side.both("cold_start.py", [f"--runs={args.runs}"])
    side_by_side.write("cold_start", table(before, now, args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
