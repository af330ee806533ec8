"""AWS clients made once per process, pointed at the local moto server when one is configured.

Plain botocore clients (what boto3.client returns too): PynamoDB already loaded botocore, so a Lambda
does not also pay for importing boto3."""

from __future__ import annotations

from functools import cache
from typing import Any

from tandem.runtime.settings import settings


@cache
def _session() -> Any:
    import botocore.session

    return botocore.session.get_session()


@cache
def client(service: str) -> Any:
    s = settings()
    config = None
    if service == "s3":
        import botocore.config

        # Presigned URLs and POSTs in Signature Version 4: botocore would presign in the deprecated SigV2 here,
        # which newer buckets refuse (and the local stack's guarded moto too).
        config = botocore.config.Config(signature_version="s3v4")
    return _session().create_client(service, region_name=s.region, endpoint_url=s.aws_endpoint, config=config)


class LazyClient:
    """A boto3 client made on first use: a Lambda that never sends mail never builds an SES client (~90 ms)."""

    def __init__(self, service: str) -> None:
        self._service = service

    def __getattr__(self, name: str) -> Any:
        return getattr(client(self._service), name)
