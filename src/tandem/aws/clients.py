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
