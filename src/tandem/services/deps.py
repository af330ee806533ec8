"""What every use case receives: ports plus a few plain settings (no environment reads here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tandem.services.key_cache import KeyCache
from tandem.services.ports import (
    BlobStore,
    Clock,
    IdFactory,
    Mailer,
    NoSockets,
    Once,
    PasswordHasher,
    Repos,
    SocketPush,
    TokenSigner,
    WebhookSender,
)
from tandem.services.role_cache import RoleCache
from tandem.services.session_cache import SessionCache


@dataclass(frozen=True)
class ThrottleLimits:
    """Sign-in throttles (README, "Sign-in"): counts per fixed window of `window_seconds`."""

    window_seconds: int = 15 * 60
    login_failures_per_account: int = 5  # per tenant + email
    login_failures_per_ip: int = 30
    magic_links_per_address: int = 3  # mails sent; further requests still answer 202 and send nothing
    magic_links_per_ip: int = 20  # requests, answered 429 beyond
    inbound_webhook_per_minute: int = 60  # posts to one inbound webhook endpoint, answered 429 beyond
    kb_feedback_per_minute: int = 30  # "was this helpful" answers from one IP, answered 429 beyond
    chat_starts_per_hour: int = 20  # new chats (each a ticket) per address, or per signed-in customer


@dataclass(frozen=True)
class CoreSettings:
    # Tenants get `<slug>.<mail_root>` as their mail domain unless they bring their own.
    mail_root: str = "tandem.local"
    portal_url: str = "http://127.0.0.1:8000"
    token_ttl_seconds: int = 3600
    magic_link_ttl_seconds: int = 900
    max_attachment_bytes: int = 25 * 1024 * 1024
    throttle: ThrottleLimits = field(default_factory=ThrottleLimits)
    # The domain of the Message-ID the mail provider gives what we send (`<id@us-east-1.amazonses.com>`);
    # empty when the provider keeps ours.
    provider_message_id_domain: str = ""


@dataclass
class Deps:
    repos: Repos
    clock: Clock
    new_id: IdFactory
    passwords: PasswordHasher
    tokens: TokenSigner
    blobs: BlobStore
    mailer: Mailer
    once: Once  # side effects exactly once (mail, rule actions, webhook calls, timers)
    webhooks: WebhookSender  # outbound webhook calls (REST hooks, rule `call_webhook`)
    settings: CoreSettings = field(default_factory=CoreSettings)
    # The warm process's memory of session checks (see services/sessions.py); tests move its clock.
    sessions: SessionCache = field(default_factory=SessionCache)
    # The same for API keys (see services/api_keys.py).
    key_cache: KeyCache = field(default_factory=KeyCache)
    # The same for custom roles (see services/roles.py, role_cache.py).
    role_cache: RoleCache = field(default_factory=RoleCache)
    # Frames to open chat sockets (issue 14): API Gateway's management API, the local stack's, or none.
    push: SocketPush = field(default_factory=NoSockets)
