"""Which AWS failures pass on their own, and a guard that raises them as the ports' TransientError.

The use cases never see botocore or PynamoDB; they tell "retry later" from "this mail is broken" by one type,
`services.ports.TransientError`. The composition root wraps every AWS adapter (DynamoDB repos, S3 stores, the
SES mailer) in `TransientGuard`, so the translation lives in one place instead of in every repo method.

Transient: throttling (any `*Throttl*` code, ProvisionedThroughputExceeded, RequestLimitExceeded, SlowDown),
HTTP 5xx and 429, timeouts and lost connections, and a DynamoDB transaction cancelled by a conflict or a
throttle. Everything else (a failed condition, validation, an item too large, a missing key) is not.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from tandem.domain.errors import DomainError
from tandem.services.ports import AlreadyDone, DuplicateRequest, TransientError

CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "SlowDown",
        "TooManyRequestsException",
        "PriorRequestNotComplete",
        "InternalServerError",
        "InternalError",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
        "TransactionInProgressException",
    }
)
CANCELLATIONS = frozenset(
    {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"}
)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The error and what caused it: `raise … from`, the error being handled, PynamoDB's `cause`."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [current.__cause__, current.__context__, getattr(current, "cause", None)]


def _response_is_transient(response: dict[str, Any]) -> bool:
    code = str((response.get("Error") or {}).get("Code") or "")
    status = int((response.get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0)
    if code in CODES or "throttl" in code.lower() or status >= 500 or status == 429:
        return True
    reasons = response.get("CancellationReasons") or []
    return any(isinstance(r, dict) and r.get("Code") in CANCELLATIONS for r in reasons)


def is_transient(exc: BaseException) -> bool:
    """True when trying the same call again later may well succeed (never for an error the code meant)."""
    from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

    if isinstance(exc, DomainError | DuplicateRequest | AlreadyDone):
        return False
    for current in _chain(exc):
        if isinstance(current, TransientError | ConnectionError | HTTPClientError):
            return True
        if isinstance(current, ClientError) and _response_is_transient(current.response):
            return True
        for reason in getattr(current, "cancellation_reasons", None) or []:
            if reason is not None and getattr(reason, "code", None) in CANCELLATIONS:
                return True
    return False


class TransientGuard:
    """An adapter whose transient AWS failures surface as TransientError (chained to the original error)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if name.startswith("_") or not callable(value):
            return value

        @functools.wraps(value)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return value(*args, **kwargs)
            except TransientError:
                raise
            except Exception as exc:
                if is_transient(exc):
                    raise TransientError(f"{type(exc).__name__}: {exc}") from exc
                raise

        self.__dict__[name] = guarded  # later calls skip __getattr__
        return guarded

    def __repr__(self) -> str:
        return f"TransientGuard({self._inner!r})"
