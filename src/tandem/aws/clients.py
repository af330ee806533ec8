"""AWS clients made once per process, pointed at the local moto server when one is configured.

Plain botocore clients (what boto3.client returns too): PynamoDB already loaded botocore, so a Lambda
does not also pay for importing boto3. Every client of the process (PynamoDB's, these, the health probes')
comes from the one botocore session below: a session loads each service's model and endpoint rules once, so a
second session's DynamoDB client costs ~75 ms where another client from the same session costs ~4 ms."""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from tandem.runtime.settings import settings

# botocore's client creation is not thread-safe on a shared session (PynamoDB keeps one session per thread for
# that reason): every client of the process is made under this lock.
CREATING = threading.RLock()


@cache
def _session() -> Any:
    import botocore.session

    return botocore.session.get_session()


def session() -> Any:
    """The process's botocore session (PynamoDB's connection is given it too: dal/table.py)."""
    with CREATING:
        return _session()


def create_client(service: str, **kwargs: Any) -> Any:
    """A new client of the shared session (callers needing their own config: timeouts, retries)."""
    with CREATING:
        return _session().create_client(service, **kwargs)


def forget() -> None:
    """Drop the session and its clients (dal.table.configure: a process pointed at another stack, as tests and the
    local stack do, must resolve that stack's credentials afresh; a Lambda configures once, before any client)."""
    with CREATING:
        _session.cache_clear()
        client.cache_clear()


@cache
def client(service: str) -> Any:
    s = settings()
    config = None
    if service == "s3":
        import botocore.config

        # Presigned URLs and POSTs in Signature Version 4: botocore would presign in the deprecated SigV2 here,
        # which newer buckets refuse (and the local stack's guarded moto too).
        config = botocore.config.Config(signature_version="s3v4")
    return create_client(service, region_name=s.region, endpoint_url=s.aws_endpoint, config=config)


class LazyClient:
    """A boto3 client made on first use: a Lambda that never sends mail never builds an SES client (~90 ms)."""

    def __init__(self, service: str) -> None:
        self._service = service

    def __getattr__(self, name: str) -> Any:
        return getattr(client(self._service), name)
