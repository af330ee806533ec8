"""The one composition root: settings → adapters → use-case dependencies → Lambda entry facades."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from tandem.domain.clock import iso
from tandem.domain.ids import new_id
from tandem.runtime.settings import Settings, settings
from tandem.services.deps import CoreSettings, Deps
from tandem.services.ports import Repos


def utc_now() -> str:
    from datetime import UTC, datetime

    return iso(datetime.now(UTC))


@dataclass
class Container:
    """Everything a Lambda needs, built once per process (warm invocations reuse it)."""

    deps: Deps
    settings: Settings
    extras: dict[str, Any] = field(default_factory=dict)

    def inbound_blobs(self) -> Any:
        """The bucket SES's receipt rule writes raw mail to (a memory store in tests)."""
        if "inbound" not in self.extras:
            if self.settings.backend == "memory":
                from tandem.runtime.memory_adapters import MemoryBlobStore

                self.extras["inbound"] = MemoryBlobStore()
            else:
                from tandem.aws.clients import LazyClient
                from tandem.aws.s3 import S3BlobStore
                from tandem.aws.transient import TransientGuard

                self.extras["inbound"] = TransientGuard(S3BlobStore(LazyClient("s3"), self.settings.inbound_bucket))
        return self.extras["inbound"]

    def ingest_ses_event(self, event: dict) -> dict:
        """SES receipt → read the raw mail → the ingest use case."""
        from tandem.runtime.handlers import ingest_ses_event

        return ingest_ses_event(self, event)

    def process_stream_batch(self, event: dict) -> dict:
        """Stream batch → rules; answers the partial-failure report."""
        from tandem.runtime.handlers import process_stream_batch

        return process_stream_batch(self, event)

    def run_timers(self) -> dict:
        from tandem.runtime.handlers import run_timers

        return run_timers(self)

    def health(self) -> dict[str, Any]:
        """Whether the table and buckets this process depends on answer (cached a few seconds per process)."""
        from tandem.runtime.health import check

        return check(self.settings)


def _core(s: Settings) -> CoreSettings:
    return CoreSettings(
        mail_root=s.mail_root,
        portal_url=s.portal_url,
        token_ttl_seconds=s.token_ttl_seconds,
        provider_message_id_domain=f"{s.ses_region}.amazonses.com",
    )


def _dynamodb_repos(s: Settings) -> Repos:
    """The PynamoDB repos, each behind the guard that turns throttling and 5xx into TransientError."""
    from tandem.aws.transient import TransientGuard
    from tandem.dal import table
    from tandem.dal.deferred import wrapped
    from tandem.dal.dynamo import dynamo_repos

    table.configure(s.table_name, host=s.aws_endpoint, region=s.region)
    return wrapped(dynamo_repos(), TransientGuard)  # adapters not built yet are guarded when first used


def build(
    s: Settings,
    *,
    repos: Repos | None = None,
    blobs: Any = None,
    mailer: Any = None,
    password_costs: dict[str, int] | None = None,
) -> Container:
    """Build a container; tests pass in-memory repos and adapters, Lambdas take the defaults."""
    from tandem.security.passwords import Argon2PasswordHasher
    from tandem.security.tokens import JwtTokenSigner

    if repos is None:
        if s.backend == "memory":
            from tandem.dal.memory import memory_repos

            repos = memory_repos()
        else:
            repos = _dynamodb_repos(s)
    from tandem.runtime.caching import CachedAddressBook, CachedTenantRepo

    if not isinstance(repos.tenants, CachedTenantRepo) and s.backend != "memory":
        repos.tenants = CachedTenantRepo(repos.tenants)
        repos.item_types = CachedAddressBook(repos.item_types)
    if blobs is None or mailer is None:
        blobs, mailer = _edge_adapters(s, blobs, mailer)
    deps = Deps(
        repos=repos,
        clock=utc_now,
        new_id=new_id,
        passwords=Argon2PasswordHasher(**(password_costs or {})),
        tokens=JwtTokenSigner(s.token_secret),
        blobs=blobs,
        mailer=mailer,
        settings=_core(s),
        once=_once(s),
        webhooks=_webhook_sender(s),
        push=_socket_push(s),
    )
    return Container(deps=deps, settings=s)


