"""Admin-defined item types: a kind, a web form of typed fields, defaults and an inbound address."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from msgspec import Meta

from tandem.domain.errors import ValidationError
from tandem.domain.exposure import exposed
from tandem.domain.limits import LIST, Email, Id, Name, Principals, ShortText
from tandem.domain.people import EMAIL_RE

KINDS = ("ticket", "task")
PRIORITIES = ("low", "normal", "high", "urgent")
Priority = Literal["low", "normal", "high", "urgent"]
FIELD_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class FieldType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    DATE = "date"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    CHECKBOX = "checkbox"
    EMAIL = "email"
    FILE = "file"


@dataclass
class FormField:
    key: Annotated[str, Meta(min_length=1, max_length=40)]
    label: Name
    type: FieldType
    required: bool = False
    help: Annotated[str, Meta(max_length=1000)] = ""
    options: Annotated[list[ShortText], Meta(max_length=LIST)] = field(default_factory=list)


@dataclass
class Defaults:
    project_id: Id | None = None
    priority: Priority = "normal"
    assignees: Principals = field(default_factory=list)


@dataclass
class ItemType:
    tenant_id: str = exposed(hidden=True)
    id: str = exposed()
    kind: Literal["ticket", "task"] = exposed(create=True)
    name: Name = exposed(create=True, patch=True)
    created_at: str = exposed()
    inbound_address: Email | None = exposed(create=True, patch=True, default=None)
    form: Annotated[list[FormField], Meta(max_length=LIST)] = exposed(create=True, patch=True, default_factory=list)
    defaults: Defaults = exposed(create=True, patch=True, default_factory=Defaults)
    # Public types offer their web form to visitors and customers in the portal.
    public: bool = exposed(create=True, patch=True, default=True)
    # Surveys: a form whose answers become items of this type.
    survey: bool = exposed(create=True, patch=True, default=False)
    version: int = exposed(default=0)


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError("kind must be ticket or task", {"field": "kind"})
    return kind


def check_priority(priority: str) -> str:
    if priority not in PRIORITIES:
        raise ValidationError(f"priority must be one of {', '.join(PRIORITIES)}", {"field": "priority"})
    return priority


def check_form(fields: list[FormField]) -> list[FormField]:
    """A form's definition is valid: unique keys, choices have options."""
    seen: set[str] = set()
    for f in fields:
        if not FIELD_KEY_RE.match(f.key) or f.key in seen:
            raise ValidationError("form field keys must be unique snake_case names", {"field": f.key})
        if f.type in (FieldType.SINGLE_CHOICE, FieldType.MULTI_CHOICE) and not f.options:
            raise ValidationError("choice fields need options", {"field": f.key})
        seen.add(f.key)
    return fields


def _coerce(f: FormField, value: Any) -> Any:
    if f.type in (FieldType.TEXT, FieldType.LONG_TEXT):
        if not isinstance(value, str):
            raise ValueError("must be text")
        return value if f.type is FieldType.LONG_TEXT else value.strip()
    if f.type is FieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError("must be a number")
        number = float(value)
        return int(number) if number.is_integer() else number
    if f.type is FieldType.DATE:
        return date.fromisoformat(str(value)).isoformat()
    if f.type is FieldType.SINGLE_CHOICE:
        if value not in f.options:
            raise ValueError("is not one of the options")
        return value
    if f.type is FieldType.MULTI_CHOICE:
        if not isinstance(value, list) or any(v not in f.options for v in value):
            raise ValueError("must be a list of the options")
        return value
    if f.type is FieldType.CHECKBOX:
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if f.type is FieldType.EMAIL:
        if not isinstance(value, str) or not EMAIL_RE.match(value.strip()):
            raise ValueError("must be an email address")
        return value.strip().lower()
    if not isinstance(value, str):  # FILE: an attachment id uploaded beforehand
        raise ValueError("must be an uploaded attachment id")
    return value


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def validate_answers(form: list[FormField], answers: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Check and coerce custom-field answers against a form; every problem is reported at once."""
    by_key = {f.key: f for f in form}
    errors: dict[str, str] = {k: "is not a field of this form" for k in answers if k not in by_key}
    clean: dict[str, Any] = {}
    for f in form:
        value = answers.get(f.key)
        if _is_empty(value):
            if f.required and not partial and f.type is not FieldType.CHECKBOX:
                errors[f.key] = "is required"
            elif f.required and not partial and f.type is FieldType.CHECKBOX and value is not True:
                errors[f.key] = "must be checked"
            elif f.key in answers:
                clean[f.key] = value
            continue
        try:
            clean[f.key] = _coerce(f, value)
        except (ValueError, TypeError) as exc:
            errors[f.key] = str(exc) or "is invalid"
    if errors:
        raise ValidationError("some fields are invalid", {"fields": errors})
    return clean
