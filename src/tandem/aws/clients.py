"""boto3 clients made once per process, pointed at the local moto server when one is configured."""

from __future__ import annotations

from functools import cache
from typing import Any

from tandem.runtime.settings import settings


@cache
def client(service: str) -> Any:
    import boto3  # imported here so a Lambda that never needs a service never pays for it

    s = settings()
    return boto3.client(service, region_name=s.region, endpoint_url=s.aws_endpoint)


class LazyClient:
    """A boto3 client made on first use: a Lambda that never sends mail never builds an SES client (~90 ms)."""

    def __init__(self, service: str) -> None:
        self._service = service

    def __getattr__(self, name: str) -> Any:
        return getattr(client(self._service), name)
