"""The running invocation's deadline, for records that must expire when the Lambda that wrote them dies.

The event handlers bind the Lambda context for the length of an invocation; side-effect records written
meanwhile stay IN_PROGRESS only until that invocation's deadline. Outside Lambda (tests, the local stack's
direct calls) a fixed lease stands in for the remaining time.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

# Longer than any of our functions' timeouts (60 s): a process that dies without a context is retried after it.
DEFAULT_LEASE_MS = 120_000

_context: contextvars.ContextVar[Any] = contextvars.ContextVar("tandem_lambda_context", default=None)


def remaining_ms() -> int:
    """Milliseconds until the current invocation times out (the default lease when none is bound)."""
    context = _context.get()
    getter = getattr(context, "get_remaining_time_in_millis", None)
    if getter is None:
        return DEFAULT_LEASE_MS
    try:
        return max(0, int(getter()))
    except Exception:  # a malformed context must not fail the work it times
        return DEFAULT_LEASE_MS


@contextlib.contextmanager
def bound(context: Any) -> Iterator[None]:
    """Make `context` the current invocation's (a context without a clock changes nothing)."""
    if not hasattr(context, "get_remaining_time_in_millis"):
        yield
        return
    token = _context.set(context)
    try:
        yield
    finally:
        _context.reset(token)


class Deadline:
    """A stand-in Lambda context answering the bound invocation's remaining time (what powertools reads)."""

    def get_remaining_time_in_millis(self) -> int:
        return remaining_ms()
