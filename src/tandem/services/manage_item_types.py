"""Item types: kind, web form, defaults and inbound address."""

from __future__ import annotations

from typing import Any

from tandem.domain.errors import NotFound, ValidationError
from tandem.domain.item_types import Defaults, FieldType, FormField, ItemType, check_form, check_kind, check_priority
from tandem.domain.people import Role, normalize_email
from tandem.domain.permissions import Action, Area, Principal
from tandem.services.access import require_area, tenant_of
from tandem.services.deps import Deps
from tandem.services.editing import apply_fields, boolean, check_limit, check_version, text
from tandem.services.modules import require_kind
from tandem.services.ports import Page, Position


def parse_form(value: Any) -> list[FormField]:
    """A form definition from JSON: `{"fields": [{key, label, type, required, help, options}]}` or a list."""
    raw = value.get("fields", []) if isinstance(value, dict) else value
    if not isinstance(raw, list):
        raise ValidationError("form.fields must be a list", {"field": "form"})
    fields = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise ValidationError("each form field must be an object", {"field": "form"})
        try:
            fields.append(
                FormField(
                    key=str(entry["key"]),
                    label=str(entry.get("label") or entry["key"]),
                    type=FieldType(entry.get("type", "text")),
                    required=bool(entry.get("required")),
                    help=str(entry.get("help", "")),
                    options=[str(o) for o in entry.get("options", [])],
                )
            )
        except (KeyError, ValueError) as exc:
            raise ValidationError("invalid form field", {"field": "form", "entry": entry}) from exc
    return check_form(fields)


def _address(tenant_mail_domain: str):
    def check(value: Any) -> str | None:
        if value in (None, ""):
            return None
        address = normalize_email(str(value))
        if not address.endswith("@" + tenant_mail_domain):
            raise ValidationError(
                f"inbound addresses must be under @{tenant_mail_domain}", {"field": "inbound_address"}
            )
        return address

    return check


def _defaults(deps: Deps, tenant_id: str):
    def check(value: Any) -> Defaults:
        if not isinstance(value, dict):
            raise ValidationError("defaults must be an object", {"field": "defaults"})
        project_id = value.get("project_id")
        if project_id and deps.repos.projects.get(tenant_id, project_id) is None:
            raise ValidationError("unknown default project", {"field": "defaults.project_id"})
        return Defaults(
            project_id=project_id,
            priority=check_priority(value.get("priority", "normal")),
            assignees=[str(a) for a in value.get("assignees", [])],
        )

    return check


def _checks(deps: Deps, p: Principal) -> dict[str, Any]:
    tenant = tenant_of(deps, p)
    return {
        "name": text("name"),
        "kind": check_kind,
        "inbound_address": _address(tenant.mail_domain),
        "form": parse_form,
        "defaults": _defaults(deps, p.tenant_id),
        "public": boolean("public"),
        "survey": boolean("survey"),
    }


def create_item_type(deps: Deps, p: Principal, **fields: Any) -> ItemType:
    require_area(p, Area.ITEM_TYPES, Action.CREATE)
    fields.setdefault("name", None)
    fields.setdefault("kind", None)
    item_type = apply_fields(ItemType(p.tenant_id, deps.new_id(), "ticket", "", deps.clock()), fields, _checks(deps, p))
    require_kind(tenant_of(deps, p), item_type.kind)  # a task type while tasks are off: the module's (issue 15)
    return deps.repos.item_types.add(item_type)


def get_item_type(deps: Deps, p: Principal, type_id: str) -> ItemType:
    require_area(p, Area.ITEM_TYPES, Action.READ)
    item_type = deps.repos.item_types.get(p.tenant_id, type_id)
    if item_type is None or (p.role is Role.CUSTOMER and not item_type.public):
        raise NotFound("item type not found", {"id": type_id})
    return item_type


def update_item_type(
    deps: Deps, p: Principal, type_id: str, changes: dict[str, Any], expected_version: int | None = None
) -> ItemType:
    require_area(p, Area.ITEM_TYPES, Action.ADMINISTER)
    item_type = get_item_type(deps, p, type_id)
    check_version(item_type, expected_version)
    return deps.repos.item_types.save(apply_fields(item_type, changes, _checks(deps, p)))


def list_item_types(deps: Deps, p: Principal, *, limit: int | None = None, after: Position = None) -> Page[ItemType]:
    require_area(p, Area.ITEM_TYPES, Action.READ)
    page = deps.repos.item_types.list(p.tenant_id, limit=check_limit(limit), after=after)
    if p.role is Role.CUSTOMER:
        page.items = [t for t in page.items if t.public]
    return page
