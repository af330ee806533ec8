"""`chalice package` with the merge template: cfn-lint clean and every resource the product needs is there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tandem import deploy

FUNCTIONS = ("APIHandler", "OnSesReceipt", "OnTableChange", "OnTick", "WebsocketConnect", "WebsocketMessage",
             "WebsocketDisconnect")


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    path = deploy.package(tmp_path_factory.mktemp("package") / "out")
    return path, deploy.load_template(path)


def _of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def _statements(node: Any):
    if isinstance(node, dict):
        if "Statement" in node and isinstance(node["Statement"], list):
            yield from node["Statement"]
        for value in node.values():
            yield from _statements(value)
    elif isinstance(node, list):
        for value in node:
            yield from _statements(value)


def test_template_lints_clean(packaged):
    path, _ = packaged
    assert path.name == "sam.yaml" and (path.parent / "deployment.zip").exists()
    errors, warnings = deploy.lint_report(path)
    for line in warnings:
        print("cfn-lint warning:", line)
    assert errors == []


def test_table_matches_the_model(packaged):
    _, t = packaged
    table = t["Resources"]["Table"]["Properties"]
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert [k["AttributeName"] for k in table["KeySchema"]] == ["pk", "sk"]
    indexes = {i["IndexName"]: [k["AttributeName"] for k in i["KeySchema"]] for i in table["GlobalSecondaryIndexes"]}
    assert indexes == _model_indexes()
    names = {"gsi1", "gsi2", "gsi3", "gsi4", "timers", "created", "priority", "due", "open", "unassigned"}
    assert set(indexes) == names
    defined = {a["AttributeName"] for a in table["AttributeDefinitions"]}
    assert defined == {name for keys in indexes.values() for name in keys} | {"pk", "sk"}
    assert all(i["Projection"] == {"ProjectionType": "ALL"} for i in table["GlobalSecondaryIndexes"])


def _model_indexes() -> dict[str, list[str]]:
    """The table's indexes as the PynamoDB model declares them (what tests and the local stack create)."""
    from tandem.dal.table import Record

    out = {}
    for index in Record._get_schema()["global_secondary_indexes"]:
        keys = sorted(index["key_schema"], key=lambda k: k["KeyType"] != "HASH")
        out[index["index_name"]] = [k["AttributeName"] for k in keys]
    return out


