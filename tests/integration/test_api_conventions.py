"""The conventions of API.md: errors, ETag/If-Match, Idempotency-Key, cursors, bad input never a 500."""

from __future__ import annotations

from integration.world import build_world


def test_bad_input_gets_a_clear_4xx_never_a_500(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    cases = [
        ("POST", "/v1/items", "{not json"),
        ("POST", "/v1/items", "[1, 2]"),
        ("POST", "/v1/items", {"type_id": 7, "title": None}),
        ("POST", "/v1/items", {"type_id": w.ids["ticket_type"].id, "title": ""}),
        ("POST", "/v1/items", {"type_id": w.ids["ticket_type"].id, "title": "x", "fields": "nope"}),
        ("POST", "/v1/items", {"type_id": w.ids["ticket_type"].id, "title": "x", "due_date": "tomorrow"}),
        ("PATCH", "/v1/items/T-1", {"status": "no-such-status"}),
        ("PATCH", "/v1/items/T-1", {"percent_complete": 140}),
        ("PATCH", "/v1/items/T-1", {"ref": "T-99"}),
        ("GET", "/v1/items/not-a-ref", None),
        ("GET", "/v1/items?limit=abc", None),
        ("GET", "/v1/items?limit=5000", None),
        ("GET", "/v1/items?cursor=forged.cursor", None),
        ("POST", "/v1/items/T-1/messages", {"body": ""}),
        ("POST", "/v1/items/T-1/messages", {"body": "x", "visibility": "secret"}),
        ("POST", "/v1/signup", {"organization": "X", "slug": "A!", "email": "bad", "password": "short"}),
        ("POST", "/v1/auth/login", {"tenant": "agency", "email": "admin@agency.example", "password": "wrong"}),
        ("POST", "/v1/organizations", {"name": "X", "domains": ["not a domain"]}),
        ("POST", "/v1/item-types", {"name": "X", "kind": "ticket", "form": {"fields": [{"key": "Bad Key"}]}}),
    ]
    for method, path, body in cases:
        resp = api.call(method, path, body, token=admin)
        assert 400 <= resp.status_code < 500, (method, path, resp.status_code, resp.data)
        assert resp.data["error"]["code"] and resp.data["error"]["message"], resp.data


def test_etag_and_if_match(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    first = api.call("GET", "/v1/items/T-1", token=admin)
    etag = first.headers["etag"]
    ok = api.call("PATCH", "/v1/items/T-1", {"priority": "high"}, token=admin, headers={"If-Match": etag})
    assert ok.status_code == 200 and ok.headers["etag"] != etag
    stale = api.call("PATCH", "/v1/items/T-1", {"priority": "low"}, token=admin, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.data["error"]["code"] == "precondition_failed"
    assert api.call("GET", "/v1/items/T-1", token=admin).data["priority"] == "high"


def test_idempotency_key_returns_the_first_result(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    body = {"type_id": w.ids["ticket_type"].id, "title": "Once only"}
    h = {"Idempotency-Key": "abc-123"}
    one = api.call("POST", "/v1/items", body, token=admin, headers=h)
    two = api.call("POST", "/v1/items", body, token=admin, headers=h)
    assert one.status_code == 201 and two.data["ref"] == one.data["ref"]
    titles = [i["title"] for i in api.call("GET", "/v1/items?limit=200", token=admin).data["items"]]
    assert titles.count("Once only") == 1
    other_body = api.call("POST", "/v1/items", {**body, "title": "Different"}, token=admin, headers=h)
    assert other_body.status_code == 422
    # The same key from another user is another request
    member = api.call("POST", "/v1/items", body, token=w.token("agent_member"), headers=h)
    assert member.status_code == 201 and member.data["ref"] != one.data["ref"]
    # Directory creates remember their first answer too
    org1 = api.call("POST", "/v1/organizations", {"name": "Org", "domains": []}, token=admin, headers=h)
    org2 = api.call("POST", "/v1/organizations", {"name": "Org", "domains": []}, token=admin, headers=h)
    assert org1.data["id"] == org2.data["id"]


def test_cursor_pages_through_everything_once(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    for n in range(7):
        api.call("POST", "/v1/items", {"type_id": w.ids["ticket_type"].id, "title": f"Item {n}"}, token=admin)
    seen, cursor = [], None
    while True:
        path = "/v1/items?kind=ticket&limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = api.call("GET", path, token=admin).data
        seen += [i["ref"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 9
    # A cursor is bound to its list and caller: replaying it elsewhere is refused
    first = api.call("GET", "/v1/items?kind=ticket&limit=3", token=admin).data["next_cursor"]
    assert api.call("GET", f"/v1/items?kind=task&limit=3&cursor={first}", token=admin).status_code == 400


def test_mentions_are_resolved_and_stored(api, container):
    w = build_world(container.deps)
    body = "Could @mia and @customer-support look? Not @nobody."
    resp = api.call("POST", "/v1/items/T-1/messages", {"body": body, "visibility": "private"}, token=w.token("admin"))
    assert resp.status_code == 201
    assert set(resp.data["mentions"]) == {f"user:{w.ids['member'].id}", f"team:{w.ids['team'].id}"}


def test_customers_cannot_write_private_notes(api, container):
    w = build_world(container.deps)
    resp = api.call(
        "POST", "/v1/items/T-1/messages", {"body": "psst", "visibility": "private"}, token=w.token("customer_a")
    )
    assert resp.status_code == 403


def test_typed_form_fields_are_validated(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    form = {
        "fields": [
            {"key": "due", "label": "Due date", "type": "date", "required": True},
            {"key": "clinic", "label": "Clinic", "type": "single_choice", "options": ["North", "South"]},
            {"key": "budget", "label": "Budget", "type": "number"},
        ]
    }
    t = api.call("POST", "/v1/item-types", {"name": "Marketing request", "kind": "ticket", "form": form}, token=admin)
    assert t.status_code == 201, t.data
    bad = api.call(
        "POST",
        "/v1/items",
        {"type_id": t.data["id"], "title": "x", "fields": {"clinic": "East", "budget": "lots"}},
        token=admin,
    )
    assert bad.status_code == 422
    assert set(bad.data["error"]["details"]["fields"]) == {"due", "clinic", "budget"}
    good = api.call(
        "POST",
        "/v1/items",
        {"type_id": t.data["id"], "title": "x", "fields": {"due": "2026-12-01", "clinic": "North", "budget": "1500"}},
        token=admin,
    )
    assert good.status_code == 201 and good.data["fields"] == {"due": "2026-12-01", "clinic": "North", "budget": 1500}


def test_magic_link_signs_a_customer_in(api, container):
    w = build_world(container.deps)
    assert api.call("POST", "/v1/public/agency/magic-link", {"email": "alice@customer-a.example"}).status_code == 202
    sent = container.deps.mailer.sent[-1][1]
    token = sent.text.split("token=")[1].split()[0]
    resp = api.call("POST", "/v1/auth/magic-link/redeem", {"token": token})
    assert resp.status_code == 200
    me = api.call("GET", "/v1/me", token=resp.data["token"]).data
    assert api.call("POST", "/v1/auth/magic-link/redeem", {"token": token}).status_code == 401  # one use only
    assert me["email"] == "alice@customer-a.example" and me["role"] == "customer"
    # An unknown address is accepted silently and sends nothing
    count = len(container.deps.mailer.sent)
    assert api.call("POST", "/v1/public/agency/magic-link", {"email": "eve@evil.example"}).status_code == 202
    assert len(container.deps.mailer.sent) == count
    assert w.ids["cust_a"].email == me["email"]


def test_portal_session_cookie_is_httponly_and_csrf_guarded(api, container):
    build_world(container.deps)
    login = api.call(
        "POST",
        "/v1/auth/login",
        {"tenant": "agency", "email": "alice@customer-a.example", "password": "correct horse battery", "session": True},
    )
    cookie = login.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    session = cookie.split(";")[0]
    assert api.call("GET", "/v1/me", headers={"Cookie": session}).data["email"] == "alice@customer-a.example"
    no_header = api.call("POST", "/v1/items/T-1/messages", {"body": "hi"}, headers={"Cookie": session})
    assert no_header.status_code == 403
    with_header = api.call(
        "POST", "/v1/items/T-1/messages", {"body": "hi"}, headers={"Cookie": session, "X-Tandem-CSRF": "1"}
    )
    assert with_header.status_code == 201
    assert "Max-Age=0" in api.call("POST", "/v1/auth/logout").headers["set-cookie"]


def test_public_endpoints_answer_cors_only_to_allowed_origins(api, container):
    w = build_world(container.deps)
    api.call(
        "PATCH",
        "/v1/settings",
        {"portal": {"allowed_origins": ["https://intranet.clinic.example"]}},
        token=w.token("admin"),
    )
    ok = api.call("GET", "/v1/public/agency/forms", headers={"Origin": "https://intranet.clinic.example"})
    assert ok.headers.get("access-control-allow-origin") == "https://intranet.clinic.example"
    other = api.call("GET", "/v1/public/agency/forms", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    private = api.call("GET", "/v1/me", token=w.token("admin"), headers={"Origin": "https://intranet.clinic.example"})
    assert "access-control-allow-origin" not in private.headers


def test_a_wrong_content_type_still_gets_our_error_format(api, container):
    build_world(container.deps)
    resp = api.call("POST", "/v1/auth/login", "tenant=agency&email=x", headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status_code == 400 and resp.data["error"]["code"] == "bad_request"
