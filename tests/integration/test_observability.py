"""What operators see: CloudWatch embedded metrics from the Lambdas, X-Ray subsegments only when tracing is on,
and a health check that tells a broken dependency from a working one."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

from chalice.test import Client

from app import app
from integration.mailbox import compose, ses_event
from integration.world import build_world
from tandem.dal.memory import drain_events
from tandem.runtime.observability import lambda_scope

ROOT = Path(__file__).resolve().parents[2]


def emitted(out: str) -> dict[tuple[str, tuple], float]:
    """Every metric in the captured EMF documents: (name, dimensions) → value."""
    found: dict[tuple[str, tuple], float] = {}
    for line in out.splitlines():
        if '"_aws"' not in line:
            continue
        doc = json.loads(line)
        (directive,) = doc["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "Tandem"
        dims = tuple(sorted((d, doc[d]) for d in directive["Dimensions"][0] if d != "service"))
        for metric in directive["Metrics"]:
            value = doc[metric["Name"]]
            total = sum(value) if isinstance(value, list) else value
            found[(metric["Name"], dims)] = found.get((metric["Name"], dims), 0) + total
    return found


def test_ingest_counts_mail_by_result_and_rejections_by_reason(container, capsys):
    build_world(container.deps)
    good = compose(sender="dana@club.example", to="support@agency.tandem.local", subject="Metrics", body="Hi")
    stray = compose(sender="dana@club.example", to="nobody@elsewhere.example", subject="Lost", body="Hi")
    container.inbound_blobs().put("inbound/m-1", good, "message/rfc822")
    container.inbound_blobs().put("inbound/m-2", stray, "message/rfc822")
    event = ses_event(good, ["support@agency.tandem.local"], ses_id="m-1")
    event["Records"] += ses_event(stray, ["nobody@elsewhere.example"], ses_id="m-2")["Records"]
    capsys.readouterr()
    with Client(app) as client:
        client.lambda_.invoke("on_ses_receipt", event)
    metrics = emitted(capsys.readouterr().out)
    assert metrics[("MailIngested", (("result", "created"),))] == 1
    assert metrics[("MailRejected", (("reason", "no known recipient address"),))] == 1


def test_the_stream_counts_items_by_channel_and_side_effects(container, capsys):
    build_world(container.deps)
    events = drain_events(container.deps.repos)
    capsys.readouterr()
    from tandem.runtime.handlers import react_to

    with lambda_scope("on_table_change"):
        for event in events:
            react_to(container, event)
    with lambda_scope("on_table_change"):  # the same events again: every mail is skipped, none repeated
        for event in events:
            react_to(container, event)
    metrics = emitted(capsys.readouterr().out)
    assert metrics[("ItemsCreated", (("channel", "web"),))] == 4  # two tickets, delivered twice
    completed, skipped = metrics[("SideEffectsCompleted", ())], metrics[("SideEffectsSkipped", ())]
    sent = len(container.deps.mailer.sent)
    assert completed >= sent > 0 and skipped >= sent  # the second delivery skipped every mail of the first
    assert not [k for k in metrics if k[0] == "SideEffectsRetried"]


CHILD = textwrap.dedent("""
    import sys
    class Context:
        aws_request_id = "r-1"
        def get_remaining_time_in_millis(self):
            return 30000
    from timers import on_tick
    on_tick({"version": "0", "account": "1", "id": "tick", "detail-type": "Scheduled Event", "source": "aws.events",
             "time": "2026-01-01T00:00:00Z",
             "region": "us-east-1", "resources": [], "detail": {}}, Context())
    print("XRAY-IMPORTED", "aws_xray_sdk" in sys.modules)
""")


def _run_tick(**env: str) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LAMBDA_", "_X_AMZN", "AWS_XRAY", "POWERTOOLS_T"))}
    base.update(TANDEM_BACKEND="memory", PYTHONPATH=str(ROOT / "functions"), **env)
    done = subprocess.run(
        [sys.executable, "-c", CHILD], env=base, cwd=ROOT / "functions", capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_tracing_off_outside_lambda_never_imports_the_xray_sdk():
    assert "XRAY-IMPORTED False" in _run_tick()


def test_tracing_on_in_lambda_sends_a_subsegment_per_invocation():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as daemon:  # stands in for the X-Ray daemon
        daemon.bind(("127.0.0.1", 0))
        daemon.settimeout(10)
        out = _run_tick(
            LAMBDA_TASK_ROOT="/var/task",
            AWS_XRAY_DAEMON_ADDRESS=f"127.0.0.1:{daemon.getsockname()[1]}",
            _X_AMZN_TRACE_ID="Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        )
        packet = daemon.recv(65535).decode()
    assert "XRAY-IMPORTED True" in out
    segment = json.loads(packet.splitlines()[1])
    assert segment["name"] == "## on_tick" and segment["annotations"]["ColdStart"] is True


def test_health_answers_503_in_the_error_shape_when_the_table_is_unreachable(monkeypatch):
    from moto import mock_aws

    from integration.conftest import Api
    from tandem.runtime import health, wiring
    from tandem.runtime.settings import read_settings

    monkeypatch.setenv("TANDEM_BACKEND", "dynamodb")
    monkeypatch.setenv("TANDEM_TABLE", "health-test")
    monkeypatch.setenv("TANDEM_ATTACHMENT_BUCKET", "health-attachments")
    with mock_aws():
        import boto3

        from tandem.dal import table

        table.configure("health-test", host=None, region="us-east-1")
        table.create_table()
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="health-attachments")
        c = wiring.build(read_settings())
        wiring.use(c)
        health.forget()
        try:
            with Client(app) as client:
                api = Api(client)
                healthy = api.call("GET", "/v1/health")
                boto3.client("dynamodb", region_name="us-east-1").delete_table(TableName="health-test")
                cached = api.call("GET", "/v1/health")  # within the cache window: the same answer
                health.forget()
                broken = api.call("GET", "/v1/health")
        finally:
            health.forget()
            wiring.use(None)
    assert healthy.status_code == 200 and healthy.data["checks"] == {"table": "ok", "attachments": "ok"}
    assert cached.status_code == 200
    assert broken.status_code == 503
    assert broken.data["error"]["code"] == "unavailable"
    assert broken.data["error"]["details"]["checks"] == {"table": "unreachable", "attachments": "ok"}