def test_buckets_and_portal_distribution(packaged):
    _, t = packaged
    buckets = _of_type(t, "AWS::S3::Bucket")
    assert {"InboundMailBucket", "AttachmentBucket", "PortalBucket"} <= set(buckets)
    for bucket in buckets.values():
        assert all(bucket["Properties"]["PublicAccessBlockConfiguration"].values())
    (dist,) = _of_type(t, "AWS::CloudFront::Distribution").values()
    config = dist["Properties"]["DistributionConfig"]
    api = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/v1/*"]
    assert len(api) == 1
    origin = next(o for o in config["Origins"] if o["Id"] == api[0]["TargetOriginId"])
    assert origin["OriginPath"] == "/api" and "RestAPI" in str(origin["DomainName"])


def test_static_pages_are_framed_by_nobody_and_the_api_keeps_its_own_headers(packaged):
    from tandem.security.headers import page_csp

    _, t = packaged
    (dist,) = _of_type(t, "AWS::CloudFront::Distribution").values()
    config = dist["Properties"]["DistributionConfig"]
    # Given the policy on the static behaviour
    ref = config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"]
    policy = t["Resources"][ref["Ref"]]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    # Then it is the local stack's CSP with frame-ancestors 'none', plus X-Frame-Options DENY, both enforced
    assert policy["ContentSecurityPolicy"] == {"ContentSecurityPolicy": page_csp(), "Override": True}
    assert "frame-ancestors 'none'" in page_csp()
    assert policy["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    # And the API (which serves the widget's panel with the tenant's frame-ancestors) gets no policy over it
    (api,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/v1/*"]
    assert "ResponseHeadersPolicyId" not in api


def test_ses_receipt_rule_stores_then_invokes(packaged):
    _, t = packaged
    (rule,) = _of_type(t, "AWS::SES::ReceiptRule").values()
    actions = rule["Properties"]["Rule"]["Actions"]
    assert [next(iter(a)) for a in actions] == ["S3Action", "LambdaAction"]
    assert actions[0]["S3Action"]["ObjectKeyPrefix"] == "inbound/"
    assert actions[1]["LambdaAction"]["FunctionArn"] == {"Fn::GetAtt": ["OnSesReceipt", "Arn"]}
    permissions = _of_type(t, "AWS::Lambda::Permission").values()
    assert any(p["Properties"]["Principal"] == "ses.amazonaws.com" for p in permissions)


def test_stream_mapping_and_schedule(packaged):
    _, t = packaged
    events = t["Resources"]["OnTableChange"]["Properties"]["Events"]
    (stream,) = [e["Properties"] for e in events.values() if e["Type"] == "DynamoDB"]
    assert stream["Stream"] == {"Fn::GetAtt": ["Table", "StreamArn"]}
    assert stream["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert "Destination" in stream["DestinationConfig"]["OnFailure"]
    schedules = [e for e in t["Resources"]["OnTick"]["Properties"]["Events"].values() if e["Type"] == "Schedule"]
    assert schedules and schedules[0]["Properties"]["Schedule"] == "rate(1 minute)"


def test_one_least_privilege_role_per_function(packaged):
    _, t = packaged
    roles = _of_type(t, "AWS::IAM::Role")
    assert len(roles) == 7
    used = {t["Resources"][f]["Properties"]["Role"]["Fn::GetAtt"][0] for f in FUNCTIONS}
    assert used == set(roles)
    for name, resource in t["Resources"].items():
        for statement in _statements(resource.get("Properties", {})):
            actions = statement.get("Action", [])
            actions = [actions] if isinstance(actions, str) else actions
            if statement.get("Effect") == "Allow":
                assert "*" not in actions and not any(a.endswith(":*") for a in actions), (name, statement)


def test_every_function_gets_the_settings(packaged):
    _, t = packaged
    for name in FUNCTIONS:
        env = t["Resources"][name]["Properties"]["Environment"]["Variables"]
        assert env["TANDEM_TABLE"] == {"Ref": "Table"}
        for key in (
            "TANDEM_INBOUND_BUCKET",
            "TANDEM_ATTACHMENT_BUCKET",
            "TANDEM_MAIL_DOMAIN",
            "TANDEM_PORTAL_URL",
            "TANDEM_TOKEN_SECRET",
            "TANDEM_STREAM_ARN",
        ):
            assert key in env, (name, key)


def test_alarms_watch_the_dead_letters_and_every_function(packaged):
    _, t = packaged
    alarms = _of_type(t, "AWS::CloudWatch::Alarm")
    watched = {
        (a["Properties"]["Namespace"], a["Properties"]["MetricName"], json.dumps(a["Properties"]["Dimensions"]))
        for a in alarms.values()
    }
    queue = [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["RulesDeadLetterQueue", "QueueName"]}}]
    assert ("AWS/SQS", "ApproximateNumberOfMessagesVisible", json.dumps(queue)) in watched
    for function in FUNCTIONS:
        dims = json.dumps([{"Name": "FunctionName", "Value": {"Ref": function}}])
        assert ("AWS/Lambda", "Errors", dims) in watched and ("AWS/Lambda", "Throttles", dims) in watched
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        assert alarm["Properties"]["Threshold"] == 0 or alarm["Properties"]["MetricName"] == "IteratorAge"


def test_the_chat_socket_is_a_websocket_api_on_the_portals_origin(packaged):
    _, t = packaged
    # Given the packaged template: the WebSocket API Chalice emits for the chat_socket blueprint
    (api,) = _of_type(t, "AWS::ApiGatewayV2::Api").values()
    assert api["Properties"]["ProtocolType"] == "WEBSOCKET"
    routes = {r["Properties"]["RouteKey"]: r["Properties"]["Target"] for r in _of_type(t, "AWS::ApiGatewayV2::Route")
              .values()}
    assert set(routes) == {"$connect", "$default", "$disconnect"}
    integrations = _of_type(t, "AWS::ApiGatewayV2::Integration")
    handlers = {"$connect": "WebsocketConnect", "$default": "WebsocketMessage", "$disconnect": "WebsocketDisconnect"}
    for key, function in handlers.items():
        (integration,) = [name for name in integrations if name in str(routes[key])]
        assert function in str(integrations[integration]["Properties"]["IntegrationUri"])
        assert t["Resources"][function]["Properties"]["Handler"].startswith("chat_socket.")
    permissions = [p["Properties"] for p in _of_type(t, "AWS::Lambda::Permission").values()]
    assert {p["FunctionName"]["Ref"] for p in permissions if "WebsocketAPI" in str(p.get("SourceArn"))} == set(
        handlers.values())
    (stage,) = _of_type(t, "AWS::ApiGatewayV2::Stage").values()
    assert stage["Properties"]["StageName"] == "api"
    # And the socket is reached on the portal's origin at /v1/ws, before the API's /v1/* behaviour
    (dist,) = _of_type(t, "AWS::CloudFront::Distribution").values()
    config = dist["Properties"]["DistributionConfig"]
    patterns = [b["PathPattern"] for b in config["CacheBehaviors"]]
    assert patterns.index("/v1/ws") < patterns.index("/v1/*")
    socket = config["CacheBehaviors"][patterns.index("/v1/ws")]
    origin = next(o for o in config["Origins"] if o["Id"] == socket["TargetOriginId"])
    assert "WebsocketAPI" in str(origin["DomainName"]) and origin["OriginPath"] == "/api"
    # And whoever pushes (the socket's message Lambda, the REST API, the timers) may post to connections, and knows
    # where; nobody else may
    pushers = {"WebsocketMessage", "APIHandler", "OnTick"}
    for function in FUNCTIONS:
        role = t["Resources"][t["Resources"][function]["Properties"]["Role"]["Fn::GetAtt"][0]]
        actions = {a for s in _statements(role["Properties"]) for a in s["Action"]}
        assert ("execute-api:ManageConnections" in actions) == (function in pushers), function
        env = t["Resources"][function]["Properties"]["Environment"]["Variables"]
        assert ("TANDEM_WS_ENDPOINT" in env) == (function in pushers | set(handlers.values())), function
