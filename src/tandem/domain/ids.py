"""Identifiers: time-ordered so that keys sort by creation without a second attribute."""

from __future__ import annotations

import os
import threading
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case
_lock = threading.Lock()
_last = (0, 0)


def _b32(value: int, length: int) -> str:
    out = []
    for _ in range(length):
        out.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(out))


def new_id(now_ms: int | None = None) -> str:
    """A 26-character ULID-like id: 48 bits of milliseconds, 80 random bits.

    Monotonic within a process (the random part counts up inside one millisecond), so two events of one
    request keep their order when sorted by id.
    """
    global _last
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    with _lock:
        last_ms, last_rand = _last
        if ms <= last_ms:
            ms, rand = last_ms, last_rand + 1
        else:
            rand = int.from_bytes(os.urandom(10), "big") >> 1  # headroom so counting up never overflows
        _last = (ms, rand)
    return _b32(ms, 10) + _b32(rand, 16)
