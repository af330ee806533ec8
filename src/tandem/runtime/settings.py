"""Typed settings, read from the environment once per process (the domain never reads the environment)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

# Local development only: a deployment must set TANDEM_TOKEN_SECRET (the template passes a generated one).
_DEV_SECRET = "tandem-local-development-secret-change-me"


@dataclass(frozen=True)
class Settings:
    backend: str  # "dynamodb" or "memory"
    table_name: str
    region: str
    aws_endpoint: str | None  # the local moto server; None on AWS
    inbound_bucket: str
    attachment_bucket: str
    mail_root: str
    portal_url: str
    token_secret: str
    token_ttl_seconds: int
    log_level: str
    ses_region: str = "us-east-1"  # where SES sends from: it names sent mail `<id@<ses_region>.amazonses.com>`
    # Webhooks to loopback/private targets: only the local stack's tests set TANDEM_ALLOW_PRIVATE_WEBHOOKS=1.
    allow_private_webhooks: bool = False
    # The WebSocket API's stage URL for pushing to chat sockets (issue 14); empty: no sockets (the local stack
    # installs its own push).
    ws_endpoint: str = ""


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def read_settings() -> Settings:
    """Build settings from the environment (call `settings()` for the cached copy)."""
    env = os.environ.get
    region = env("AWS_REGION") or env("AWS_DEFAULT_REGION") or "us-east-1"
    return Settings(
        backend=env("TANDEM_BACKEND", "dynamodb"),
        table_name=env("TANDEM_TABLE", "tandem"),
        region=region,
        aws_endpoint=env("TANDEM_AWS_ENDPOINT") or None,
        inbound_bucket=env("TANDEM_INBOUND_BUCKET", "tandem-inbound"),
        attachment_bucket=env("TANDEM_ATTACHMENT_BUCKET", "tandem-attachments"),
        mail_root=env("TANDEM_MAIL_DOMAIN", "tandem.local"),
        portal_url=env("TANDEM_PORTAL_URL", "http://127.0.0.1:8000"),
        token_secret=env("TANDEM_TOKEN_SECRET", _DEV_SECRET),
        token_ttl_seconds=_int("TANDEM_TOKEN_TTL", 3600),
        log_level=env("TANDEM_LOG_LEVEL", "INFO"),
        ses_region=env("TANDEM_SES_REGION") or region,
        allow_private_webhooks=env("TANDEM_ALLOW_PRIVATE_WEBHOOKS") == "1",
        ws_endpoint=env("TANDEM_WS_ENDPOINT") or "",
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    return read_settings()
