"""Conversation messages on items, their attachments and @mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from msgspec import Meta

from tandem.domain.exposure import exposed
from tandem.domain.limits import LIST, Filename, MessageText


class Visibility(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"


@dataclass
class Attachment:
    id: str = exposed()
    filename: Filename = exposed(create=True)
    content_type: Annotated[str, Meta(min_length=3, max_length=255)] = exposed(create=True)
    size: Annotated[int, Meta(ge=0)] = exposed(create=True)
    key: str = exposed(hidden=True)  # blob key in the attachment bucket
    content_id: str | None = exposed(default=None)
    uploaded_by: str | None = exposed(hidden=True, default=None)
    # Set when a message takes the attachment: customers may fetch only those of public messages.
    message_id: str | None = exposed(hidden=True, default=None)
    visibility: Visibility | None = exposed(hidden=True, default=None)
    # Removed attachments are kept (the history stays true) but no longer listed or handed out.
    deleted_at: str | None = exposed(hidden=True, default=None)
    deleted_by: str | None = exposed(hidden=True, default=None)


@dataclass
class Message:
    tenant_id: str = exposed(hidden=True)
    id: str = exposed()
    item_id: str = exposed(hidden=True)
    author_id: str | None = exposed(name="author")
    body: MessageText = exposed(create=True)
    visibility: Visibility = exposed(create=True)
    via: str = exposed()
    created_at: str = exposed()
    mentions: list[str] = exposed(default_factory=list)  # "user:<id>" / "team:<id>"
    attachments: Annotated[list[Attachment], Meta(max_length=LIST)] = exposed(create=True, default_factory=list)
    html: str | None = exposed(default=None)  # sanitised HTML when the message came as HTML mail
    quoted: str = exposed(default="")  # quoted history and signature, kept and shown collapsed
    email_message_id: str | None = exposed(hidden=True, default=None)
    raw_key: str | None = exposed(hidden=True, default=None)  # the raw mail in the inbound bucket, kept as received
    item_ref: str = exposed(hidden=True, default="")  # the reference when written; old refs keep resolving


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
