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
    return _session().create_client(service, region_name=s.region, endpoint_url=s.aws_endpoint)


class LazyClient:
    """A boto3 client made on first use: a Lambda that never sends mail never builds an SES client (~90 ms)."""

    def __init__(self, service: str) -> None:
        self._service = service

    def __getattr__(self, name: str) -> Any:
        return getattr(client(self._service), name)
