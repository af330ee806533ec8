"""Domain objects → the JSON shapes of ../shared/API.md (the one place that decides what leaves)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from tandem.domain.activity import Activity
from tandem.domain.hierarchy import Portfolio, Project
from tandem.domain.item_types import ItemType
from tandem.domain.items import Item
from tandem.domain.messages import Attachment, Message
from tandem.domain.people import Organization, Team, User
from tandem.domain.rules import Macro, Rule, actions_json, group_json
from tandem.domain.tenants import Tenant


def tenant(t: Tenant) -> dict[str, Any]:
    return {"id": t.id, "slug": t.slug, "name": t.name, "mail_domain": t.mail_domain}


def tenant_settings(t: Tenant) -> dict[str, Any]:
    return {
        **tenant(t),
        "agents_see_all": t.agents_see_all,
        "acknowledge_new_tickets": t.acknowledge_new_tickets,
        "notify_status_changes": t.notify_status_changes,
        "portal": asdict(t.portal),
        "statuses": {k: [asdict(s) for s in v] for k, v in t.statuses.items()},
        "modules": t.modules,
        "version": t.version,
    }


def statuses(t: Tenant) -> dict[str, list[dict[str, str]]]:
    """Each kind's lifecycle: what the portal and the board show (names, categories, order)."""
    return {
        kind: [{"key": st.key, "name": st.name, "category": st.category.value} for st in lifecycle]
        for kind, lifecycle in t.statuses.items()
    }


def user(u: User) -> dict[str, Any]:
    return {
        "id": u.id,
        "email": u.email,
        "name": u.name,
        "role": u.role.value,
        "organization_id": u.organization_id,
        "active": u.active,
        "email_failing": u.email_failing,
        "created_at": u.created_at,
        "version": u.version,
    }


def team(t: Team) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": t.name,
        "handle": t.handle,
        "member_ids": t.member_ids,
        "created_at": t.created_at,
        "version": t.version,
    }


def organization(o: Organization) -> dict[str, Any]:
    return {"id": o.id, "name": o.name, "domains": o.domains, "created_at": o.created_at, "version": o.version}


def portfolio(p: Portfolio) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "description": p.description, "created_at": p.created_at, "version": p.version}


def project(p: Project, *, staff: bool = True) -> dict[str, Any]:
    out = {
        "id": p.id,
        "name": p.name,
        "description": p.description,
        "portfolio_id": p.portfolio_id,
        "created_at": p.created_at,
        "version": p.version,
    }
    if staff:  # customers do not learn who else works on or follows a project
        out.update(members=p.members, followers=p.followers)
    return out


def item_type(t: ItemType) -> dict[str, Any]:
    return {
        "id": t.id,
        "kind": t.kind,
        "name": t.name,
        "inbound_address": t.inbound_address,
        "form": {"fields": [{**asdict(f), "type": f.type.value} for f in t.form]},
        "defaults": asdict(t.defaults),
        "public": t.public,
        "survey": t.survey,
        "version": t.version,
    }


def public_form(t: ItemType) -> dict[str, Any]:
    return {
        "type_id": t.id,
        "name": t.name,
        "kind": t.kind,
        "survey": t.survey,
        "fields": [{**asdict(f), "type": f.type.value} for f in t.form],
    }


ITEM_FIELDS = (
    "id",
    "ref",
    "kind",
    "type_id",
    "title",
    "description",
    "status",
    "priority",
    "assignees",
    "followers",
    "project_id",
    "fields",
    "due_date",
    "planned_start",
    "planned_finish",
    "actual_start",
    "actual_finish",
    "start_no_earlier_than",
    "finish_no_later_than",
    "percent_complete",
    "points",
    "tags",
    "portal_visible",
    "former_refs",
    "via",
    "organization_id",
    "created_at",
    "updated_at",
    "version",
)


def item(i: Item, *, staff: bool = True) -> dict[str, Any]:
    out = {name: getattr(i, name) for name in ITEM_FIELDS}
    out["requester"] = i.requester_id
    out["status_category"] = i.status_category.value
    out["links"] = [asdict(link) for link in i.links]
    out["sla"] = i.sla
    if not staff:  # customers see who handles it as principals, not internal followers
        out["followers"] = [f for f in i.followers if f == i.requester_id]
    return out


def attachment(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.id,
        "filename": a.filename,
        "content_type": a.content_type,
        "size": a.size,
        "content_id": a.content_id,
    }


def message(m: Message, author_name: str | None = None) -> dict[str, Any]:
    return {
        "id": m.id,
        "author": m.author_id,
        "author_name": author_name,
        "body": m.body,
        "html": m.html,
        "quoted": m.quoted,
        "visibility": m.visibility.value,
        "via": m.via,
        "mentions": m.mentions,
        "created_at": m.created_at,
        "attachments": [attachment(a) for a in m.attachments],
    }


def activity(a: Activity) -> dict[str, Any]:
    return {
        "id": a.id,
        "at": a.at,
        "action": a.action,
        "cause": a.cause.value,
        "actor": a.actor_id,
        "changes": a.changes,
        "note": a.note,
    }


def rule(r: Rule) -> dict[str, Any]:
    # A definition stored by older code that no longer decodes is shown as stored: the admin sees what to fix.
    raw = r.undecoded.parts if r.undecoded else {}
    return {
        "id": r.id,
        "name": r.name,
        "trigger": r.trigger.value,
        "conditions": raw.get("conditions", group_json(r.conditions)),
        "actions": raw.get("actions", actions_json(r.actions)),
        "enabled": r.enabled,
        "position": r.position,
        "options": r.options,
        "created_at": r.created_at,
        "version": r.version,
        "last_error": r.last_error,
        "failing_since": r.failing_since,
    }


def macro(m: Macro) -> dict[str, Any]:
    raw = m.undecoded.parts if m.undecoded else {}
    return {
        "id": m.id,
        "name": m.name,
        "actions": raw.get("actions", actions_json(m.actions)),
        "created_at": m.created_at,
        "version": m.version,
    }
