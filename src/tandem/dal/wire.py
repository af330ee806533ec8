"""DynamoDB's wire format (`{"N": "3"}`) → Python values, exactly as boto3's TypeDeserializer gives them (numbers
as Decimal in DynamoDB's context, sets as sets), without importing boto3: importing any boto3 module runs the
package's `__init__` (sessions, resources, s3transfer: ~40 ms), a cold start the stream and list paths must not
pay when PynamoDB already brought botocore."""

from __future__ import annotations

from decimal import Clamped, Context, Inexact, Overflow, Rounded, Underflow
from typing import Any

# boto3.dynamodb.types.DYNAMODB_CONTEXT
DYNAMODB_CONTEXT = Context(Emin=-128, Emax=126, prec=38, traps=[Clamped, Overflow, Inexact, Rounded, Underflow])


def _binary(value: Any) -> Any:
    from boto3.dynamodb.types import Binary  # kept off the cold path: no record of ours holds a binary

    return Binary(value)


_DECODE: dict[str, Any] = {
    "NULL": lambda v: None,
    "BOOL": lambda v: v,
    "N": DYNAMODB_CONTEXT.create_decimal,
    "S": lambda v: v,
    "B": _binary,
    "NS": lambda v: set(map(DYNAMODB_CONTEXT.create_decimal, v)),
    "SS": set,
    "BS": lambda v: set(map(_binary, v)),
    "L": lambda v: [deserialize(x) for x in v],
    "M": lambda v: {k: deserialize(x) for k, x in v.items()},
}


def deserialize(value: dict[str, Any]) -> Any:
    """One attribute value: `{"S": "a"}` → "a", `{"N": "1.5"}` → Decimal("1.5"), `{"M": {...}}` → a dict."""
    if not value:
        raise TypeError("Value must be a nonempty dictionary whose key is a valid dynamodb type.")
    kind = next(iter(value))
    try:
        decode = _DECODE[kind]
    except KeyError:
        raise TypeError(f"Dynamodb type {kind} is not supported") from None
    return decode(value[kind])

