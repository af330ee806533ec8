"""What of a received mail goes into one message, within the size any store can keep in one record.

A message is one record (DynamoDB: at most 400 KB), so its texts and its list of attachments have budgets,
measured as the stored JSON. Nothing is dropped: a text cut to its budget is attached in full, attachments
beyond the list's budget travel in one zip, and the raw mail stays in the inbound bucket (`raw_key`).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from tandem.domain.messages import Attachment
from tandem.domain.tenants import Tenant
from tandem.mail.model import InboundAttachment, InboundEmail
from tandem.services.deps import Deps

# Bytes of stored JSON; together well under the 400 KB of one record, with room for ids, keys and mentions.
TEXT_BUDGET = 48_000  # the message body, and the item's description
QUOTED_BUDGET = 24_000
HTML_BUDGET = 96_000
ATTACHMENT_LIST_BUDGET = 200_000  # ~700 attachments with ordinary names; the rest go into one zip
TITLE_CHARS = 500
CUT_NOTE = "\n\n[This message was shortened; the full text is attached.]"


def stored_size(value: object) -> int:
    """Bytes `value` takes as the stored JSON (UTF-8, escapes included)."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def fit(text: str, budget: int) -> tuple[str, bool]:
    """`text`, cut so its stored JSON takes at most `budget` bytes; True when it was cut."""
    if stored_size(text) <= budget:
        return text, False
    while text and stored_size(text) > budget:
        text = text[: int(len(text) * budget / stored_size(text) * 0.95)]
    return text, True


@dataclass
class Content:
    """The texts of a message, within budget, and the attachments holding what did not fit."""

    body: str
    quoted: str
    html: str | None
    attachments: list[Attachment]


def content(deps: Deps, tenant: Tenant, item_id: str, mail: InboundEmail, text: str, claim_key: str) -> Content:
    """Texts cut to their budgets (the full versions attached) and every attachment stored."""
    body, body_cut = fit(text, TEXT_BUDGET - len(CUT_NOTE) * 4)
    quoted, quoted_cut = fit(mail.quoted_text or "", QUOTED_BUDGET)
    html, html_cut = fit(mail.html_safe, HTML_BUDGET) if mail.html_safe else (None, False)
    parts = list(mail.attachments)
    if body_cut or quoted_cut:
        parts.append(InboundAttachment("full-text.txt", "text/plain; charset=utf-8", (mail.text or "").encode()))
        body += CUT_NOTE
    if html_cut:
        html = None  # half an HTML document renders badly; the text stands in, the full HTML is attached
        parts.append(InboundAttachment("full-message.html", "text/html; charset=utf-8", mail.html_safe.encode()))
    return Content(body, quoted, html, store_attachments(deps, tenant, item_id, parts, claim_key))


def _describe(tenant: Tenant, item_id: str, claim_key: str, index: int, part: InboundAttachment) -> Attachment:
    """The attachment record of the mail's `index`-th part: its id comes from the mail, not from chance."""
    att_id = hashlib.sha256(f"{claim_key}:{index}".encode()).hexdigest()[:26]
    name = (part.filename or f"attachment-{index + 1}")[:200]
    content_type = (part.content_type or "application/octet-stream")[:200]
    cid = (part.content_id or "")[:200] or None
    return Attachment(att_id, name, content_type, len(part.content), f"{tenant.id}/{item_id}/{att_id}", cid)


def store_attachments(
    deps: Deps, tenant: Tenant, item_id: str, parts: list[InboundAttachment], claim_key: str
) -> list[Attachment]:
    """Store attachments under keys derived from the mail, so a redelivery overwrites instead of duplicating;
    those beyond the list's budget are stored together as one zip."""
    described, used = [], 0
    for index, part in enumerate(parts):
        att = _describe(tenant, item_id, claim_key, index, part)
        used += stored_size(att.__dict__) + 40  # the message id and visibility the store fills in
        if used > ATTACHMENT_LIST_BUDGET:
            rest = parts[index:]
            bundle = InboundAttachment(f"more-attachments-{len(rest)}.zip", "application/zip", _zip(rest, index))
            described.append((_describe(tenant, item_id, claim_key, len(parts), bundle), bundle))
            break
        described.append((att, part))
    for att, part in described:
        deps.blobs.put(att.key, part.content, att.content_type)
    return [att for att, _ in described]


def _zip(parts: list[InboundAttachment], first: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for offset, part in enumerate(parts):
            name = (part.filename or "attachment").replace("/", "_")
            bundle.writestr(f"{first + offset + 1:04d}-{name}"[:200], part.content)
    return buffer.getvalue()
