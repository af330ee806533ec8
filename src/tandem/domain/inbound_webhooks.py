"""Inbound webhook endpoints: a secret URL that turns any JSON an outside system posts into an item of one type.

The endpoint's mapping names, with JSONPath-like paths (domain/json_paths.py), where the title, description,
requester's email and custom fields sit in the posted document. Mapping a document never truncates: a value over
its limit is a ValidationError naming the item field, a missing optional value is simply left out (a missing
title becomes the endpoint's name and the time).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Annotated, Any

from msgspec import Meta

from tandem.domain.errors import ValidationError
from tandem.domain.exposure import exposed
from tandem.domain.item_types import FieldType, FormField, validate_answers
from tandem.domain.json_paths import MISSING, extract, parse
from tandem.domain.limits import DESCRIPTION, EMAIL, FIELD_TEXT, LIST, TITLE, Id, JsonPath, Name
from tandem.domain.people import EMAIL_RE

FieldKey = Annotated[str, Meta(min_length=1, max_length=40)]


@dataclass
class Mapping:
    """Where each part of the new item is found in the posted JSON (None: not mapped)."""

    title: JsonPath | None = None
    description: JsonPath | None = None
    requester: JsonPath | None = None
    fields: Annotated[dict[FieldKey, JsonPath], Meta(max_length=LIST)] = field(default_factory=dict)


@dataclass
class InboundWebhook:
    tenant_id: str = exposed(hidden=True)
    id: str = exposed()
    name: Name = exposed(create=True, patch=True)
    type_id: Id = exposed(create=True, patch=True)
    created_at: str = exposed()
    mapping: Mapping = exposed(create=True, patch=True, default_factory=Mapping)
    project_id: Id | None = exposed(create=True, patch=True, default=None)
    # SHA-256 of the URL's secret part: the secret itself is shown once (create, rotate) and never stored.
    secret_hash: str = exposed(hidden=True, default="")
    # The secret's first characters, so people can tell which URL they hold.
    secret_hint: str = exposed(hidden=True, default="")
    version: int = exposed(default=0)


@dataclass(frozen=True)
class Mapped:
    """What a posted document maps to: the parts of a new item."""

    title: str
    description: str
    requester: str | None
    fields: dict[str, Any]


def check_mapping(value: Any, form: list[FormField]) -> Mapping:
    """A mapping from JSON (`{title, description, requester, fields: {key: path}}`) whose every path parses and
    whose field keys are fields of the type's form; every problem is reported, each under its own path."""
    if not isinstance(value, dict):
        raise ValidationError("mapping must be an object", {"field": "mapping"})
    errors: list[dict[str, str]] = []
    unknown = sorted(set(value) - {"title", "description", "requester", "fields"})
    errors += [{"field": f"mapping.{k}", "message": "is not a part of a mapping"} for k in unknown]
    for part in ("title", "description", "requester"):
        _check_path(value.get(part), f"mapping.{part}", errors, optional=True)
    fields = value.get("fields") or {}
    if not isinstance(fields, dict):
        errors.append({"field": "mapping.fields", "message": "must be an object of field key → path"})
        fields = {}
    keys = {f.key for f in form}
    for key, path in fields.items():
        where = f"mapping.fields.{key}"
        if key not in keys:
            errors.append({"field": where, "message": "is not a field of the item type"})
        _check_path(path, where, errors, optional=False)
    if errors:
        first = errors[0]
        raise ValidationError(f"invalid mapping: {first['field']} {first['message']}",
                              {"field": first["field"], "errors": errors})
    return Mapping(value.get("title"), value.get("description"), value.get("requester"), dict(fields))


def _check_path(path: Any, where: str, errors: list[dict[str, str]], *, optional: bool) -> None:
    if path is None and optional:
        return
    try:
        parse(path, where)
    except ValidationError as exc:
        errors.append({"field": where, "message": exc.message})


def as_text(value: Any) -> str:
    """A JSON value as text: strings as they are, numbers and booleans as JSON writes them, objects as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _present(value: Any) -> bool:
    return value is not MISSING and value is not None and not (isinstance(value, str) and not value.strip())


def _text(document: Any, path: str | None, item_field: str, limit: int) -> str | None:
    if path is None:
        return None
    value = extract(document, parse(path, item_field))
    if not _present(value):
        return None
    text = as_text(value).strip()
    if len(text) > limit:
        raise ValidationError(
            f"{item_field} from {path} has {len(text)} characters; at most {limit} fit (nothing was cut)",
            {"field": item_field, "path": path},
        )
    return text


def map_document(endpoint: InboundWebhook, form: list[FormField], document: Any, now: str) -> Mapped:
    """The item a posted JSON document stands for under the endpoint's mapping (ValidationError names the part)."""
    m = endpoint.mapping
    title = _text(document, m.title, "title", TITLE) or f"{endpoint.name} {now}"
    description = _text(document, m.description, "description", DESCRIPTION) or ""
    requester = _text(document, m.requester, "requester", EMAIL)
    if requester is not None and not EMAIL_RE.match(requester):
        raise ValidationError(f"requester from {m.requester} is not an email address",
                              {"field": "requester", "path": m.requester})
    return Mapped(title, description, requester.lower() if requester else None, _fields(m, form, document))


def _fields(m: Mapping, form: list[FormField], document: Any) -> dict[str, Any]:
    by_key = {f.key: f for f in form}
    answers: dict[str, Any] = {}
    for key, path in m.fields.items():
        f = by_key.get(key)
        value = extract(document, parse(path, f"fields.{key}"))
        if f is None or not _present(value):
            continue  # a key the type lost since: nothing to fill; a missing value: left out
        answers[key] = _answer(f, value, key, path)
    try:
        return validate_answers(form, answers)
    except ValidationError as exc:
        problems = (exc.details or {}).get("fields") or {}
        errors = [{"field": f"fields.{k}", "message": v} for k, v in problems.items()]
        first = errors[0] if errors else {"field": "fields", "message": exc.message}
        raise ValidationError(f"{first['field']} {first['message']}", {"field": first["field"], "errors": errors}
                              ) from None


def _answer(f: FormField, value: Any, key: str, path: str) -> Any:
    """A JSON value as the form field's type takes it; text is never cut."""
    if f.type is FieldType.NUMBER and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if f.type is FieldType.CHECKBOX:
        if isinstance(value, bool):
            return value
        return {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}.get(
            as_text(value).strip().lower(), as_text(value))
    if f.type is FieldType.MULTI_CHOICE:
        return [as_text(v) for v in value] if isinstance(value, list) else [as_text(value)]
    text = as_text(value)
    if len(text) > FIELD_TEXT:
        raise ValidationError(f"fields.{key} from {path} has {len(text)} characters; at most {FIELD_TEXT} fit",
                              {"field": f"fields.{key}", "path": path})
    return text
