"""The local stack's emulated AWS answers only this run's signed requests: nobody else on the machine (nor a
page in a browser) can list the tenants' raw inbound mail through moto's port or the local origin's S3 proxy."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from tandem.local import moto_server
from tandem.local.blobs import local_url


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def s3_client(endpoint: str, key: str, secret: str):
    import boto3
    import botocore.config

    return boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=botocore.config.Config(signature_version="s3v4", retries={"total_max_attempts": 1}),
    )


@pytest.fixture(scope="module")
def stack():
    with pytest.MonkeyPatch.context() as env:  # start_moto points the process environment at the server
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "TANDEM_AWS_ENDPOINT"):
            env.setenv(name, "placeholder")
        running = moto_server.start_moto("guard-test")
        try:
            yield running
        finally:
            running.stop()
            from tandem.dal import table

            table.configure("tandem")


@pytest.fixture(scope="module")
def inbound(stack):
    bucket = moto_server.bucket_names()["inbound"]
    own = stack.credentials
    s3_client(stack.endpoint, own.access_key, own.secret_key).put_object(
        Bucket=bucket, Key="inbound/raw-mail-1", Body=b"From: ceo@tenant.example\r\n\r\nconfidential"
    )
    return bucket


def test_an_anonymous_listing_of_the_inbound_bucket_is_refused(stack, inbound):
    status, body = fetch(f"{stack.endpoint}/{inbound}?list-type=2")
    assert status == 403 and b"raw-mail-1" not in body
    status, body = fetch(f"{stack.endpoint}/{inbound}/inbound/raw-mail-1")
    assert status == 403 and b"confidential" not in body
    assert fetch(f"{stack.endpoint}/moto-api/data.json")[0] == 403  # moto's own dump of every backend


def test_other_credentials_are_refused_and_this_runs_are_served(stack, inbound):
    import botocore.exceptions

    own = stack.credentials
    for key, secret in (("AKIAIOSFODNN7EXAMPLE", "anything"), (own.access_key, "a guessed secret")):
        with pytest.raises(botocore.exceptions.ClientError, match="AccessDenied"):
            s3_client(stack.endpoint, key, secret).list_objects_v2(Bucket=inbound)
    listed = s3_client(stack.endpoint, own.access_key, own.secret_key).list_objects_v2(Bucket=inbound)
    assert [o["Key"] for o in listed["Contents"]] == ["inbound/raw-mail-1"]


def test_presigned_downloads_work_through_the_local_origin_and_cannot_be_bent_into_a_listing(stack, inbound):
    from app import app
    from tandem.local.dev import static_root
    from tandem.local.http import HttpServer

    own = stack.credentials
    url = s3_client(stack.endpoint, own.access_key, own.secret_key).generate_presigned_url(
        "get_object", Params={"Bucket": inbound, "Key": "inbound/raw-mail-1"}, ExpiresIn=60
    )
    origin = HttpServer(app, 0, static_root(), stack.endpoint)
    origin.start()
    try:
        base = f"http://127.0.0.1:{origin._server.server_address[1]}"
        proxied = local_url(url, stack.endpoint, base)
        assert fetch(proxied) == (200, b"From: ceo@tenant.example\r\n\r\nconfidential")
        assert fetch(proxied.replace("/inbound/raw-mail-1?", "?list-type=2&"))[0] == 403
        assert fetch(f"{base}/_local/s3/{inbound}?list-type=2")[0] == 403
    finally:
        origin.stop()
