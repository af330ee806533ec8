"""What a customer's public reply does to an item, whatever the channel (email, portal, widget, API)."""

from __future__ import annotations

from tandem.domain.items import Item
from tandem.domain.statuses import Category, status_for_category
from tandem.domain.tenants import Tenant

# Where a customer's reply sends a waiting or finished item: the lifecycle's own "back to work" status,
# or the first open status when the tenant's lifecycle has no such key.
REOPEN = {"ticket": "customer_replied", "task": "in_progress"}


def status_after_customer_reply(tenant: Tenant, item: Item) -> str | None:
    """The status a customer's public reply moves the item to, or None when it stays where it is.

    A reply answers "Waiting on customer" (and reopens a done item), so the item goes back to the agents."""
    if item.status_category not in (Category.WAITING, Category.DONE):
        return None
    statuses = tenant.statuses.get(item.kind) or []
    if not statuses:
        return None
    target = tenant.status(item.kind, REOPEN.get(item.kind, "")) or status_for_category(statuses, Category.OPEN)
    return target.key if target.key != item.status else None
