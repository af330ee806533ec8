"""What became of one mail, and the rejection a mail ends as when it becomes nothing else.

Apart from the ingest itself (services/ingest_email.py) so that a mail that cannot even be read (its raw object
missing) is kept as a rejection without importing the parser and the ingest's use cases (a Lambda's cold start).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from tandem.domain.mail import Envelope, Rejection
from tandem.mail.model import InboundEmail
from tandem.services.deps import Deps
from tandem.services.ports import Premise


@dataclass
class Outcome:
    """What happened to one mail for one tenant (or to the mail as a whole when no tenant matched)."""

    result: str  # created | replied | duplicate | rejected | bounce
    tenant_id: str | None = None
    ref: str | None = None
    reason: str = ""
    error: Exception | None = field(default=None, repr=False, compare=False)  # what made it `failed: …`


def candidates(mail: InboundEmail, env: Envelope) -> list[str]:
    """Every address the mail names (envelope, To, Cc, Delivered-To), lower-cased, once each, in that order."""
    seen: dict[str, None] = {}
    for address in [*env.recipients, *mail.to, *mail.cc, *mail.delivered_to]:
        if address and "@" in address:
            seen.setdefault(address.strip().lower(), None)
    return list(seen)


def reject(
    deps: Deps,
    mail: InboundEmail,
    env: Envelope,
    reason: str,
    tenant_id: str | None = None,
    premises: tuple[Premise, ...] = (),
) -> Outcome:
    """Keep a mail we will not turn into anything, with the reason (the raw bytes stay in the inbound bucket);
    `premises` are the facts the reason rests on, re-checked in the same write."""
    deps.repos.mail.reject(
        Rejection(
            id=deps.new_id(),
            at=deps.clock(),
            reason=reason[:300],
            tenant_id=tenant_id,
            ses_message_id=env.ses_message_id,
            message_id=(mail.message_id or "")[:300],
            sender=(mail.from_addr or "")[:300],
            recipients=[r[:300] for r in candidates(mail, env)[:50]],
            subject=(mail.subject or "")[:300],
            raw_key=env.raw_key,
            envelope=replace(env, recipients=[r[:300] for r in env.recipients[:50]]),
        ),
        premises,
    )
    return Outcome("rejected", tenant_id, reason=reason)


def failed(deps: Deps, mail: InboundEmail, env: Envelope, exc: Exception, tenant_id: str | None = None) -> Outcome:
    """An unexpected error, kept as a rejection that `tandem mail replay --reason failed` can run again."""
    outcome = reject(deps, mail, env, f"failed: {type(exc).__name__}", tenant_id)
    outcome.error = exc
    return outcome


