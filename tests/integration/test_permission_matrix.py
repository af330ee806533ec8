"""Every route × every role against a written table of expected outcomes.

Given the agency world (closed tenant, portal "own and followed"), when each role calls each route,
then the status is the one in the table. A route registered without a row fails the coverage test.
"""

from __future__ import annotations

import itertools

import pytest

from integration.world import PASSWORD, ROLES, _principal, build_world
from tandem.domain.permissions import Principal
from tandem.services.api_keys import create_key

# Columns: admin, agent member of Incoming (A), agent not a member, customer A, customer B (other organisation),
# customer of another tenant, anonymous.
MATRIX: dict[tuple[str, str], tuple[int, ...]] = {
    ("GET", "/v1/health"): (200, 200, 200, 200, 200, 200, 200),
    ("GET", "/v1/openapi.json"): (200, 200, 200, 200, 200, 200, 200),
    ("POST", "/v1/signup"): (201, 201, 201, 201, 201, 201, 201),
    ("POST", "/v1/auth/login"): (200, 200, 200, 200, 200, 200, 200),
    ("POST", "/v1/auth/logout"): (200, 200, 200, 200, 200, 200, 200),
    ("POST", "/v1/auth/magic-link/redeem"): (401, 401, 401, 401, 401, 401, 401),
    ("POST", "/v1/public/{slug}/magic-link"): (202, 202, 202, 202, 202, 202, 202),
    ("GET", "/v1/public/{slug}/forms"): (200, 200, 200, 200, 200, 200, 200),
    ("GET", "/v1/public/{slug}/widget"): (200, 200, 200, 200, 200, 200, 200),
    # The agency requires login: visitors and other tenants' people cannot file.
    ("POST", "/v1/public/{slug}/forms/{type_id}"): (201, 201, 201, 201, 201, 401, 401),
    # An invalid token for everyone: the link itself is the credential.
    ("GET", "/v1/public/{slug}/unsubscribe"): (200, 200, 200, 200, 200, 200, 200),
    ("POST", "/v1/public/{slug}/unsubscribe"): (401, 401, 401, 401, 401, 401, 401),
    ("GET", "/v1/me"): (200, 200, 200, 200, 200, 200, 401),
    ("GET", "/v1/settings"): (200, 403, 403, 403, 403, 403, 401),
    ("PATCH", "/v1/settings"): (200, 403, 403, 403, 403, 403, 401),
    # Another tenant's customer cannot even name our item type: it is unknown in their tenant.
    ("POST", "/v1/items"): (201, 201, 201, 201, 201, 422, 401),
    ("GET", "/v1/items"): (200, 200, 200, 200, 200, 200, 401),
    # Everyone signed in searches what they may see (test_search.py checks what each finds).
    ("GET", "/v1/search"): (200, 200, 200, 200, 200, 200, 401),
    ("GET", "/v1/items/{ref}"): (200, 200, 404, 200, 404, 404, 401),
    ("PATCH", "/v1/items/{ref}"): (200, 200, 404, 403, 404, 404, 401),
    ("POST", "/v1/items/{ref}/convert"): (200, 200, 404, 403, 404, 404, 401),
    ("GET", "/v1/items/{ref}/messages"): (200, 200, 404, 200, 404, 404, 401),
    ("POST", "/v1/items/{ref}/messages"): (201, 201, 404, 201, 404, 404, 401),
    ("GET", "/v1/items/{ref}/activity"): (200, 200, 404, 403, 404, 404, 401),
    ("POST", "/v1/items/{ref}/attachments"): (201, 201, 404, 201, 404, 404, 401),
    # Uploaded by staff and not yet on a public message: customers cannot fetch it.
    ("GET", "/v1/items/{ref}/attachments/{attachment_id}"): (200, 200, 404, 404, 404, 404, 401),
    # Staff who see the item may remove it; the customer cannot even see this one (and is not its uploader).
    ("DELETE", "/v1/items/{ref}/attachments/{attachment_id}"): (204, 204, 404, 404, 404, 404, 401),
    ("GET", "/v1/users"): (200, 200, 200, 403, 403, 403, 401),
    ("POST", "/v1/users"): (201, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/users/{id}"): (200, 200, 200, 403, 403, 403, 401),
    # The row's target is the member agent: changing one's own name is self-service.
    ("PATCH", "/v1/users/{id}"): (200, 200, 403, 403, 403, 403, 401),
    ("GET", "/v1/customers"): (200, 200, 200, 403, 403, 403, 401),
    ("POST", "/v1/customers"): (201, 201, 201, 403, 403, 403, 401),
    # The row's target is customer A: customers read and rename themselves only.
    ("GET", "/v1/customers/{id}"): (200, 200, 200, 200, 403, 403, 401),
    ("PATCH", "/v1/customers/{id}"): (200, 403, 403, 200, 403, 403, 401),
    ("GET", "/v1/teams"): (200, 200, 200, 403, 403, 403, 401),
    ("POST", "/v1/teams"): (201, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/teams/{id}"): (200, 200, 200, 403, 403, 403, 401),
    ("PATCH", "/v1/teams/{id}"): (200, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/organizations"): (200, 200, 200, 403, 403, 403, 401),
    ("POST", "/v1/organizations"): (201, 201, 201, 403, 403, 403, 401),
    ("GET", "/v1/organizations/{id}"): (200, 200, 200, 403, 403, 403, 401),
    ("PATCH", "/v1/organizations/{id}"): (200, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/portfolios"): (200, 200, 200, 403, 403, 403, 401),
    ("POST", "/v1/portfolios"): (201, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/portfolios/{id}"): (200, 200, 200, 403, 403, 403, 401),
    ("PATCH", "/v1/portfolios/{id}"): (200, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/projects"): (200, 200, 200, 200, 200, 200, 401),
    ("POST", "/v1/projects"): (201, 403, 403, 403, 403, 403, 401),
    # The row's target is Incoming tickets (A), followed by customer A, team member agent.
    ("GET", "/v1/projects/{id}"): (200, 200, 404, 200, 404, 404, 401),
    ("PATCH", "/v1/projects/{id}"): (200, 403, 404, 403, 404, 404, 401),
    ("GET", "/v1/item-types"): (200, 200, 200, 200, 200, 200, 401),
    ("POST", "/v1/item-types"): (201, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/item-types/{id}"): (200, 200, 200, 200, 200, 404, 401),
    ("PATCH", "/v1/item-types/{id}"): (200, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/rules"): (200, 403, 403, 403, 403, 403, 401),
    ("POST", "/v1/rules"): (201, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/rules/{id}"): (200, 403, 403, 403, 403, 403, 401),
    ("PATCH", "/v1/rules/{id}"): (200, 403, 403, 403, 403, 403, 401),
    ("DELETE", "/v1/rules/{id}"): (204, 403, 403, 403, 403, 403, 401),
    ("PUT", "/v1/rules/order"): (200, 403, 403, 403, 403, 403, 401),
    ("POST", "/v1/rules/{id}/dry-run"): (200, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/macros"): (200, 200, 200, 403, 403, 403, 401),
    ("POST", "/v1/macros"): (201, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/macros/{id}"): (200, 200, 200, 404, 404, 404, 401),
    ("PATCH", "/v1/macros/{id}"): (200, 403, 403, 403, 403, 403, 401),
    ("DELETE", "/v1/macros/{id}"): (204, 403, 403, 403, 403, 403, 401),
    ("POST", "/v1/items/{ref}/macros/{macro_id}"): (200, 200, 404, 403, 404, 404, 401),
    # Queues are the workspace's: staff only. A bulk change is for those who may change items at all; each item is
    # then checked on its own row (the non-member agent gets 200 with a not_found row, see test_queues_api).
    ("GET", "/v1/queues"): (200, 200, 200, 403, 403, 403, 401),
    ("POST", "/v1/items/bulk"): (200, 200, 200, 403, 403, 403, 401),
    ("GET", "/v1/sla-policies"): (200, 200, 200, 403, 403, 403, 401),
    ("POST", "/v1/sla-policies"): (201, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/sla-policies/{id}"): (200, 200, 200, 403, 403, 403, 401),
    ("PATCH", "/v1/sla-policies/{id}"): (200, 403, 403, 403, 403, 403, 401),
    ("DELETE", "/v1/sla-policies/{id}"): (204, 403, 403, 403, 403, 403, 401),
    # REST hooks are the admins' (and, once API keys land, the integration role's `hooks` scope).
    ("POST", "/v1/hooks"): (201, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/hooks"): (200, 403, 403, 403, 403, 403, 401),
    ("DELETE", "/v1/hooks/{id}"): (204, 403, 403, 403, 403, 403, 401),
    ("POST", "/v1/hooks/{id}/rotate-secret"): (200, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/hooks/{id}/deliveries"): (200, 403, 403, 403, 403, 403, 401),
    ("POST", "/v1/hooks/{id}/deliveries/{delivery_id}/redeliver"): (200, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/hooks/events/{event}"): (200, 403, 403, 403, 403, 403, 401),
    # API keys are the admins' alone; another tenant's admin would find no such key (404, see test_api_keys).
    ("GET", "/v1/api-keys"): (200, 403, 403, 403, 403, 403, 401),
    ("POST", "/v1/api-keys"): (201, 403, 403, 403, 403, 403, 401),
    ("POST", "/v1/api-keys/{id}/rotate"): (200, 403, 403, 403, 403, 403, 401),
    ("DELETE", "/v1/api-keys/{id}"): (204, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/auth/test"): (200, 200, 200, 200, 200, 200, 401),
    # Inbound webhook endpoints: their URLs are credentials, so admins only (agents may not even read them).
    ("GET", "/v1/inbound-webhooks"): (200, 403, 403, 403, 403, 403, 401),
    ("POST", "/v1/inbound-webhooks"): (201, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/inbound-webhooks/{id}"): (200, 403, 403, 403, 403, 403, 401),
    ("PATCH", "/v1/inbound-webhooks/{id}"): (200, 403, 403, 403, 403, 403, 401),
    ("DELETE", "/v1/inbound-webhooks/{id}"): (204, 403, 403, 403, 403, 403, 401),
    ("POST", "/v1/inbound-webhooks/{id}/rotate"): (200, 403, 403, 403, 403, 403, 401),
    # The secret URL is the credential: whoever holds it posts, whatever else they carry.
    ("POST", "/v1/public/inbound/{token}"): (202, 202, 202, 202, 202, 202, 202),
    # Live updates and in-app notifications are the workspace's: each staff person their own; customers get mail.
    ("GET", "/v1/changes"): (200, 200, 200, 403, 403, 403, 401),
    ("GET", "/v1/notifications"): (200, 200, 200, 403, 403, 403, 401),
    ("POST", "/v1/notifications/read"): (200, 200, 200, 403, 403, 403, 401),
    # People by id read the directory: staff only, like /v1/users and /v1/customers.
    ("GET", "/v1/people"): (200, 200, 200, 403, 403, 403, 401),
    # Saved views are the workspace's: staff only. The row's target is a view the member agent shares with the
    # tenant: every agent reads, pages and exports it; only its owner or an admin changes or deletes it.
    ("GET", "/v1/views"): (200, 200, 200, 403, 403, 403, 401),
    ("POST", "/v1/views"): (201, 201, 201, 403, 403, 403, 401),
    ("GET", "/v1/views/columns"): (200, 200, 200, 403, 403, 403, 401),
    ("GET", "/v1/views/{id}"): (200, 200, 200, 403, 403, 403, 401),
    ("PATCH", "/v1/views/{id}"): (200, 200, 403, 403, 403, 403, 401),
    ("DELETE", "/v1/views/{id}"): (204, 204, 403, 403, 403, 403, 401),
    ("GET", "/v1/views/{id}/items"): (200, 200, 200, 403, 403, 403, 401),
    ("GET", "/v1/views/{id}/export"): (200, 200, 200, 403, 403, 403, 401),
    # Time (issue 13) is staff work: customers have none (403). Timers are each person's own: the targets are the
    # member agent's, so anyone else finds no such timer (404). Starting one needs the item (the outsider: 404).
    ("POST", "/v1/timers"): (201, 201, 404, 403, 403, 403, 401),
    ("GET", "/v1/timers"): (200, 200, 200, 403, 403, 403, 401),
    ("GET", "/v1/timers/current"): (200, 200, 200, 403, 403, 403, 401),
    ("POST", "/v1/timers/{id}/pause"): (404, 200, 404, 403, 403, 403, 401),
    ("POST", "/v1/timers/{id}/resume"): (404, 200, 404, 403, 403, 403, 401),
    ("POST", "/v1/timers/{id}/stop"): (404, 200, 404, 403, 403, 403, 401),
    # Timesheets: the targets are the member agent's; another agent does not see them; admins decide.
    ("GET", "/v1/timesheets"): (200, 200, 200, 403, 403, 403, 401),
    ("POST", "/v1/timesheets"): (201, 201, 404, 403, 403, 403, 401),
    ("GET", "/v1/timesheets/{id}"): (200, 200, 404, 403, 403, 403, 401),
    ("PATCH", "/v1/timesheets/{id}"): (200, 200, 404, 403, 403, 403, 401),
    ("DELETE", "/v1/timesheets/{id}"): (204, 204, 404, 403, 403, 403, 401),
    ("POST", "/v1/timesheets/{id}/submit"): (200, 200, 404, 403, 403, 403, 401),
    # Deciding is for admins and the project's managers (see MANAGER): every other staff person is refused (403),
    # whether or not they may read the sheet.
    ("POST", "/v1/timesheets/{id}/approve"): (200, 403, 403, 403, 403, 403, 401),
    ("POST", "/v1/timesheets/{id}/reject"): (200, 403, 403, 403, 403, 403, 401),
    # A project's schedule (Gantt, calendar) is the workspace's: staff who may see the project (the outsider agent
    # is no member of Incoming A: 404); customers plan nothing (403, before the project is looked at).
    ("GET", "/v1/projects/{id}/schedule"): (200, 200, 404, 403, 403, 403, 401),
    # Issue 15. Every agent knows every project's name and may ask to join one it is no member of (the member agent:
    # 409); admins and customers do not ask (403), a customer who does not follow it, or of another tenant, does not
    # know it (404). The row's request is another agent's: admins (and the manager, see MANAGER) decide on it, agents
    # read only their own requests. Sharing: admins (and managers); a project the caller cannot see is 422 (its
    # index named), one it sees but may not share 403.
    ("GET", "/v1/projects/joinable"): (200, 200, 200, 200, 200, 200, 401),
    ("POST", "/v1/projects/{id}/join-requests"): (403, 409, 201, 403, 404, 404, 401),
    ("GET", "/v1/projects/{id}/join-requests"): (200, 200, 200, 403, 404, 404, 401),
    ("POST", "/v1/projects/{id}/join-requests/{rid}/approve"): (200, 403, 403, 403, 404, 404, 401),
    ("POST", "/v1/projects/{id}/join-requests/{rid}/decline"): (200, 403, 403, 403, 404, 404, 401),
    ("POST", "/v1/projects/share"): (200, 403, 422, 403, 422, 422, 401),
    # A project's sub-folders are read like its schedule and changed like its items: staff who see the project (the
    # outsider: 404); customers never (403, before the project is looked at). The row's folder is empty.
    ("GET", "/v1/projects/{id}/folders"): (200, 200, 404, 403, 403, 403, 401),
    ("POST", "/v1/projects/{id}/folders"): (201, 201, 404, 403, 403, 403, 401),
    ("PATCH", "/v1/projects/{id}/folders/{fid}"): (200, 200, 404, 403, 403, 403, 401),
    ("DELETE", "/v1/projects/{id}/folders/{fid}"): (204, 204, 404, 403, 403, 403, 401),
    # Time reports and statements: staff (an agent's are narrowed to their own time); time spent on an item: staff who
    # see the item (the requester sees it, so 403; whoever does not, 404).
    ("GET", "/v1/reports/time"): (200, 200, 200, 403, 403, 403, 401),
    ("GET", "/v1/reports/time/statement"): (200, 200, 200, 403, 403, 403, 401),
    ("GET", "/v1/items/{ref}/time"): (200, 200, 404, 403, 404, 404, 401),
    # Knowledge base (issue 14): staff read categories and articles, admins write categories, agents articles too;
    # customers read articles through the portal only. The targets are an empty category and an article
    # published for CustomerA's organisation: Bob, another tenant's customer and visitors find no such article.
    ("GET", "/v1/kb/categories"): (200, 200, 200, 403, 403, 403, 401),
    ("POST", "/v1/kb/categories"): (201, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/kb/categories/{id}"): (200, 200, 200, 403, 403, 403, 401),
    ("PATCH", "/v1/kb/categories/{id}"): (200, 403, 403, 403, 403, 403, 401),
    ("DELETE", "/v1/kb/categories/{id}"): (204, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/kb/articles"): (200, 200, 200, 403, 403, 403, 401),
    ("POST", "/v1/kb/articles"): (201, 201, 201, 403, 403, 403, 401),
    ("GET", "/v1/kb/articles/{id}"): (200, 200, 200, 403, 403, 403, 401),
    ("PATCH", "/v1/kb/articles/{id}"): (200, 200, 200, 403, 403, 403, 401),
    ("DELETE", "/v1/kb/articles/{id}"): (204, 204, 204, 403, 403, 403, 401),
    ("GET", "/v1/public/{slug}/kb"): (200, 200, 200, 200, 200, 200, 200),
    ("GET", "/v1/public/{slug}/kb/{id}"): (200, 200, 200, 200, 404, 404, 404),
    ("POST", "/v1/public/{slug}/kb/{id}/feedback"): (204, 204, 204, 204, 404, 404, 404),
    # Live chat (issue 14) is answered by the tenant's agents and admins, whatever their projects. The targets: a
    # waiting chat to accept, and a chat the member agent took: only they (or an admin) speak in it or close it.
    ("GET", "/v1/chats"): (200, 200, 200, 403, 403, 403, 401),
    ("GET", "/v1/chats/{id}"): (200, 200, 200, 403, 403, 403, 401),
    ("POST", "/v1/chats/{id}/accept"): (200, 200, 200, 403, 403, 403, 401),
    ("POST", "/v1/chats/{id}/messages"): (201, 201, 403, 403, 403, 403, 401),
    ("POST", "/v1/chats/{id}/close"): (200, 200, 403, 403, 403, 403, 401),
    # Importing a Microsoft Project plan into Incoming (A): admins and its managers (see MANAGER). Whoever sees the
    # project but does not administer it gets 403; whoever cannot see it, 422 on project_id (it names nothing).
    ("POST", "/v1/imports/msproject"): (200, 403, 422, 403, 422, 422, 401),
    # CSV imports (issue 15) make people and items in bulk: admins only (guessing a mapping is part of importing).
    ("POST", "/v1/imports"): (200, 403, 403, 403, 403, 403, 401),
    ("POST", "/v1/imports/mapping"): (200, 403, 403, 403, 403, 403, 401),
    # Roles (issue 15) are people.manage's: admins only among these. The target is a custom role nobody holds.
    ("GET", "/v1/roles"): (200, 403, 403, 403, 403, 403, 401),
    ("POST", "/v1/roles"): (201, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/roles/privileges"): (200, 403, 403, 403, 403, 403, 401),
    ("GET", "/v1/roles/{id}"): (200, 403, 403, 403, 403, 403, 401),
    ("PATCH", "/v1/roles/{id}"): (200, 403, 403, 403, 403, 403, 401),
    ("DELETE", "/v1/roles/{id}"): (204, 403, 403, 403, 403, 403, 401),
}

# A project's manager is a role-like case of its own: Max, an agent, a member of Incoming (A) in his own name (not
# through the team) and its manager (issue 13). He answers as the member agent (the second column above) on every
# route but these: the targets are the member agent's own (her profile, timers, view), and her timesheets are on
# the project he manages: he reads and decides on them, but does not change, submit or delete them.
MANAGER: dict[tuple[str, str], int] = {
    ("PATCH", "/v1/users/{id}"): 403,
    ("PATCH", "/v1/views/{id}"): 403,
    ("DELETE", "/v1/views/{id}"): 403,
    ("POST", "/v1/timers/{id}/pause"): 404,
    ("POST", "/v1/timers/{id}/resume"): 404,
    ("POST", "/v1/timers/{id}/stop"): 404,
    ("PATCH", "/v1/timesheets/{id}"): 403,
    ("DELETE", "/v1/timesheets/{id}"): 403,
    ("POST", "/v1/timesheets/{id}/submit"): 403,
    ("POST", "/v1/timesheets/{id}/approve"): 200,
    ("POST", "/v1/timesheets/{id}/reject"): 200,
    ("POST", "/v1/chats/{id}/messages"): 403,
    ("POST", "/v1/chats/{id}/close"): 403,
    # Issue 15: he decides on requests to join his project and shares it.
    ("POST", "/v1/projects/{id}/join-requests/{rid}/approve"): 200,
    ("POST", "/v1/projects/{id}/join-requests/{rid}/decline"): 200,
    ("POST", "/v1/projects/share"): 200,
    ("POST", "/v1/imports/msproject"): 200,
}

# The integration role (API keys of the agency) on every route. Columns: a key with every scope, items:read only,
# items:write only, hooks only. A write-only key knows items exist (404 → 403 on reads) so it can change them.
KEY_SCOPES = {
    "key_all": ["items:read", "items:write", "hooks"],
    "key_read": ["items:read"],
    "key_write": ["items:write"],
    "key_hooks": ["hooks"],
}
DENIED = (403, 403, 403, 403)
INTEGRATION: dict[tuple[str, str], tuple[int, ...]] = {
    ("GET", "/v1/health"): (200, 200, 200, 200),
    ("GET", "/v1/openapi.json"): (200, 200, 200, 200),
    ("POST", "/v1/signup"): (201, 201, 201, 201),
    ("POST", "/v1/auth/login"): (200, 200, 200, 200),
    ("POST", "/v1/auth/logout"): (200, 200, 200, 200),
    ("POST", "/v1/auth/magic-link/redeem"): (401, 401, 401, 401),
    ("POST", "/v1/public/{slug}/magic-link"): (202, 202, 202, 202),
    ("GET", "/v1/public/{slug}/forms"): (200, 200, 200, 200),
    ("GET", "/v1/public/{slug}/widget"): (200, 200, 200, 200),
    ("POST", "/v1/public/{slug}/forms/{type_id}"): (201, 403, 201, 403),
    ("GET", "/v1/public/{slug}/unsubscribe"): (200, 200, 200, 200),
    ("POST", "/v1/public/{slug}/unsubscribe"): (401, 401, 401, 401),
    ("GET", "/v1/me"): (200, 200, 200, 200),
    ("GET", "/v1/settings"): DENIED,
    ("PATCH", "/v1/settings"): DENIED,
    ("POST", "/v1/items"): (201, 403, 201, 403),
    ("GET", "/v1/items"): (200, 200, 200, 200),
    ("GET", "/v1/search"): (200, 200, 200, 200),
    ("GET", "/v1/items/{ref}"): (200, 200, 403, 404),
    ("PATCH", "/v1/items/{ref}"): (200, 403, 200, 404),
    ("POST", "/v1/items/{ref}/convert"): (403, 403, 403, 404),
    ("GET", "/v1/items/{ref}/messages"): (200, 200, 403, 404),
    ("POST", "/v1/items/{ref}/messages"): (201, 403, 201, 404),
    # The history is read with the right to change: a read-only key does not see who did what internally.
    ("GET", "/v1/items/{ref}/activity"): (200, 403, 403, 404),
    ("POST", "/v1/items/{ref}/attachments"): (201, 403, 201, 404),
    ("GET", "/v1/items/{ref}/attachments/{attachment_id}"): (200, 200, 403, 404),
    ("DELETE", "/v1/items/{ref}/attachments/{attachment_id}"): (204, 403, 403, 404),
    ("GET", "/v1/users"): DENIED,
    ("POST", "/v1/users"): DENIED,
    ("GET", "/v1/users/{id}"): DENIED,
    ("PATCH", "/v1/users/{id}"): DENIED,
    ("GET", "/v1/customers"): DENIED,
    ("POST", "/v1/customers"): DENIED,
    ("GET", "/v1/customers/{id}"): DENIED,
    ("PATCH", "/v1/customers/{id}"): DENIED,
    ("GET", "/v1/teams"): DENIED,
    ("POST", "/v1/teams"): DENIED,
    ("GET", "/v1/teams/{id}"): DENIED,
    ("PATCH", "/v1/teams/{id}"): DENIED,
    ("GET", "/v1/organizations"): DENIED,
    ("POST", "/v1/organizations"): DENIED,
    ("GET", "/v1/organizations/{id}"): DENIED,
    ("PATCH", "/v1/organizations/{id}"): DENIED,
    ("GET", "/v1/portfolios"): DENIED,
    ("POST", "/v1/portfolios"): DENIED,
    ("GET", "/v1/portfolios/{id}"): DENIED,
    ("PATCH", "/v1/portfolios/{id}"): DENIED,
    # Either item scope reads the projects and item types items are filed with (a Zap's dropdowns).
    ("GET", "/v1/projects"): (200, 200, 200, 403),
    ("POST", "/v1/projects"): DENIED,
    ("GET", "/v1/projects/{id}"): (200, 200, 200, 404),
    ("PATCH", "/v1/projects/{id}"): (403, 403, 403, 404),
    ("GET", "/v1/item-types"): (200, 200, 200, 403),
    ("POST", "/v1/item-types"): DENIED,
    ("GET", "/v1/item-types/{id}"): (200, 200, 200, 403),
    ("PATCH", "/v1/item-types/{id}"): DENIED,
    ("GET", "/v1/rules"): DENIED,
    ("POST", "/v1/rules"): DENIED,
    ("GET", "/v1/rules/{id}"): DENIED,
    ("PATCH", "/v1/rules/{id}"): DENIED,
    ("DELETE", "/v1/rules/{id}"): DENIED,
    ("PUT", "/v1/rules/order"): DENIED,
    ("POST", "/v1/rules/{id}/dry-run"): DENIED,
    ("GET", "/v1/macros"): DENIED,
    ("POST", "/v1/macros"): DENIED,
    ("GET", "/v1/macros/{id}"): (404, 404, 404, 404),
    ("PATCH", "/v1/macros/{id}"): DENIED,
    ("DELETE", "/v1/macros/{id}"): DENIED,
    # The item first (a read-only key may not change it, a hooks key does not know it), then the macro: staff only.
    ("POST", "/v1/items/{ref}/macros/{macro_id}"): (404, 403, 404, 404),
    # Queue counts with items:read; bulk changes with items:write.
    ("GET", "/v1/queues"): (200, 200, 403, 403),
    ("POST", "/v1/items/bulk"): (200, 403, 200, 403),
    ("GET", "/v1/sla-policies"): DENIED,
    ("POST", "/v1/sla-policies"): DENIED,
    ("GET", "/v1/sla-policies/{id}"): DENIED,
    ("PATCH", "/v1/sla-policies/{id}"): DENIED,
    ("DELETE", "/v1/sla-policies/{id}"): DENIED,
    ("GET", "/v1/api-keys"): DENIED,
    ("POST", "/v1/api-keys"): DENIED,
    ("POST", "/v1/api-keys/{id}/rotate"): DENIED,
    ("DELETE", "/v1/api-keys/{id}"): DENIED,
    ("GET", "/v1/auth/test"): (200, 200, 200, 200),
    # REST hooks: the `hooks` scope, nothing else.
    ("POST", "/v1/hooks"): (201, 403, 403, 201),
    ("GET", "/v1/hooks"): (200, 403, 403, 200),
    ("DELETE", "/v1/hooks/{id}"): (204, 403, 403, 204),
    ("POST", "/v1/hooks/{id}/rotate-secret"): (200, 403, 403, 200),
    ("GET", "/v1/hooks/{id}/deliveries"): (200, 403, 403, 200),
    ("POST", "/v1/hooks/{id}/deliveries/{delivery_id}/redeliver"): (200, 403, 403, 200),
    ("GET", "/v1/hooks/events/{event}"): (200, 403, 403, 200),
    ("GET", "/v1/inbound-webhooks"): DENIED,
    ("POST", "/v1/inbound-webhooks"): DENIED,
    ("GET", "/v1/inbound-webhooks/{id}"): DENIED,
    ("PATCH", "/v1/inbound-webhooks/{id}"): DENIED,
    ("DELETE", "/v1/inbound-webhooks/{id}"): DENIED,
    ("POST", "/v1/inbound-webhooks/{id}/rotate"): DENIED,
    ("POST", "/v1/public/inbound/{token}"): (202, 202, 202, 202),
    # A key is no person: no inbox, no stamp, no directory.
    ("GET", "/v1/changes"): DENIED,
    ("GET", "/v1/notifications"): DENIED,
    ("POST", "/v1/notifications/read"): DENIED,
    ("GET", "/v1/people"): DENIED,
    # Saved views belong to people, not keys.
    ("GET", "/v1/views"): DENIED,
    ("POST", "/v1/views"): DENIED,
    ("GET", "/v1/views/columns"): DENIED,
    ("GET", "/v1/views/{id}"): DENIED,
    ("PATCH", "/v1/views/{id}"): DENIED,
    ("DELETE", "/v1/views/{id}"): DENIED,
    ("GET", "/v1/views/{id}/items"): DENIED,
    ("GET", "/v1/views/{id}/export"): DENIED,
    # A key tracks no time and decides on none.
    ("POST", "/v1/timers"): DENIED,
    ("GET", "/v1/timers"): DENIED,
    ("GET", "/v1/timers/current"): DENIED,
    ("POST", "/v1/timers/{id}/pause"): DENIED,
    ("POST", "/v1/timers/{id}/resume"): DENIED,
    ("POST", "/v1/timers/{id}/stop"): DENIED,
    ("GET", "/v1/timesheets"): DENIED,
    ("POST", "/v1/timesheets"): DENIED,
    ("GET", "/v1/timesheets/{id}"): DENIED,
    ("PATCH", "/v1/timesheets/{id}"): DENIED,
    ("DELETE", "/v1/timesheets/{id}"): DENIED,
    ("POST", "/v1/timesheets/{id}/submit"): DENIED,
    ("POST", "/v1/timesheets/{id}/approve"): DENIED,
    ("POST", "/v1/timesheets/{id}/reject"): DENIED,
    # Reading a schedule is reading items: items:read.
    ("GET", "/v1/projects/{id}/schedule"): (200, 200, 403, 403),
    # Issue 15: a key asks to join nothing and decides nothing (the hooks key does not know the project); folders
    # are read with items:read and changed with items:write.
    ("GET", "/v1/projects/joinable"): (200, 200, 200, 403),
    ("POST", "/v1/projects/{id}/join-requests"): (403, 403, 403, 404),
    ("GET", "/v1/projects/{id}/join-requests"): (403, 403, 403, 404),
    ("POST", "/v1/projects/{id}/join-requests/{rid}/approve"): (403, 403, 403, 404),
    ("POST", "/v1/projects/{id}/join-requests/{rid}/decline"): (403, 403, 403, 404),
    ("POST", "/v1/projects/share"): (403, 403, 403, 422),
    ("GET", "/v1/projects/{id}/folders"): (200, 200, 403, 403),
    ("POST", "/v1/projects/{id}/folders"): (201, 403, 201, 403),
    ("PATCH", "/v1/projects/{id}/folders/{fid}"): (200, 403, 200, 403),
    ("DELETE", "/v1/projects/{id}/folders/{fid}"): (204, 403, 204, 403),
    ("GET", "/v1/reports/time"): DENIED,
    ("GET", "/v1/reports/time/statement"): DENIED,
    # A key that knows the item may not read its time; the hooks key does not know it.
    ("GET", "/v1/items/{ref}/time"): (403, 403, 403, 404),
    # The knowledge base is people's work; on the portal a key is nobody (public articles only: the target is not).
    ("GET", "/v1/kb/categories"): DENIED,
    ("POST", "/v1/kb/categories"): DENIED,
    ("GET", "/v1/kb/categories/{id}"): DENIED,
    ("PATCH", "/v1/kb/categories/{id}"): DENIED,
    ("DELETE", "/v1/kb/categories/{id}"): DENIED,
    ("GET", "/v1/kb/articles"): DENIED,
    ("POST", "/v1/kb/articles"): DENIED,
    ("GET", "/v1/kb/articles/{id}"): DENIED,
    ("PATCH", "/v1/kb/articles/{id}"): DENIED,
    ("DELETE", "/v1/kb/articles/{id}"): DENIED,
    ("GET", "/v1/public/{slug}/kb"): (200, 200, 200, 200),
    ("GET", "/v1/public/{slug}/kb/{id}"): (404, 404, 404, 404),
    ("POST", "/v1/public/{slug}/kb/{id}/feedback"): (404, 404, 404, 404),
    # Chats are answered by people.
    ("GET", "/v1/chats"): DENIED,
    ("GET", "/v1/chats/{id}"): DENIED,
    ("POST", "/v1/chats/{id}/accept"): DENIED,
    ("POST", "/v1/chats/{id}/messages"): DENIED,
    ("POST", "/v1/chats/{id}/close"): DENIED,
    # A key administers no project; a key of either item scope sees Incoming (A), the hooks key names nothing.
    ("POST", "/v1/imports/msproject"): (403, 403, 403, 422),
    # Keys may not import, whatever their scopes: an import makes people, which no key may.
    ("POST", "/v1/imports"): DENIED,
    ("POST", "/v1/imports/mapping"): DENIED,
    # Roles are people's.
    ("GET", "/v1/roles"): DENIED,
    ("POST", "/v1/roles"): DENIED,
    ("GET", "/v1/roles/privileges"): DENIED,
    ("GET", "/v1/roles/{id}"): DENIED,
    ("PATCH", "/v1/roles/{id}"): DENIED,
    ("DELETE", "/v1/roles/{id}"): DENIED,
}

TARGET_IDS = {
    "/v1/users/{id}": "member",
    "/v1/customers/{id}": "cust_a",
    "/v1/teams/{id}": "team",
    "/v1/organizations/{id}": "org_a",
    "/v1/portfolios/{id}": "pf_a",
    "/v1/projects/{id}": "incoming_a",
    "/v1/projects/{id}/schedule": "incoming_a",
    "/v1/projects/{id}/join-requests": "incoming_a",
    "/v1/projects/{id}/join-requests/{rid}/approve": "incoming_a",
    "/v1/projects/{id}/join-requests/{rid}/decline": "incoming_a",
    "/v1/projects/{id}/folders": "incoming_a",
    "/v1/projects/{id}/folders/{fid}": "incoming_a",
    "/v1/item-types/{id}": "ticket_type",
    "/v1/rules/{id}": "rule",
    "/v1/rules/{id}/dry-run": "rule",
    "/v1/macros/{id}": "macro",
    "/v1/sla-policies/{id}": "sla_policy",
    "/v1/hooks/{id}": "hook",
    "/v1/hooks/{id}/rotate-secret": "hook",
    "/v1/hooks/{id}/deliveries": "hook",
    "/v1/hooks/{id}/deliveries/{delivery_id}/redeliver": "hook",
    "/v1/api-keys/{id}": "api_key",
    "/v1/api-keys/{id}/rotate": "api_key",
    "/v1/inbound-webhooks/{id}": "inbound_webhook",
    "/v1/inbound-webhooks/{id}/rotate": "inbound_webhook",
    "/v1/views/{id}": "view",
    "/v1/views/{id}/items": "view",
    "/v1/views/{id}/export": "view",
    "/v1/timers/{id}/pause": "timer",
    "/v1/timers/{id}/resume": "timer_paused",
    "/v1/timers/{id}/stop": "timer",
    "/v1/timesheets/{id}": "timesheet",
    "/v1/timesheets/{id}/submit": "timesheet",
    "/v1/timesheets/{id}/approve": "timesheet_submitted",
    "/v1/timesheets/{id}/reject": "timesheet_submitted",
    "/v1/kb/categories/{id}": "kb_category",
    "/v1/kb/articles/{id}": "kb_article",
    "/v1/public/{slug}/kb/{id}": "kb_article",
    "/v1/public/{slug}/kb/{id}/feedback": "kb_article",
    "/v1/chats/{id}": "chat",
    "/v1/chats/{id}/accept": "chat_waiting",
    "/v1/chats/{id}/messages": "chat",
    "/v1/chats/{id}/close": "chat",
    "/v1/roles/{id}": "target_role",
}
# A two-task Microsoft Project plan (the import's row).
MINI_PLAN = ('<Project xmlns="http://schemas.microsoft.com/project"><Tasks>'
             "<Task><UID>1</UID><Name>Plan</Name><OutlineLevel>1</OutlineLevel></Task>"
             "<Task><UID>2</UID><Name>Do</Name><OutlineLevel>2</OutlineLevel></Task></Tasks></Project>")
# Query strings a route needs to be called at all.
QUERIES = {"/v1/search": "?q=ticket"}
_counter = itertools.count()


def _path(template: str, w) -> str:
    ids = w.ids
    path = template.replace("{slug}", "agency").replace("{ref}", ids["item_a"].ref)
    path = path.replace("{type_id}", ids["ticket_type"].id).replace("{attachment_id}", ids["attachment"].id)
    path = path.replace("{macro_id}", ids["macro"].id).replace("{event}", "item.created")
    if "{delivery_id}" in path:
        path = path.replace("{delivery_id}", ids["delivery"].id)
    path = path.replace("{macro_id}", ids["macro"].id).replace("{token}", ids["inbound_token"])
    path = path.replace("{rid}", ids["join_request"].id).replace("{fid}", ids["folder"].id)
    if "{id}" in path:
        path = path.replace("{id}", ids[TARGET_IDS[template]].id)
    if template == "/v1/people":
        path += f"?ids={ids['cust_a'].id},{ids['member'].id}"
    if template == "/v1/reports/time/statement":
        path += f"?organization_id={ids['org_a'].id}&from=2026-03-01&to=2026-03-31"
    return path + QUERIES.get(template, "")


def _body(method: str, template: str, w) -> dict | None:
    n = next(_counter)
    bodies = {
        "/v1/signup": {"organization": "New", "slug": f"new-{n}", "email": f"x{n}@new.example", "password": PASSWORD},
        "/v1/auth/login": {"tenant": "agency", "email": "admin@agency.example", "password": PASSWORD},
        "/v1/auth/magic-link/redeem": {"token": "not-a-token"},
        "/v1/public/{slug}/magic-link": {"email": "alice@customer-a.example"},
        "/v1/public/{slug}/forms/{type_id}": {"title": "Form request", "description": "from the matrix"},
        "/v1/settings": {"acknowledge_new_tickets": True},
        "/v1/items": {"type_id": w.ids["ticket_type"].id, "title": "New from matrix"},
        "/v1/items/{ref}": {"priority": "high"},
        "/v1/items/{ref}/convert": {"to": "task"},
        "/v1/items/bulk": {"refs": [w.ids["item_a"].ref], "set": {"priority": "high"}},
        "/v1/items/{ref}/messages": {"body": "hello", "visibility": "public"},
        "/v1/items/{ref}/attachments": {"filename": "a.txt", "content_type": "text/plain", "size": 5},
        "/v1/users": {"email": f"u{n}@agency.example", "name": "New User", "role": "agent"},
        "/v1/customers": {"email": f"c{n}@customer-a.example", "name": "New Customer"},
        "/v1/teams": {"name": f"Team {n}"},
        "/v1/organizations": {"name": f"Org {n}", "domains": [f"org{n}.example"]},
        "/v1/portfolios": {"name": f"Portfolio {n}"},
        "/v1/projects": {"name": f"Project {n}"},
        "/v1/item-types": {"name": f"Type {n}", "kind": "ticket"},
        "/v1/rules": {"name": f"Rule {n}", "trigger": "item_created", "actions": [{"type": "add_tag", "value": "x"}]},
        "/v1/rules/order": {"order": [w.ids["rule"].id]},
        "/v1/rules/{id}/dry-run": {"ref": w.ids["item_a"].ref},
        "/v1/sla-policies": {"name": f"SLA {n}", "first_response_minutes": 60},
        "/v1/macros": {"name": f"Macro {n}", "actions": [{"type": "set_priority", "value": "high"}]},
        "/v1/hooks": {"target_url": "https://hooks.example/in", "event": "item.created"},
        "/v1/api-keys": {"name": f"Key {n}", "scopes": ["items:read"]},
        "/v1/inbound-webhooks": {"name": f"Hook {n}", "type_id": w.ids["ticket_type"].id},
        "/v1/public/inbound/{token}": {"title": "From a shop"},
        "/v1/notifications/read": {"all": True},
        "/v1/views": {"name": f"View {n}", "columns": ["ref", "title"]},
        "/v1/timers": {"item_ref": w.ids["item_a"].ref},
        "/v1/timesheets": {"item_ref": w.ids["item_a"].ref, "date": "2026-03-02", "minutes": 30},
        "/v1/timesheets/{id}/reject": {"reason": "split it per task"},
        "/v1/kb/categories": {"name": f"Category {n}"},
        "/v1/kb/articles": {"title": f"Article {n}", "body_markdown": "Some *help*."},
        "/v1/public/{slug}/kb/{id}/feedback": {"helpful": True, "visitor": f"visitor-{n:06d}"},
        "/v1/chats/{id}/messages": {"text": "hello from the matrix"},
        "/v1/projects/{id}/join-requests": {"message": "let me in"},
        "/v1/projects/share": {"project_ids": [w.ids["incoming_a"].id], "members": [f"user:{w.ids['outsider'].id}"],
                               "followers": [w.ids["cust_a"].id]},
        "/v1/projects/{id}/folders": {"name": f"Folder {n}"},
        "/v1/imports/msproject": {"project_id": w.ids["incoming_a"].id, "xml": MINI_PLAN},
        "/v1/imports": {"kind": "customers", "csv": f"Email,Name\nimported{n}@customer-a.example,Imported\n",
                        "mapping": {"Email": "email", "Name": "name"}, "dry_run": n % 2 == 0},
        "/v1/imports/mapping": {"kind": "items", "header": ["Subject", "E-mail", "Created"]},
        "/v1/roles": {"name": f"Role {n}", "privileges": ["items.note"]},
    }
    if method == "PATCH" and template == "/v1/timesheets/{id}":
        return {"minutes": 45}
    if method == "PATCH" and template == "/v1/kb/articles/{id}":
        return {"title": f"Retitled {n}"}
    if method == "PATCH" and "{id}" in template:
        return {"name": f"Renamed {n}"}
    return bodies.get(template, None if method == "GET" else {})


def registered_routes() -> set[tuple[str, str]]:
    """Every operation of the route table (the 405/404 fallbacks are not operations)."""
    import app  # noqa: F401  (registers the routes)
    from api.ops import OPS

    return {(o.method, o.path) for o in OPS}


def test_every_route_has_a_row():
    missing = registered_routes() - set(MATRIX)
    extra = set(MATRIX) - registered_routes()
    assert not missing, f"routes without a row in the permission matrix: {sorted(missing)}"
    assert not extra, f"rows for routes that do not exist: {sorted(extra)}"


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_matrix(route, api, container):
    method, template = route
    expected = dict(zip(ROLES, MATRIX[route], strict=True))
    got = {}
    for role in ROLES:
        container.deps.repos = _fresh_repos()
        w = _world(container.deps)
        _with_hook(w)
        resp = api.call(method, _path(template, w), _body(method, template, w), token=w.token(role))
        got[role] = resp.status_code
        if resp.status_code >= 400:
            assert set(resp.data) == {"error"} and resp.data["error"]["code"], resp.data
    assert got == expected


def _with_hook(w) -> None:
    """A subscription of the agency with one delivery in its log (the target of the hook rows)."""
    from tandem.domain.hooks import item_event
    from tandem.services.emit_hooks import deliver
    from tandem.services.manage_hooks import create_hook

    body = {"target_url": "https://hooks.example/in", "event": "item.created"}
    hook = create_hook(w.deps, _principal(w.ids["admin"]), body)
    deliver(w.deps, hook.tenant_id, hook.id, hook.target_url, item_event("item.created", w.ids["item_a"]))
    w.ids["hook"] = hook
    w.ids["delivery"] = w.deps.repos.deliveries.list_for_hook(hook.tenant_id, hook.id).items[0]


def test_every_manager_row_is_a_route():
    assert set(MANAGER) <= registered_routes(), sorted(set(MANAGER) - registered_routes())


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_manager_matrix(route, api, container):
    method, template = route
    expected = MANAGER.get(route, MATRIX[route][ROLES.index("agent_member")])
    container.deps.repos = _fresh_repos()
    w = _world(container.deps)
    _with_hook(w)
    resp = api.call(method, _path(template, w), _body(method, template, w), token=w.token("manager"))
    if resp.status_code >= 400:
        assert set(resp.data) == {"error"} and resp.data["error"]["code"], resp.data
    assert resp.status_code == expected, resp.data


# Roles (issue 15): the new built-ins and one custom role on every route. Each column is a staff person who, like
# the member agent, belongs to Customer support (so to Incoming A); each answers as the member agent (MATRIX's
# second column) except on the routes listed under its name, each with its reason.
CUSTOM_ROLE = {"name": "Configurator", "description": "Keeps the desk's configuration; writes private notes",
               "privileges": ["settings.manage", "directory.read", "items.note"]}
ROLE_COLUMNS = ("light_agent", "project_manager", "billing", "custom")
Row = tuple[str, str]


def _rows(code: int, reason: str, *routes: Row) -> dict[Row, tuple[int, str]]:
    return {route: (code, reason) for route in routes}


def _success(route: Row) -> int:
    """What the admin gets (MATRIX's first column)."""
    return MATRIX[route][0]


MIAS_OWN = {  # the targets that are the member agent's own: another person is not her
    **_rows(403, "Mia's profile: changing it is self-service for her alone", ("PATCH", "/v1/users/{id}")),
    **_rows(403, "Mia's shared view: only its owner (or settings.manage) changes it", ("PATCH", "/v1/views/{id}"),
            ("DELETE", "/v1/views/{id}")),
}
TIMERS_OF_MIA = [("POST", "/v1/timers/{id}/pause"), ("POST", "/v1/timers/{id}/resume"),
                 ("POST", "/v1/timers/{id}/stop")]
SHEET_CHANGES = [("PATCH", "/v1/timesheets/{id}"), ("DELETE", "/v1/timesheets/{id}"),
                 ("POST", "/v1/timesheets/{id}/submit")]
NO_ITEM_EDIT = [("POST", "/v1/items"), ("POST", "/v1/public/{slug}/forms/{type_id}"), ("PATCH", "/v1/items/{ref}"),
                ("POST", "/v1/items/bulk"), ("POST", "/v1/items/{ref}/convert"),
                ("POST", "/v1/items/{ref}/macros/{macro_id}")]
CHATS = [("GET", "/v1/chats"), ("GET", "/v1/chats/{id}"), ("POST", "/v1/chats/{id}/accept"),
         ("POST", "/v1/chats/{id}/messages"), ("POST", "/v1/chats/{id}/close")]
FOLDER_WRITES = [("POST", "/v1/projects/{id}/folders"), ("PATCH", "/v1/projects/{id}/folders/{fid}"),
                 ("DELETE", "/v1/projects/{id}/folders/{fid}")]
READS_NOT_CHANGES = {  # light agents, billing and the custom role change nothing of an item's or its customers'
    **_rows(403, "filing items in folders is changing items: items.edit", *FOLDER_WRITES),
    **_rows(403, "no items.edit: opening and changing items (forms, bulk, macros, conversion) is refused",
            *NO_ITEM_EDIT),
    **_rows(403, "no items.reply: the matrix posts a public reply", ("POST", "/v1/items/{ref}/messages")),
    **_rows(403, "removing another's attachment changes the item: items.edit",
            ("DELETE", "/v1/items/{ref}/attachments/{attachment_id}")),
    **_rows(403, "no customers.create", ("POST", "/v1/customers"), ("POST", "/v1/organizations")),
    **_rows(403, "no kb.write", ("POST", "/v1/kb/articles")),
    **_rows(403, "no items.reply: live chat is a public reply", *CHATS),
}
CONFIGURATION = [("GET", "/v1/settings"), ("PATCH", "/v1/settings"), ("POST", "/v1/item-types"),
                 ("PATCH", "/v1/item-types/{id}"), ("GET", "/v1/rules"), ("POST", "/v1/rules"),
                 ("GET", "/v1/rules/{id}"),
                 ("PATCH", "/v1/rules/{id}"), ("DELETE", "/v1/rules/{id}"), ("PUT", "/v1/rules/order"),
                 ("POST", "/v1/rules/{id}/dry-run"), ("POST", "/v1/macros"), ("PATCH", "/v1/macros/{id}"),
                 ("DELETE", "/v1/macros/{id}"), ("POST", "/v1/sla-policies"), ("PATCH", "/v1/sla-policies/{id}"),
                 ("DELETE", "/v1/sla-policies/{id}"), ("GET", "/v1/inbound-webhooks"),
                 ("POST", "/v1/inbound-webhooks"), ("GET", "/v1/inbound-webhooks/{id}"),
                 ("PATCH", "/v1/inbound-webhooks/{id}"), ("DELETE", "/v1/inbound-webhooks/{id}"),
                 ("POST", "/v1/inbound-webhooks/{id}/rotate"), ("POST", "/v1/kb/categories"),
                 ("PATCH", "/v1/kb/categories/{id}"), ("DELETE", "/v1/kb/categories/{id}")]
TIME_OF_ONES_OWN = [("POST", "/v1/timers"), ("GET", "/v1/timers"), ("GET", "/v1/timers/current"),
                    ("POST", "/v1/timesheets")]
VIEWS = [("GET", "/v1/views"), ("POST", "/v1/views"), ("GET", "/v1/views/columns"), ("GET", "/v1/views/{id}"),
         ("PATCH", "/v1/views/{id}"), ("DELETE", "/v1/views/{id}"), ("GET", "/v1/views/{id}/items"),
         ("GET", "/v1/views/{id}/export")]
TIME_READS = [("GET", "/v1/timesheets"), ("GET", "/v1/timesheets/{id}"), ("GET", "/v1/reports/time"),
              ("GET", "/v1/reports/time/statement"), ("GET", "/v1/items/{ref}/time")]

ROLE_DEVIATIONS: dict[str, dict[Row, tuple[int, str]]] = {
    # directory.read, items.note, time.track, views.save: a collaborator on the items of their projects.
    "light_agent": {
        **MIAS_OWN,
        **READS_NOT_CHANGES,
        **_rows(404, "Mia's timer: each person's own", *TIMERS_OF_MIA),
        **_rows(404, "Mia's timesheet: time.track reads one's own only", ("GET", "/v1/timesheets/{id}"),
                *SHEET_CHANGES),
    },
    # The agent's privileges + projects.manage, time.read_all, time.approve.
    "project_manager": {
        **MIAS_OWN,
        **_rows(404, "Mia's timer: each person's own", *TIMERS_OF_MIA),
        **_rows(403, "reads Mia's timesheet (time.read_all) but changes none: time.manage", *SHEET_CHANGES),
        **_rows(200, "time.approve decides every timesheet", ("POST", "/v1/timesheets/{id}/approve"),
                ("POST", "/v1/timesheets/{id}/reject")),
        **_rows(200, "projects.manage", ("PATCH", "/v1/portfolios/{id}"), ("PATCH", "/v1/projects/{id}")),
        **_rows(201, "projects.manage", ("POST", "/v1/portfolios"), ("POST", "/v1/projects")),
        **_rows(403, "the chat Mia took: stepping in needs items.see_all", ("POST", "/v1/chats/{id}/messages"),
                ("POST", "/v1/chats/{id}/close")),
        **_rows(200, "projects.manage administers every project: shares it, decides its join requests, imports plans",
                ("POST", "/v1/projects/share"), ("POST", "/v1/projects/{id}/join-requests/{rid}/approve"),
                ("POST", "/v1/projects/{id}/join-requests/{rid}/decline"), ("POST", "/v1/imports/msproject")),
        **_rows(403, "projects.manage adds itself to a project: it does not ask to join",
                ("POST", "/v1/projects/{id}/join-requests")),
    },
    # directory.read, items.see_all, time.read_all, views.save: reads, changes nothing.
    "billing": {
        **MIAS_OWN,
        **READS_NOT_CHANGES,
        **_rows(403, "no items.note nor items.reply: nothing to attach a file to",
                ("POST", "/v1/items/{ref}/attachments")),
        **_rows(403, "no time.track: no timers or timesheets of its own", *TIME_OF_ONES_OWN, *TIMERS_OF_MIA),
        **_rows(403, "reads Mia's timesheet (time.read_all) but changes none", *SHEET_CHANGES),
    },
    # CUSTOM_ROLE: settings.manage, directory.read, items.note.
    "custom": {
        **MIAS_OWN,
        **READS_NOT_CHANGES,
        **{r: (_success(r), "settings.manage") for r in CONFIGURATION},
        **_rows(403, "no views.save", *VIEWS),
        **_rows(403, "no time privilege at all: no timers, timesheets or reports", *TIME_OF_ONES_OWN,
                *TIMERS_OF_MIA, *TIME_READS, *SHEET_CHANGES),
        # API keys and REST hooks stay 403: they reach every item, and this role does not (items.see_all, items.edit).
    },
}


def test_every_role_deviation_is_a_route():
    for column, rows in ROLE_DEVIATIONS.items():
        assert set(rows) <= registered_routes(), (column, sorted(set(rows) - registered_routes()))


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_role_matrix(route, api, container):
    method, template = route
    member = MATRIX[route][ROLES.index("agent_member")]
    expected = {c: ROLE_DEVIATIONS[c].get(route, (member, ""))[0] for c in ROLE_COLUMNS}
    got = {}
    for column in ROLE_COLUMNS:
        container.deps.repos = _fresh_repos()
        w = _world(container.deps)
        _with_hook(w)
        resp = api.call(method, _path(template, w), _body(method, template, w), token=w.token(column))
        got[column] = resp.status_code
        if resp.status_code >= 400:
            assert set(resp.data) == {"error"} and resp.data["error"]["code"], resp.data
    assert got == expected


def test_every_route_has_an_integration_row():
    assert set(INTEGRATION) == registered_routes(), sorted(set(INTEGRATION) ^ registered_routes())


@pytest.mark.parametrize("route", sorted(INTEGRATION), ids=lambda r: f"{r[0]} {r[1]}")
def test_integration_matrix(route, api, container):
    method, template = route
    expected = dict(zip(KEY_SCOPES, INTEGRATION[route], strict=True))
    got = {}
    for role, scopes in KEY_SCOPES.items():
        container.deps.repos = _fresh_repos()
        w = _world(container.deps)
        _with_hook(w)
        _, key = create_key(container.deps, w.ids["admin_principal"], name=role, scopes=scopes)
        resp = api.call(method, _path(template, w), _body(method, template, w), token=key)
        got[role] = resp.status_code
        if resp.status_code >= 400:
            assert set(resp.data) == {"error"} and resp.data["error"]["code"], resp.data
    assert got == expected


def _world(deps):
    """The agency world plus an API key to rotate and revoke, a view the member agent shares, and the manager."""
    from tandem.services.saved_views import create_view

    w = build_world(deps)
    admin = w.ids["admin"]
    w.ids["admin_principal"] = Principal(admin.tenant_id, admin.id, admin.role, (), None, admin.email, admin.name)
    _with_manager(w)
    w.ids["api_key"], _ = create_key(deps, w.ids["admin_principal"], name="Target", scopes=["items:read"])
    w.ids["view"] = create_view(deps, _principal(w.ids["member"]), {"name": "Shared board", "shared": True})
    _with_time(w)
    _with_kb(w)
    _with_projects(w)
    _with_roles(w)
    return w


def _with_projects(w) -> None:
    """Issue 15: a pending request of another agent to join Incoming (A), and an empty folder of that project."""
    from tandem.services import folders, join_requests, manage_people

    admin = w.ids["admin_principal"]
    jo = manage_people.create_user(w.deps, admin, email="jo@agency.example", name="Jo Joiner", password=PASSWORD)
    w.ids["join_request"], _ = join_requests.ask_to_join(w.deps, _principal(jo), w.ids["incoming_a"].id)
    w.ids["folder"] = folders.create_folder(w.deps, admin, w.ids["incoming_a"].id, {"name": "Archive"})


def _with_roles(w) -> None:
    """A custom role nobody holds (the target of the role rows), and a person of each role column, each a member
    of Customer support (so of Incoming A) like the member agent."""
    from tandem.services import manage_people, roles
    from tandem.services.authenticate import issue_token

    admin = w.ids["admin_principal"]
    w.ids["target_role"] = roles.create_role(w.deps, admin, {"name": "Unused", "privileges": ["items.note"]})
    custom = roles.create_role(w.deps, admin, CUSTOM_ROLE)
    team = w.ids["team"]
    people = {}
    for column in ROLE_COLUMNS:
        role_id = custom.id if column == "custom" else column
        people[column] = manage_people.create_user(w.deps, admin, email=f"{column}@agency.example",
                                                   name=column.replace("_", " ").title(), role_id=role_id)
    team = manage_people.update_team(w.deps, admin, team.id, {"member_ids": [*team.member_ids,
                                                                             *(u.id for u in people.values())]})
    for column, user in people.items():
        w.tokens[column] = issue_token(w.deps, user)


def _with_kb(w) -> None:
    """An empty knowledge base category, and an article published for CustomerA's organisation in another one."""
    from tandem.services import kb

    admin = w.ids["admin_principal"]
    w.ids["kb_category"] = kb.create_category(w.deps, admin, {"name": "Empty"})
    filed = kb.create_category(w.deps, admin, {"name": "Guides"})
    w.ids["kb_article"] = kb.create_article(w.deps, admin, {
        "title": "For CustomerA", "category_id": filed.id, "state": "published", "visibility": "organizations",
        "organization_ids": [w.ids["org_a"].id]})
    _with_chats(w)
    return w


def _with_chats(w) -> None:
    """Chat switched on, a chat the member agent took and one still waiting (the targets of the chat rows)."""
    from dataclasses import replace

    from tandem.domain.chat import Connection, Side
    from tandem.services.chat import accept_chat
    from tandem.services.chat_socket import start_chat

    tenant = w.deps.repos.tenants.get(w.ids["tenant"].id)
    w.deps.repos.tenants.save(replace(tenant, modules={"chat": True}))
    visitor = Connection("matrix-visitor", tenant.id, Side.VISITOR, "2026-03-01T10:00:00Z", 2**40,
                         visitor_key="v:matrix-visitor")
    frame = {"name": "Vera", "email": "vera@visitors.example", "page_url": "https://shop.example/", "text": "Hello"}
    taken = start_chat(w.deps, visitor, {**frame, "client_id": "first"})
    w.ids["chat"] = accept_chat(w.deps, _principal(w.ids["member"]), taken.id)
    w.ids["chat_waiting"] = start_chat(w.deps, visitor, {**frame, "client_id": "second"})


def _with_manager(w) -> None:
    """Max: an agent, a member of Incoming (A) in his own name and its manager."""
    from tandem.domain.hierarchy import user_ref
    from tandem.services import manage_people, manage_projects
    from tandem.services.authenticate import issue_token

    admin, project = w.ids["admin_principal"], w.ids["incoming_a"]
    manager = manage_people.create_user(w.deps, admin, email="max@agency.example", name="Max Manager",
                                        password=PASSWORD)
    changes = {"members": [*project.members, user_ref(manager.id)], "managers": [manager.id]}
    manage_projects.update_project(w.deps, admin, project.id, changes)
    w.tokens["manager"] = issue_token(w.deps, manager)


def _with_time(w) -> None:
    """The member agent's timers (one paused, one running) and timesheets (a draft, a submitted one)."""
    from tandem.services import timesheets, track_time

    m = w.ids["member"]
    member = Principal(m.tenant_id, m.id, m.role, (w.ids["team"].id,), None, m.email, m.name)
    ref = w.ids["item_a"].ref
    w.ids["timer_paused"] = track_time.start_timer(w.deps, member, ref)
    w.ids["timer"] = track_time.start_timer(w.deps, member, ref)  # pauses the first
    fields = {"item_ref": ref, "date": "2026-03-02", "minutes": 30}
    w.ids["timesheet"] = timesheets.create_sheet(w.deps, member, fields)
    submitted = timesheets.create_sheet(w.deps, member, fields)
    w.ids["timesheet_submitted"] = timesheets.submit_sheet(w.deps, member, submitted.id)


def _fresh_repos():
    from tandem.dal.memory import memory_repos

    return memory_repos()
