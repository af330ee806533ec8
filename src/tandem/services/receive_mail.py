"""Raw mail in the inbound bucket → ingest, first time (the SES receipt) and again (a replay).

Both paths end the same way: an item, a reply, a duplicate, or a stored rejection with its reason and raw key.
Only a TransientError escapes, so that the caller (Lambda's retry of the SES event, or the operator) tries again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from tandem.domain.mail import Envelope, Rejection
from tandem.mail.model import InboundEmail
from tandem.services.deps import Deps
from tandem.services.mail_rejection import Outcome, failed
from tandem.services.ports import BlobStore, MailLog, Premise, TransientError

PAGE = 200


def receive(
    deps: Deps, inbound: BlobStore, env: Envelope, *, secret: str, only_tenant: str | None = None
) -> list[Outcome]:
    """Read the raw mail SES stored under `env.raw_key`, parse and ingest it. A mail that cannot even be
    read becomes a rejection `failed: <ExceptionName>` too; only a TransientError propagates."""
    try:
        raw = inbound.get(env.raw_key)
    except TransientError:
        raise
    except Exception as exc:
        return [failed(deps, InboundEmail(), env, exc, only_tenant)]
    # The parser and the ingest (email policies, reply splitting, the item use cases) load once a mail was read:
    # a Lambda whose first mail cannot be read keeps it as a rejection without them.
    from tandem.mail.parse import parse_email
    from tandem.services.ingest_email import ingest

    return ingest(deps, parse_email(raw), env, secret=secret, only_tenant=only_tenant)


@dataclass
class Replayed:
    raw_key: str
    outcomes: list[Outcome]
    rejection: Rejection | None = None  # the rejection replayed (None: a raw key nothing pointed to)


class _Unrepeated:
    """The mail log, minus rejections it already holds for the same raw mail, tenant and reason: replaying a
    mail that still fails in the same way adds nothing. Each tenant's rejections are read once, when needed."""

    def __init__(self, log: MailLog, load: Callable[[str | None], list[Rejection]]) -> None:
        self._log, self._load = log, load
        self._known: set[tuple[str, str | None, str]] = set()
        self._loaded: set[str | None] = set()

    def reject(self, rejection: Rejection, premises: tuple[Premise, ...] = ()) -> None:
        if rejection.tenant_id not in self._loaded:
            self._loaded.add(rejection.tenant_id)
            self._known |= {(r.raw_key, r.tenant_id, r.reason) for r in self._load(rejection.tenant_id)}
        key = (rejection.raw_key, rejection.tenant_id, rejection.reason)
        if key not in self._known:
            self._log.reject(rejection, premises)
            self._known.add(key)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._log, name)


def _all_rejections(deps: Deps, tenant_id: str | None, since: str | None) -> list[Rejection]:
    found: list[Rejection] = []
    after = None
    while True:
        page = deps.repos.mail.rejections(tenant_id, limit=PAGE, after=after, since=since)
        found += page.items
        if not page.after:
            return found
        after = page.after


def _legacy_envelope(r: Rejection) -> Envelope:
    """For rejections stored before they kept the envelope: SES's verdicts are unknown, so nobody counts as
    authenticated (staff are treated as customers) and a virus verdict is only known from the reason."""
    virus = "FAIL" if r.reason.startswith("virus") else "UNKNOWN"
    unknown = {"spf": "UNKNOWN", "dkim": "UNKNOWN", "dmarc": "UNKNOWN"}
    return Envelope(r.ses_message_id, list(r.recipients), r.raw_key, spam="UNKNOWN", virus=virus, **unknown)


def _bare_envelope(raw_key: str) -> Envelope:
    """A raw mail no rejection names (e.g. lost by an older version): its recipients come from its headers."""
    ses_id = raw_key.rsplit("/", 1)[-1]
    unknown = {"spf": "UNKNOWN", "dkim": "UNKNOWN", "dmarc": "UNKNOWN"}
    return Envelope(ses_id, [], raw_key, spam="UNKNOWN", virus="UNKNOWN", **unknown)


def _once_per_mail(rejections: Iterable[Rejection]) -> list[Rejection]:
    by_key: dict[str, Rejection] = {}
    for r in rejections:
        by_key.setdefault(r.raw_key, r)
    return [r for key, r in by_key.items() if key]


def replay(
    deps: Deps,
    inbound: BlobStore,
    *,
    secret: str,
    tenant_id: str | None = None,
    reason: str | None = None,
    since: str | None = None,
    raw_key: str | None = None,
    dry_run: bool = False,
) -> list[Replayed]:
    """Run rejected mail through the same ingest again: the rejections of `tenant_id` (None: mail no tenant
    matched) whose reason starts with `reason`, stored from `since` on, optionally only the one of `raw_key`.

    Idempotent: a mail ingested meanwhile is a duplicate, and one that fails again for the same reason adds
    no second rejection. `raw_key` with no rejection replays that raw mail as it is (headers name the
    recipients; verdicts unknown)."""
    stored = _all_rejections(deps, tenant_id, since)
    chosen = [
        r
        for r in stored
        if (reason is None or r.reason.startswith(reason)) and (raw_key is None or r.raw_key == raw_key)
    ]
    plan: list[tuple[Envelope, Rejection | None]] = [
        (r.envelope or _legacy_envelope(r), r) for r in _once_per_mail(chosen)
    ]
    if raw_key and not plan and reason is None:
        plan = [(_bare_envelope(raw_key), None)]
    if dry_run:
        return [Replayed(env.raw_key, [], r) for env, r in plan]
    earliest = min((r.at for _, r in plan if r is not None), default=None)
    log = _Unrepeated(deps.repos.mail, lambda tenant: _all_rejections(deps, tenant, earliest))
    quiet = replace(deps, repos=replace(deps.repos, mail=log))
    return [
        Replayed(env.raw_key, receive(quiet, inbound, env, secret=secret, only_tenant=tenant_id), r) for env, r in plan
    ]
