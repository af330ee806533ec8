"""What every use case receives: ports plus a few plain settings (no environment reads here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tandem.services.ports import BlobStore, Clock, IdFactory, Mailer, Once, PasswordHasher, Repos, TokenSigner


@dataclass(frozen=True)
class CoreSettings:
    # Tenants get `<slug>.<mail_root>` as their mail domain unless they bring their own.
    mail_root: str = "tandem.local"
    portal_url: str = "http://127.0.0.1:8000"
    token_ttl_seconds: int = 3600
    magic_link_ttl_seconds: int = 900
    max_attachment_bytes: int = 25 * 1024 * 1024


@dataclass
class Deps:
    repos: Repos
    clock: Clock
    new_id: IdFactory
    passwords: PasswordHasher
    tokens: TokenSigner
    blobs: BlobStore
    mailer: Mailer
    settings: CoreSettings = field(default_factory=CoreSettings)
    # Side effects exactly once; the composition root always sets it (the default keeps older call sites working).
    once: Once = None  # type: ignore[assignment]