def _socket_push(s: Settings) -> Any:
    """Chat frames (issue 14): recorded in memory for tests, API Gateway's management API on AWS."""
    if s.backend == "memory":
        from tandem.runtime.memory_adapters import MemoryPush

        return MemoryPush()
    if s.ws_endpoint:
        from tandem.aws.socket_push import ApiGatewayPush

        return ApiGatewayPush(s.ws_endpoint, s.region)
    from tandem.services.ports import NoSockets

    return NoSockets()


def _once(s: Settings) -> Any:
    """Side effects exactly once: powertools' idempotency records in the table, or the in-memory twin."""
    from tandem.runtime.observability import side_effect

    if s.backend == "memory":
        from tandem.runtime.memory_adapters import MemoryOnce

        return MemoryOnce(observe=side_effect)
    from tandem.dal.dynamo_once import DynamoOnce
    from tandem.dal.table import Record

    return DynamoOnce(
        client=lambda: Record._get_connection().connection.client,  # PynamoDB's own client: no second one
        table_name=lambda: Record.Meta.table_name,
        observe=side_effect,
    )


def _webhook_sender(s: Settings) -> Any:
    """Outbound webhooks: the SSRF-guarded HTTP sender, or the recording twin of the memory backend."""
    if s.backend == "memory":
        from tandem.runtime.memory_webhooks import MemoryWebhookSender

        return CountedSender(MemoryWebhookSender())
    return CountedSender(LazySender(s.allow_private_webhooks))


class CountedSender:
    """Webhook attempts as metrics: `WebhookDeliveries` by outcome (delivered, http_error, refused, network)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def check(self, url: str) -> None:
        self._inner.check(url)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Any:
        from tandem.runtime.observability import count

        result = self._inner.post(url, body, headers)
        count("WebhookDeliveries", outcome=_outcome(result))
        return result

    def __getattr__(self, name: str) -> Any:  # tests read and script the memory twin through the wrapper
        return getattr(self._inner, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._inner, name, value)


def _outcome(result: Any) -> str:
    if result.status is not None:
        return "delivered" if 200 <= result.status < 300 else "http_error"
    return "refused" if (result.error or "").startswith("refused") else "network"


class LazySender:
    """The HTTP sender, built on first use: a Lambda that never calls a webhook never imports it."""

    def __init__(self, allow_private: bool) -> None:
        self._allow_private = allow_private
        self._inner: Any = None

    def _sender(self) -> Any:
        if self._inner is None:
            from tandem.webhooks.sender import HttpSender

            self._inner = HttpSender(allow_private=self._allow_private)
        return self._inner

    def check(self, url: str) -> None:
        self._sender().check(url)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Any:
        return self._sender().post(url, body, headers)




def _edge_adapters(s: Settings, blobs: Any, mailer: Any) -> tuple[Any, Any]:
    if s.backend == "memory":
        from tandem.runtime.memory_adapters import MemoryBlobStore, MemoryMailer

        return blobs or MemoryBlobStore(), mailer or MemoryMailer()
    from tandem.aws.clients import LazyClient
    from tandem.aws.s3 import S3BlobStore
    from tandem.aws.ses import SesMailer
    from tandem.aws.transient import TransientGuard

    blobs = blobs or TransientGuard(S3BlobStore(LazyClient("s3"), s.attachment_bucket))
    return blobs, mailer or TransientGuard(SesMailer(LazyClient("ses")))


class _Deferred(Container):
    """The process's container until something asks for its dependencies: a Lambda whose first call needs only the
    settings (`GET /v1/health`) does not build the repos (PynamoDB's model, every table adapter) on its cold path."""

    def __init__(self, s: Settings) -> None:
        self.settings, self.extras = s, {}
        self._building = threading.Lock()

    def __getattr__(self, name: str) -> Any:  # only for attributes not set yet: `deps`, on first use
        if name != "deps":
            raise AttributeError(name)
        with self._building:
            if "deps" not in self.__dict__:
                self.deps = build(self.settings).deps
        return self.__dict__["deps"]


_lock = threading.Lock()
_container: Container | None = None


def container() -> Container:
    """The process-wide container, its dependencies built on first use."""
    global _container
    with _lock:
        if _container is None:
            _container = _Deferred(settings())
        return _container


def use(c: Container | None) -> None:
    """Install a container (tests, the local stack); None forgets it so the next call rebuilds."""
    global _container
    with _lock:
        _container = c
