"""Typed domain errors; the API maps each to one HTTP status in one place."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error the core raises on purpose."""

    code = "error"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class ValidationError(DomainError):
    """Well-formed input that breaks a rule of the model or the domain (422); `details` names the field."""

    code = "validation_error"


class BadRequest(DomainError):
    """Input that cannot be read at all: not JSON, not UTF-8, nested too deeply, a forged cursor (400)."""

    code = "bad_request"


class TooLarge(DomainError):
    """A body over the declared size limit (413)."""

    code = "too_large"


class TooManyRequests(DomainError):
    """A throttle said no; `retry_after` seconds until the caller may try again (429 with Retry-After)."""

    code = "too_many_requests"

    def __init__(self, message: str, retry_after: int, details: dict[str, Any] | None = None) -> None:
        super().__init__(message, details)
        self.retry_after = max(1, int(retry_after))


class NotFound(DomainError):
    """Also raised for things that exist but the caller may not see: existence must not leak."""

    code = "not_found"


class ModuleDisabled(NotFound):
    """The tenant switched off the module this route belongs to (404 `module_disabled`: its routes are gone)."""

    code = "module_disabled"


class Unauthorized(DomainError):
    code = "unauthorized"


class Forbidden(DomainError):
    """The caller may see the resource but not do this to it."""

    code = "forbidden"


class Conflict(DomainError):
    code = "conflict"


class PreconditionFailed(DomainError):
    code = "precondition_failed"
