"""JSONPath-like paths into a JSON document: `$.a.b`, `$.a[0].b`, `$["key with space"]`, `$['x']`.

Quoted names take JSON's escapes (`\"`, `\\`, `\n`, `\u00e9` …), so any key can be named.

Only plain member and index steps: no wildcards, filters, slices or recursive descent, so a path names at most one
value and extraction is a walk of its steps. Parsing is hand-written (no library) so any string either gives steps
or a ValidationError naming the field it came from — nothing else can escape.
"""

from __future__ import annotations

import re
from typing import Any

from tandem.domain.errors import ValidationError
from tandem.domain.limits import JSON_PATH

Step = str | int
MAX_STEPS = 32
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
INDEX = re.compile(r"0|[1-9][0-9]{0,5}")
HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
ESCAPES = {'"': '"', "'": "'", "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class _Bad(Exception):
    """A parse failure inside this module; `parse` turns it into a ValidationError with the field."""


def parse(path: str, field: str = "path") -> tuple[Step, ...]:
    """The steps of `path` (member names and list indexes), or ValidationError with `details.field = field`."""
    if not isinstance(path, str):
        raise ValidationError(f"{field} must be a string like $.a.b", {"field": field})
    if len(path) > JSON_PATH:
        raise ValidationError(f"{field} is longer than {JSON_PATH} characters", {"field": field})
    try:
        steps = _steps(path)
    except _Bad as exc:
        raise ValidationError(f"{field} is not a valid path ({exc}); use $.a.b, $.a[0] or $[\"a b\"]",
                              {"field": field}) from None
    if len(steps) > MAX_STEPS:
        raise ValidationError(f"{field} has more than {MAX_STEPS} steps", {"field": field})
    return steps


def _steps(path: str) -> tuple[Step, ...]:
    if not path.startswith("$"):
        raise _Bad("it must start with $")
    steps: list[Step] = []
    i = 1
    while i < len(path):
        if path[i] == ".":
            m = NAME.match(path, i + 1)
            if m is None:
                raise _Bad(f"a name must follow '.' at {i}")
            steps.append(m.group())
            i = m.end()
        elif path[i] == "[":
            step, i = _bracket(path, i + 1)
            steps.append(step)
        else:
            raise _Bad(f"unexpected {path[i]!r} at {i}")
    return tuple(steps)


def _bracket(path: str, i: int) -> tuple[Step, int]:
    """One `[...]` step starting after the `[`: an index or a quoted name; returns it and the index after `]`."""
    if i < len(path) and path[i] in "\"'":
        name, i = _quoted(path, i)
        step: Step = name
    else:
        m = INDEX.match(path, i)
        if m is None:
            raise _Bad(f"expected an index or a quoted name at {i}")
        step, i = int(m.group()), m.end()
    if i >= len(path) or path[i] != "]":
        raise _Bad(f"expected ']' at {i}")
    return step, i + 1


def _quoted(path: str, i: int) -> tuple[str, int]:
    quote, i, out = path[i], i + 1, []
    while i < len(path):
        c = path[i]
        if c == quote:
            return "".join(out), i + 1
        if c == "\\":
            nxt = path[i + 1] if i + 1 < len(path) else ""
            if nxt == "u":
                char, i = _unicode_escape(path, i)
                out.append(char)
                continue
            if nxt not in ESCAPES or not nxt:
                raise _Bad(f"unknown escape at {i}")
            out.append(ESCAPES[nxt])
            i += 2
            continue
        out.append(c)
        i += 1
    raise _Bad("unterminated quoted name")


def _unicode_escape(path: str, i: int) -> tuple[str, int]:
    """`\\uXXXX` at `i` (a surrogate pair as JSON writes it counts as one character); the char and where next."""
    code = _hex4(path, i)
    if 0xD800 <= code <= 0xDBFF and path.startswith("\\u", i + 6):
        low = _hex4(path, i + 6)
        if 0xDC00 <= low <= 0xDFFF:
            return chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)), i + 12
    if 0xD800 <= code <= 0xDFFF:
        raise _Bad(f"a lone surrogate at {i} names no key a JSON document can hold")
    return chr(code), i + 6


def _hex4(path: str, i: int) -> int:
    if not HEX4.fullmatch(path, i + 2, i + 6):
        raise _Bad(f"\\u needs four hex digits at {i}")
    return int(path[i + 2 : i + 6], 16)


MISSING: Any = object()


def extract(document: Any, steps: tuple[Step, ...]) -> Any:
    """The value `steps` name in `document`, or MISSING when any step finds nothing (never raises)."""
    node = document
    for step in steps:
        if isinstance(step, int) and isinstance(node, list):
            if step >= len(node):
                return MISSING
            node = node[step]
        elif isinstance(step, str) and isinstance(node, dict):
            if step not in node:
                return MISSING
            node = node[step]
        else:
            return MISSING
    return node
