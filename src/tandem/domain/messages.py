"""Conversation messages on items, their attachments and @mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class Visibility(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"


@dataclass
class Attachment:
    id: str
    filename: str
    content_type: str
    size: int
    key: str  # blob key in the attachment bucket
    content_id: str | None = None
    uploaded_by: str | None = None
    # Set when a message takes the attachment: customers may fetch only those of public messages.
    message_id: str | None = None
    visibility: Visibility | None = None
    # Removed attachments are kept (the history stays true) but no longer listed or handed out.
    deleted_at: str | None = None
    deleted_by: str | None = None


@dataclass
class Message:
    tenant_id: str
    id: str
    item_id: str
    author_id: str | None
    body: str
    visibility: Visibility
    via: str
    created_at: str
    mentions: list[str] = field(default_factory=list)  # "user:<id>" / "team:<id>"
    attachments: list[Attachment] = field(default_factory=list)
    html: str | None = None  # sanitised HTML when the message came as HTML mail
    quoted: str = ""  # quoted history and signature, kept and shown collapsed
    email_message_id: str | None = None
    raw_key: str | None = None  # the raw mail in the inbound bucket, kept as received
    item_ref: str = ""  # the reference when written; old references keep resolving after conversion


MENTION_RE = re.compile(r"(?<![\w.@])@([A-Za-z0-9][A-Za-z0-9._-]{0,63})")


def mention_handles(body: str) -> list[str]:
    """The distinct `@handle` tokens of a text, lower-cased, in order of appearance."""
    seen: dict[str, None] = {}
    for m in MENTION_RE.finditer(body or ""):
        seen.setdefault(m.group(1).rstrip(".").lower(), None)
    return list(seen)


def resolve_mentions(body: str, users: dict[str, str], teams: dict[str, str]) -> list[str]:
    """Map `@handle` tokens to principals; `users` and `teams` map handle → id. Unknown handles are ignored."""
    found: list[str] = []
    for handle in mention_handles(body):
        if handle in users:
            found.append(f"user:{users[handle]}")
        elif handle in teams:
            found.append(f"team:{teams[handle]}")
    return found
