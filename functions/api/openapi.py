"""The OpenAPI 3.1 document of /v1, built from one table of operations (a test checks it covers every route)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

S = {"type": "string"}
SN = {"type": ["string", "null"]}
B = {"type": "boolean"}
I = {"type": "integer"}  # noqa: E741
ARR = {"type": "array", "items": S}


def obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        out["required"] = required
    return out


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def page_of(name: str) -> dict[str, Any]:
    return obj({"items": {"type": "array", "items": ref(name)}, "next_cursor": SN}, ["items", "next_cursor"])


SCHEMAS: dict[str, Any] = {
    "Error": obj(
        {"error": obj({"code": S, "message": S, "details": {"type": "object"}}, ["code", "message"])}, ["error"]
    ),
    "Tenant": obj({"id": S, "slug": S, "name": S, "mail_domain": S}),
    "Settings": obj(
        {
            "agents_see_all": B,
            "acknowledge_new_tickets": B,
            "notify_status_changes": B,
            "portal": {"type": "object"},
            "statuses": {"type": "object"},
            "version": I,
        }
    ),
    "User": obj(
        {
            "id": S,
            "email": S,
            "name": S,
            "role": {"enum": ["admin", "agent", "customer"]},
            "organization_id": SN,
            "active": B,
            "version": I,
        }
    ),
    "Me": obj({"id": S, "email": S, "name": S, "role": S, "tenant": ref("Tenant")}),
    "Team": obj({"id": S, "name": S, "handle": S, "member_ids": ARR, "version": I}),
    "Organization": obj({"id": S, "name": S, "domains": ARR, "version": I}),
    "Portfolio": obj({"id": S, "name": S, "description": S, "version": I}),
    "Project": obj({"id": S, "name": S, "portfolio_id": SN, "members": ARR, "followers": ARR, "version": I}),
    "FormField": obj(
        {
            "key": S,
            "label": S,
            "type": {
                "enum": [
                    "text",
                    "long_text",
                    "number",
                    "date",
                    "single_choice",
                    "multi_choice",
                    "checkbox",
                    "email",
                    "file",
                ]
            },
            "required": B,
            "help": S,
            "options": ARR,
        },
        ["key", "type"],
    ),
    "ItemType": obj(
        {
            "id": S,
            "kind": {"enum": ["ticket", "task"]},
            "name": S,
            "inbound_address": SN,
            "form": obj({"fields": {"type": "array", "items": ref("FormField")}}),
            "defaults": {"type": "object"},
            "public": B,
            "version": I,
        }
    ),
    "Form": obj({"type_id": S, "name": S, "kind": S, "fields": {"type": "array", "items": ref("FormField")}}),
    "Item": obj(
        {
            "id": S,
            "ref": S,
            "kind": S,
            "type_id": S,
            "title": S,
            "description": S,
            "status": S,
            "status_category": S,
            "priority": S,
            "requester": SN,
            "assignees": ARR,
            "followers": ARR,
            "project_id": SN,
            "fields": {"type": "object"},
            "due_date": SN,
            "former_refs": ARR,
            "created_at": S,
            "updated_at": S,
            "version": I,
        }
    ),
    "NewItem": obj(
        {
            "kind": S,
            "type_id": S,
            "title": S,
            "description": S,
            "project_id": SN,
            "priority": S,
            "requester": SN,
            "assignees": ARR,
            "followers": ARR,
            "fields": {"type": "object"},
            "due_date": SN,
        },
        ["type_id", "title"],
    ),
    "Attachment": obj({"id": S, "filename": S, "content_type": S, "size": I}),
    "Message": obj(
        {
            "id": S,
            "author": SN,
            "body": S,
            "visibility": {"enum": ["public", "private"]},
            "via": S,
            "mentions": ARR,
            "created_at": S,
            "attachments": {"type": "array", "items": ref("Attachment")},
        }
    ),
    "NewMessage": obj({"body": S, "visibility": {"enum": ["public", "private"]}, "attachments": ARR}, ["body"]),
    "Activity": obj(
        {
            "id": S,
            "at": S,
            "action": S,
            "cause": {"enum": ["user", "rule", "email", "api", "timer"]},
            "actor": SN,
            "changes": {"type": "object"},
            "note": S,
        }
    ),
    "Token": obj({"token": S}, ["token"]),
    "Rule": obj(
        {
            "id": S,
            "name": S,
            "trigger": S,
            "conditions": {"type": "object"},
            "actions": {"type": "array"},
            "enabled": B,
            "position": I,
            "options": {"type": "object"},
            "version": I,
            "last_error": SN,
            "failing_since": SN,
        }
    ),
    "SlaPolicy": obj(
        {
            "id": S,
            "name": S,
            "first_response_minutes": {"type": ["integer", "null"]},
            "resolution_minutes": {"type": ["integer", "null"]},
            "warning_percent": I,
            "calendar": obj(
                {
                    "timezone": S,
                    "working_days": {"type": "array", "items": I},
                    "start": S,
                    "end": S,
                    "holiday_country": SN,
                    "extra_holidays": ARR,
                }
            ),
            "match": obj({"type_ids": ARR, "priorities": ARR, "organization_ids": ARR}),
            "position": I,
            "enabled": B,
            "version": I,
        }
    ),
    "Macro": obj({"id": S, "name": S, "actions": {"type": "array"}, "version": I}),
    "Patch": {"type": "object", "description": "Fields to change; If-Match with the ETag of the read."},
}

# (method, path, summary, request schema, response schema, status, public?)
OPS: list[tuple[str, str, str, Any, Any, int, bool]] = [
    ("get", "/v1/health", "Liveness", None, obj({"status": S}), 200, True),
    ("get", "/v1/openapi.json", "This document", None, {"type": "object"}, 200, True),
    (
        "post",
        "/v1/signup",
        "Create a tenant and its first admin",
        obj(
            {"organization": S, "slug": S, "email": S, "name": S, "password": S},
            ["organization", "slug", "email", "password"],
        ),
        obj({"token": S, "tenant": ref("Tenant"), "user": ref("User")}),
        201,
        True,
    ),
    (
        "post",
        "/v1/auth/login",
        "Sign in with a password",
        obj({"tenant": S, "email": S, "password": S}),
        ref("Token"),
        200,
        True,
    ),
    ("post", "/v1/auth/logout", "Clear the portal's session cookie", None, obj({"status": S}), 200, True),
    ("post", "/v1/auth/magic-link/redeem", "Exchange a magic-link token", obj({"token": S}), ref("Token"), 200, True),
    ("post", "/v1/public/{slug}/magic-link", "Email a sign-in link", obj({"email": S}), obj({"status": S}), 202, True),
    (
        "get",
        "/v1/public/{slug}/forms",
        "The web forms a visitor may use",
        None,
        obj({"tenant": {"type": "object"}, "require_login": B, "items": {"type": "array", "items": ref("Form")}}),
        200,
        True,
    ),
    (
        "post",
        "/v1/public/{slug}/forms/{type_id}",
        "Submit a web form",
        obj({"title": S, "description": S, "email": S, "name": S, "fields": {"type": "object"}, "due_date": SN}),
        obj({"ref": S, "id": S}),
        201,
        True,
    ),
    (
        "post",
        "/v1/public/{slug}/unsubscribe",
        "One-click unsubscribe from an item's mail (token in the query)",
        None,
        obj({"status": S, "ref": S}),
        200,
        True,
    ),
    (
        "get",
        "/v1/public/{slug}/unsubscribe",
        "The page behind the mail's unsubscribe link (a confirm button)",
        None,
        {"type": "string"},
        200,
        True,
    ),
    ("get", "/v1/me", "The caller", None, ref("Me"), 200, False),
    ("get", "/v1/settings", "Tenant settings", None, ref("Settings"), 200, False),
    ("patch", "/v1/settings", "Change tenant settings", ref("Patch"), ref("Settings"), 200, False),
    ("post", "/v1/items", "Create an item", ref("NewItem"), ref("Item"), 201, False),
    ("get", "/v1/items", "List items", None, page_of("Item"), 200, False),
    ("get", "/v1/items/{ref}", "Read an item (retired references resolve)", None, ref("Item"), 200, False),
    ("patch", "/v1/items/{ref}", "Change an item", ref("Patch"), ref("Item"), 200, False),
    (
        "post",
        "/v1/items/{ref}/convert",
        "Convert a ticket to a task",
        obj({"to": S, "type_id": SN}),
        ref("Item"),
        200,
        False,
    ),
    ("get", "/v1/items/{ref}/messages", "The conversation", None, page_of("Message"), 200, False),
    (
        "post",
        "/v1/items/{ref}/messages",
        "Post a reply or a private note",
        ref("NewMessage"),
        ref("Message"),
        201,
        False,
    ),
    ("get", "/v1/items/{ref}/activity", "Every change with actor and cause", None, page_of("Activity"), 200, False),
    (
        "post",
        "/v1/items/{ref}/attachments",
        "Reserve an attachment upload",
        obj({"filename": S, "content_type": S, "size": I}, ["filename", "size"]),
        ref("Attachment"),
        201,
        False,
    ),
    ("get", "/v1/items/{ref}/attachments/{attachment_id}", "A download link", None, obj({"url": S}), 200, False),
    ("delete", "/v1/items/{ref}/attachments/{attachment_id}", "Remove an attachment", None, None, 204, False),
]

RULE_BODY = obj(
    {
        "name": S,
        "trigger": S,
        "conditions": {"type": "object"},
        "actions": {"type": "array"},
        "enabled": B,
        "position": I,
        "options": {"type": "object"},
    }
)
OPS += [
    ("get", "/v1/rules", "List rules in evaluation order", None, page_of("Rule"), 200, False),
    ("post", "/v1/rules", "Create a rule", RULE_BODY, ref("Rule"), 201, False),
    ("get", "/v1/rules/{id}", "Read a rule", None, ref("Rule"), 200, False),
    ("patch", "/v1/rules/{id}", "Change, enable or disable a rule", RULE_BODY, ref("Rule"), 200, False),
    ("delete", "/v1/rules/{id}", "Delete a rule", None, None, 204, False),
    ("put", "/v1/rules/order", "Reorder rules", obj({"order": ARR}, ["order"]), page_of("Rule"), 200, False),
    (
        "post",
        "/v1/rules/{id}/dry-run",
        "What the rule would do to an item, changing nothing",
        obj({"ref": S}),
        obj({"matches": B, "actions": {"type": "array"}, "changes": {"type": "object"}}),
        200,
        False,
    ),
    ("get", "/v1/macros", "List macros", None, page_of("Macro"), 200, False),
    ("post", "/v1/macros", "Create a macro", obj({"name": S, "actions": {"type": "array"}}), ref("Macro"), 201, False),
    ("get", "/v1/macros/{id}", "Read a macro", None, ref("Macro"), 200, False),
    ("patch", "/v1/macros/{id}", "Change a macro", ref("Patch"), ref("Macro"), 200, False),
    ("delete", "/v1/macros/{id}", "Delete a macro", None, None, 204, False),
    ("post", "/v1/items/{ref}/macros/{macro_id}", "Apply a macro to an item", None, ref("Item"), 200, False),
    ("get", "/v1/sla-policies", "List SLA policies in matching order", None, page_of("SlaPolicy"), 200, False),
    ("post", "/v1/sla-policies", "Create an SLA policy", ref("SlaPolicy"), ref("SlaPolicy"), 201, False),
    ("get", "/v1/sla-policies/{id}", "Read an SLA policy", None, ref("SlaPolicy"), 200, False),
    ("patch", "/v1/sla-policies/{id}", "Change an SLA policy", ref("Patch"), ref("SlaPolicy"), 200, False),
    ("delete", "/v1/sla-policies/{id}", "Delete an SLA policy", None, None, 204, False),
]

DIRECTORY = [
    ("users", "User"),
    ("customers", "User"),
    ("teams", "Team"),
    ("organizations", "Organization"),
    ("portfolios", "Portfolio"),
    ("projects", "Project"),
    ("item-types", "ItemType"),
]
for _name, _schema in DIRECTORY:
    OPS += [
        ("get", f"/v1/{_name}", f"List {_name}", None, page_of(_schema), 200, False),
        ("post", f"/v1/{_name}", f"Create one of {_name}", {"type": "object"}, ref(_schema), 201, False),
        ("get", f"/v1/{_name}/{{id}}", f"Read one of {_name}", None, ref(_schema), 200, False),
        ("patch", f"/v1/{_name}/{{id}}", f"Change one of {_name}", ref("Patch"), ref(_schema), 200, False),
    ]

ERRORS = {
    str(code): {"description": text, "content": {"application/json": {"schema": ref("Error")}}}
    for code, text in (
        (400, "Invalid input"),
        (401, "Not signed in"),
        (403, "Not allowed"),
        (404, "Not found (or not yours to see)"),
        (409, "Conflict"),
        (412, "If-Match did not match"),
        (422, "Idempotency-Key reused with another body"),
    )
}


def _operation(method: str, path: str, summary: str, req: Any, res: Any, status: int, public: bool) -> dict:
    params = [
        {"name": n.strip("{}"), "in": "path", "required": True, "schema": S}
        for n in path.split("/")
        if n.startswith("{")
    ]
    if (
        method == "get"
        and not path.endswith("}")
        and "public" not in path
        and path not in ("/v1/health", "/v1/openapi.json", "/v1/me", "/v1/settings")
    ):
        params += [{"name": "limit", "in": "query", "schema": I}, {"name": "cursor", "in": "query", "schema": S}]
    if method == "post":
        params.append({"name": "Idempotency-Key", "in": "header", "schema": S})
    if method in ("patch", "put") or (method == "delete" and path.endswith("/{id}")):
        params.append({"name": "If-Match", "in": "header", "schema": S})
    op: dict[str, Any] = {
        "summary": summary,
        "operationId": f"{method}_{path}".replace("/", "_").replace("{", "").replace("}", ""),
        "parameters": params,
        "responses": {
            str(status): {"description": summary}
            | ({"content": {"application/json": {"schema": res}}} if res is not None else {}),
            **ERRORS,
        },
    }
    if req is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": req}}}
    if public:
        op["security"] = []
    return op


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for method, path, *rest in OPS:
        paths.setdefault(path, {})[method] = _operation(method, path, *rest)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tandem API",
            "version": "1.0.0",
            "description": "Help desk and project tracker. Errors: {error: {code, message, details}}.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT or tdk_ API key"}},
        },
        "security": [{"bearer": []}],
    }
