"""Tenant settings: who sees what (agents, portal), acknowledgements, branding."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tandem.domain.errors import ValidationError
from tandem.domain.permissions import Action, Area, Principal
from tandem.domain.tenants import (
    INTEGRATIONS,
    MODULE_DEFAULTS,
    Branding,
    PortalSettings,
    PortalVisibility,
    Tenant,
    module_on,
)
from tandem.services.access import require_area, tenant_of
from tandem.services.deps import Deps
from tandem.services.editing import apply_fields, boolean, check_version, string_list, text
from tandem.services.resume_hooks import schedule_resume


def _portal(current: PortalSettings):
    def check(value: Any) -> PortalSettings:
        if not isinstance(value, dict):
            raise ValidationError("portal must be an object", {"field": "portal"})
        changes = dict(value)
        if "visibility" in changes:
            try:
                changes["visibility"] = PortalVisibility(changes["visibility"])
            except ValueError as exc:
                options = ", ".join(v.value for v in PortalVisibility)
                raise ValidationError(f"portal.visibility must be one of {options}", {"field": "portal"}) from exc
        if "branding" in changes:
            b = changes["branding"]
            if not isinstance(b, dict):
                raise ValidationError("portal.branding must be an object", {"field": "portal.branding"})
            changes["branding"] = (
                apply_fields(
                    current.branding,
                    b,
                    {
                        "name": text("name"),
                        "logo_url": text("logo_url", required=False, max_len=500),
                        "color": text("color", max_len=20),
                    },
                )
                if b
                else Branding()
            )
        checks = {
            "visibility": lambda v: v,
            "require_login": boolean("require_login"),
            "branding": lambda v: v,
            "allowed_origins": string_list("allowed_origins"),
        }
        return apply_fields(current, changes, checks)

    return check


def _hours(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 168:
        raise ValidationError("timer_limit_hours must be a whole number of hours, 1 to 168",
                              {"field": "timer_limit_hours"})
    return value


def _modules(current: dict[str, bool]):
    """Switches are merged into the tenant's: a PATCH names the modules it turns on or off, nothing is deleted."""

    def check(value: Any) -> dict[str, bool]:
        if not isinstance(value, dict):
            raise ValidationError("modules must be an object", {"field": "modules"})
        for name, on in value.items():
            if name not in MODULE_DEFAULTS:
                raise ValidationError(f"unknown module {name!r}", {"field": f"modules.{name}"})
            if not isinstance(on, bool):
                raise ValidationError(f"modules.{name} must be true or false", {"field": f"modules.{name}"})
        return {**current, **value}

    return check


def _chat_minutes(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1440:
        raise ValidationError("chat_unanswered_minutes must be a whole number of minutes, 1 to 1440",
                              {"field": "chat_unanswered_minutes"})
    return value


def update_settings(deps: Deps, p: Principal, changes: dict[str, Any], expected_version: int | None = None) -> Tenant:
    """PATCH /v1/settings (admins)."""
    require_area(p, Area.SETTINGS, Action.ADMINISTER)
    tenant = tenant_of(deps, p)
    check_version(tenant, expected_version)
    checks = {
        "name": text("name"),
        "agents_see_all": boolean("agents_see_all"),
        "acknowledge_new_tickets": boolean("acknowledge_new_tickets"),
        "notify_status_changes": boolean("notify_status_changes"),
        "portal": _portal(tenant.portal),
        "timer_limit_hours": _hours,
        "modules": _modules(tenant.modules),
        "chat_unanswered_minutes": _chat_minutes,
    }
    updated = apply_fields(tenant, changes, checks)
    saved = deps.repos.tenants.save(replace(updated))
    if module_on(saved, INTEGRATIONS) and not module_on(tenant, INTEGRATIONS):
        schedule_resume(deps, saved.id)  # the webhooks parked while integrations were off go out now
    return saved
