"""Argon2id (memory-hard) password hashing through argon2-cffi."""

from __future__ import annotations

from functools import cached_property
from typing import Any


class Argon2PasswordHasher:
    """Argon2id with argon2-cffi's RFC 9106 low-memory profile by default; tests may pass cheaper costs.
    argon2 is imported on first use: only sign-up and sign-in Lambdas pay for it."""

    def __init__(self, time_cost: int = 3, memory_cost: int = 65536, parallelism: int = 4) -> None:
        self._costs = {"time_cost": time_cost, "memory_cost": memory_cost, "parallelism": parallelism}

    @cached_property
    def _ph(self) -> Any:
        from argon2 import PasswordHasher

        return PasswordHasher(**self._costs)

    def hash(self, password: str) -> str:
        return self._ph.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

        try:
            return self._ph.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
