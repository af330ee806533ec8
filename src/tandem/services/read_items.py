"""Reading items: one item, or a page of a list, always through the permission function."""

from __future__ import annotations

from dataclasses import replace

from tandem.domain.activity import Activity
from tandem.domain.errors import ValidationError
from tandem.domain.hierarchy import user_ref
from tandem.domain.items import Item
from tandem.domain.messages import Message
from tandem.domain.people import Role
from tandem.domain.permissions import Action, Principal, ProjectTarget, allowed, visible
from tandem.domain.queues import ME, SORTS
from tandem.domain.statuses import Category
from tandem.domain.tenants import PortalVisibility, Tenant
from tandem.services import modules
from tandem.services.access import item_target, load_item, tenant_of
from tandem.services.deps import Deps
from tandem.services.editing import check_limit
from tandem.services.folders import folder_of_list
from tandem.services.ports import ItemQuery, Page, Position
from tandem.services.search import search_items


def get_item(deps: Deps, p: Principal, ref: str) -> Item:
    """The item (under its current reference) if the caller may see it; 404 otherwise."""
    return load_item(deps, p, ref)[1]


def _scope_for_customer(deps: Deps, p: Principal, tenant: Tenant, q: ItemQuery) -> ItemQuery | None:
    """Customers list through a key that only holds what they may see; None means nothing to list."""
    mode = tenant.portal.visibility
    if mode is PortalVisibility.NONE:
        return None
    if q.project_id:
        project = deps.repos.projects.get(tenant.id, q.project_id)
        if project is None or not visible(p, Action.READ, ProjectTarget(tenant, project)):
            return replace(q, requester_id=p.user_id)
        return q
    if mode is PortalVisibility.OWN_AND_ORGANIZATION and p.organization_id and not q.requester_id:
        return replace(q, organization_id=p.organization_id)
    if mode is PortalVisibility.ALL_PUBLIC and not q.requester_id:
        return q
    return replace(q, requester_id=p.user_id)


def _queue_filters(p: Principal, q: ItemQuery) -> ItemQuery:
    """The order and queue filters (issue 12): checked, and `assignee=me` made the caller's own ref."""
    if q.sort not in SORTS:
        raise ValidationError("unknown sort", {"field": "sort", "allowed": list(SORTS)})
    known = {c.value for c in Category}
    for n, category in enumerate(q.status_categories):
        if category not in known:
            raise ValidationError("unknown status category", {"field": f"status_category[{n}]"})
    return replace(q, assignee=user_ref(p.user_id)) if q.assignee == ME else q


def list_items(deps: Deps, p: Principal, q: ItemQuery) -> Page[Item]:
    """One Query per page on the most selective key for the order asked; every row is then checked by the
    permission function."""
    tenant = tenant_of(deps, p)
    q = replace(_queue_filters(p, q), tenant_id=p.tenant_id, limit=check_limit(q.limit))
    if q.folder_id:  # issue 15: a folder's items are read on its project's key, the folder a filter
        folder = folder_of_list(deps, tenant.id, q.folder_id)
        if q.project_id not in (None, folder.project_id):
            return Page([])
        q = replace(q, project_id=folder.project_id)
    q = modules.scoped_query(tenant, q)  # tasks switched off: no tasks in lists, kind=task is refused
    if p.role is Role.CUSTOMER:
        scoped = _scope_for_customer(deps, p, tenant, q)
        if scoped is None:
            return Page([])
        q = scoped
    if q.q is not None:  # words to look for: the list comes from the search index, the filters still apply
        return search_items(deps, p, q)
    page = deps.repos.items.query(q)
    cache: dict = {}
    # allowed, not visible: a write-only API key knows items exist (to change them) but may not list them.
    kept = [i for i in page.items if allowed(p, Action.READ, item_target(deps, p, tenant, i, cache))]
    return Page(kept, page.after)


def list_messages(
    deps: Deps, p: Principal, ref: str, *, limit: int | None = None, after: Position = None
) -> Page[Message]:
    """The conversation; private messages never reach a customer, removed attachments reach nobody."""
    _, item = load_item(deps, p, ref)
    page = deps.repos.conversations.messages(
        p.tenant_id, item.id, public_only=not p.is_staff, limit=check_limit(limit), after=after
    )
    for message in page.items:
        message.attachments = [a for a in message.attachments if a.deleted_at is None]
    return page


def list_activity(
    deps: Deps, p: Principal, ref: str, *, limit: int | None = None, after: Position = None
) -> Page[Activity]:
    """Who changed what, when and why. Customers see the item but not its internal history."""
    _, item = load_item(deps, p, ref, Action.READ_HISTORY)
    return deps.repos.conversations.activity(p.tenant_id, item.id, limit=check_limit(limit), after=after)
