"""Fixed-window throttles for sign-in, counted in the store with one atomic ADD per check.

An attempt is counted *before* the work it guards, so a burst of concurrent attempts cannot all slip under the
limit; an attempt that turns out not to count (a successful sign-in) gives its count back. Windows are fixed
(`window_seconds`, aligned to the epoch): at a window's edge a caller may get up to twice the limit in quick
succession, the price of one write per check and no read. Counter keys hold a hash, never an address or an IP.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tandem.domain.clock import parse_iso
from tandem.domain.errors import TooManyRequests

if TYPE_CHECKING:
    from tandem.services.deps import Deps

LOGIN_IP = "login-ip"
LOGIN_ACCOUNT = "login-account"
MAGIC_IP = "magic-ip"
MAGIC_ADDRESS = "magic-address"


@dataclass(frozen=True)
class Hit:
    """One counted attempt: where it was counted, the count it made, and when its window ends."""

    key: str
    window: str
    count: int
    retry_after: int


def _hashed(subject: str) -> str:
    return hashlib.sha256(subject.encode("utf-8", "replace")).hexdigest()[:32]


def count(deps: Deps, name: str, subject: str, window: int | None = None) -> Hit:
    """Count one attempt of `name` by `subject` in the current window (of `window` seconds, else the sign-in one)."""
    window = window or deps.settings.throttle.window_seconds
    now = parse_iso(deps.clock()).timestamp()
    index = int(now // window)
    key = f"{name}:{_hashed(subject)}"
    n = deps.repos.counters.add(key, str(index), 1, 2 * window)
    return Hit(key, str(index), n, math.ceil((index + 1) * window - now))


def give_back(deps: Deps, hit: Hit) -> None:
    """Undo a counted attempt that should not count after all."""
    deps.repos.counters.add(hit.key, hit.window, -1, 2 * deps.settings.throttle.window_seconds)


def _refuse(hit: Hit, what: str) -> TooManyRequests:
    return TooManyRequests(f"too many {what}; try again in {hit.retry_after} seconds", hit.retry_after)


def _account(tenant_slug: str, email: str) -> str:
    return f"{tenant_slug.strip().lower()}/{email.strip().lower()}"


def login_attempt(deps: Deps, *, tenant_slug: str, email: str, ip: str | None) -> list[Hit]:
    """Count a password attempt against the caller's IP and the account (tenant + email, known or not).

    TooManyRequests past either limit, before the password is even looked at; the hits are returned so a
    successful sign-in can give them back (only failures count).
    """
    limits = deps.settings.throttle
    hits = []
    if ip:
        by_ip = count(deps, LOGIN_IP, ip)
        hits.append(by_ip)
        if by_ip.count > limits.login_failures_per_ip:
            raise _refuse(by_ip, "sign-in attempts from this address")
    by_account = count(deps, LOGIN_ACCOUNT, _account(tenant_slug, email))
    hits.append(by_account)
    if by_account.count > limits.login_failures_per_account:
        raise _refuse(by_account, "failed sign-ins for this account")
    return hits


def magic_link_request(deps: Deps, *, ip: str | None) -> None:
    """Count a magic-link request against the caller's IP: TooManyRequests past the limit (it reveals no account)."""
    if not ip:
        return
    hit = count(deps, MAGIC_IP, ip)
    if hit.count > deps.settings.throttle.magic_links_per_ip:
        raise _refuse(hit, "sign-in link requests from this address")


def magic_link_mail_allowed(deps: Deps, *, tenant_id: str, email: str) -> bool:
    """Count one sign-in mail to the address; False once the address had its share of the window."""
    hit = count(deps, MAGIC_ADDRESS, _account(tenant_id, email))
    return hit.count <= deps.settings.throttle.magic_links_per_address


INBOUND_WEBHOOK = "inbound-webhook"


def inbound_webhook_post(deps: Deps, *, tenant_id: str, endpoint_id: str) -> None:
    """Count a post to an inbound webhook endpoint: TooManyRequests past its share of the minute."""
    hit = count(deps, INBOUND_WEBHOOK, f"{tenant_id}/{endpoint_id}", window=60)
    if hit.count > deps.settings.throttle.inbound_webhook_per_minute:
        raise _refuse(hit, "posts to this webhook")


KB_FEEDBACK = "kb-feedback-ip"


def kb_feedback(deps: Deps, *, ip: str | None) -> None:
    """Count a "was this helpful" answer against the caller's IP: TooManyRequests past its share of the minute (a
    visitor key is whatever the browser sends, so the address is what bounds someone stuffing the counts)."""
    if not ip:
        return
    hit = count(deps, KB_FEEDBACK, ip, window=60)
    if hit.count > deps.settings.throttle.kb_feedback_per_minute:
        raise _refuse(hit, "answers from this address")
