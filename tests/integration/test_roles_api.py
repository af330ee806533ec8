"""Roles through the API (issue 15): `/v1/roles`, assigning a role to a user, and privileges resolved per request."""

from __future__ import annotations

from integration.world import PASSWORD, build_world

NOTES_ONLY = {"name": "Notes only", "description": "Private notes, nothing else",
              "privileges": ["directory.read", "items.note"]}


def _create(api, w, body=NOTES_ONLY):
    resp = api.call("POST", "/v1/roles", body, token=w.token("admin"))
    assert resp.status_code == 201, resp.data
    return resp.data


def _assign(api, w, role_id, who="member"):
    resp = api.call("PATCH", f"/v1/users/{w.ids[who].id}", {"role_id": role_id}, token=w.token("admin"))
    assert resp.status_code == 200, resp.data
    return resp.data


def _sign_in(api, email):
    resp = api.call("POST", "/v1/auth/login", {"tenant": "agency", "email": email, "password": PASSWORD})
    assert resp.status_code == 200, resp.data
    return resp.data["token"]


def _reply(api, w, token, visibility):
    body = {"body": f"a {visibility} word", "visibility": visibility}
    return api.call("POST", f"/v1/items/{w.ids['item_a'].ref}/messages", body, token=token).status_code


def test_the_list_holds_the_five_builtins_then_the_custom_roles(api, container):
    # Given the agency with one custom role
    w = build_world(container.deps)
    custom = _create(api, w)
    # When the admin lists the roles, and reads a built-in
    listed = api.call("GET", "/v1/roles", token=w.token("admin")).data
    billing = api.call("GET", "/v1/roles/billing", token=w.token("admin")).data
    # Then the built-ins come first, read-only, then the custom role as created
    assert [r["id"] for r in listed["items"]] == ["admin", "agent", "light_agent", "project_manager", "billing",
                                                  custom["id"]]
    assert [r["builtin"] for r in listed["items"]] == [True] * 5 + [False]
    assert custom["base"] == "agent" and custom["privileges"] == ["directory.read", "items.note"]
    assert billing["privileges"] == ["directory.read", "items.see_all", "time.read_all", "views.save"]


def test_builtins_are_read_only_and_a_held_role_is_not_deleted(api, container):
    # Given a custom role held by the member agent
    w = build_world(container.deps)
    custom = _create(api, w)
    _assign(api, w, custom["id"])
    admin = w.token("admin")
    # When the admin changes or deletes a built-in, and deletes the custom role while it is held, then after
    refused = [api.call("PATCH", "/v1/roles/agent", {"name": "Agents"}, token=admin).status_code,
               api.call("DELETE", "/v1/roles/light_agent", token=admin).status_code,
               api.call("DELETE", f"/v1/roles/{custom['id']}", token=admin).status_code]
    _assign(api, w, "agent")
    deleted = api.call("DELETE", f"/v1/roles/{custom['id']}", token=admin).status_code
    # Then every change is refused with 409 until nobody holds the role
    assert refused == [409, 409, 409]
    assert deleted == 204
    assert api.call("GET", f"/v1/roles/{custom['id']}", token=admin).status_code == 404


def test_bad_roles_are_refused_with_the_field_that_is_wrong(api, container):
    # Given the agency with a custom role
    w = build_world(container.deps)
    _create(api, w)
    admin = w.token("admin")
    # When roles with unknown privileges, a taken name or a built-in's name are created
    unknown = api.call("POST", "/v1/roles", {"name": "X", "privileges": ["items.note", "items.fly"]}, token=admin)
    taken = api.call("POST", "/v1/roles", {**NOTES_ONLY, "name": "NOTES ONLY"}, token=admin)
    builtin_name = api.call("POST", "/v1/roles", {"name": "Billing"}, token=admin)
    base = api.call("POST", "/v1/roles", {"name": "Y", "base": "customer"}, token=admin)
    # Then the unknown privilege is named by its index, the taken name is a conflict, the others invalid
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.data["error"]["details"]["errors"]] == ["privileges[1]"]
    assert taken.status_code == 409
    assert builtin_name.status_code == 422 and base.status_code == 422


def test_assigning_a_role_sets_the_base_and_ends_sessions_only_when_it_changes(api, container):
    # Given the member agent signed in
    w = build_world(container.deps)
    custom = _create(api, w, {**NOTES_ONLY, "base": "admin"})
    before = w.token("agent_member")
    # When the admin gives the same role she holds, then a custom role with base admin
    same = _assign(api, w, "agent")
    still = api.call("GET", "/v1/me", token=before).status_code
    moved = _assign(api, w, custom["id"])
    after = api.call("GET", "/v1/me", token=before).status_code
    me = api.call("GET", "/v1/me", token=_sign_in(api, "mia@agency.example")).data
    # Then the unchanged role kept her session; the new one ended it, and her new session names the role
    assert same["role_id"] == "agent" and still == 200
    assert moved["role_id"] == custom["id"] and moved["role"] == "admin" and after == 401
    assert me["role_id"] == custom["id"] and me["privileges"] == ["directory.read", "items.note"]


def test_role_and_role_id_must_agree_and_name_a_role(api, container):
    w = build_world(container.deps)
    admin, member = w.token("admin"), w.ids["member"].id
    disagree = api.call("PATCH", f"/v1/users/{member}", {"role": "admin", "role_id": "light_agent"}, token=admin)
    unknown = api.call("PATCH", f"/v1/users/{member}", {"role_id": "nope"}, token=admin)
    created = api.call("POST", "/v1/users", {"email": "pm@agency.example", "name": "Pam", "role_id": "project_manager"},
                       token=admin)
    by_base = api.call("PATCH", f"/v1/users/{member}", {"role": "admin"}, token=admin)
    customer = api.call("PATCH", f"/v1/customers/{w.ids['cust_a'].id}", {"role_id": "agent"}, token=admin)
    assert disagree.status_code == 422 and disagree.data["error"]["details"]["field"] == "role"
    assert unknown.status_code == 422 and unknown.data["error"]["details"]["field"] == "role_id"
    assert created.status_code == 201 and (created.data["role"], created.data["role_id"]) == ("agent",
                                                                                            "project_manager")
    assert by_base.data["role_id"] == "admin"  # naming only the base gives its built-in
    assert customer.status_code == 422  # customers hold no role
    assert api.call("GET", f"/v1/customers/{w.ids['cust_a'].id}", token=admin).data["role_id"] is None


def test_a_changed_custom_role_takes_effect_without_signing_in_again(api, container):
    # Given the member agent holding "Notes only", signed in
    w = build_world(container.deps)
    custom = _create(api, w)
    _assign(api, w, custom["id"])
    token = _sign_in(api, "mia@agency.example")
    refused = _reply(api, w, token, "public")
    # When the admin grants public replies (on this instance: it remembers the new version at once)
    granted = api.call("PATCH", f"/v1/roles/{custom['id']}",
                       {"privileges": ["directory.read", "items.note", "items.reply"]}, token=w.token("admin"))
    # Then the same token replies publicly
    assert refused == 403 and granted.status_code == 200
    assert _reply(api, w, token, "public") == 201 and _reply(api, w, token, "private") == 201


def test_another_instance_learns_a_change_within_the_cache_time(api, container):
    # Given the member agent holding "Notes only", whose role this instance has read
    w = build_world(container.deps)
    deps = container.deps
    custom = _create(api, w)
    _assign(api, w, custom["id"])
    token = _sign_in(api, "mia@agency.example")
    assert _reply(api, w, token, "public") == 403
    now = [0.0]
    deps.role_cache.clock = lambda: now[0]
    deps.role_cache.forget(w.ids["tenant"].id, custom["id"])
    assert _reply(api, w, token, "public") == 403  # read again, remembered from t=0
    # When another instance changes the role (the table changes, this instance's memory does not)
    role = deps.repos.roles.get(w.ids["tenant"].id, custom["id"])
    deps.repos.roles.save(type(role)(**{**role.__dict__, "privileges": ["items.note", "items.reply"]}))
    # Then this instance answers from memory until its 5 s are up, and from the table after
    now[0] = 4.9
    assert _reply(api, w, token, "public") == 403
    now[0] = 5.0
    assert _reply(api, w, token, "public") == 201


def test_a_deleted_role_grants_nothing(api, container):
    # Given the member agent holding a custom role that disappears from under her (a race with DELETE)
    w = build_world(container.deps)
    custom = _create(api, w)
    _assign(api, w, custom["id"])
    token = _sign_in(api, "mia@agency.example")
    role = container.deps.repos.roles.get(w.ids["tenant"].id, custom["id"])
    container.deps.repos.roles.delete(role)
    container.deps.role_cache.forget(role.tenant_id, role.id)
    # When she reads the directory and writes a note
    # Then she may do nothing that needs a privilege (fail closed), and still sees who she is
    assert api.call("GET", "/v1/users", token=token).status_code == 403
    assert _reply(api, w, token, "private") == 403
    assert api.call("GET", "/v1/me", token=token).data["privileges"] == []


def test_nobody_grants_beyond_their_own_privileges(api, container):
    # Given Hanna, an agent whose custom role manages people and reads the directory only
    w = build_world(container.deps)
    hr = _create(api, w, {"name": "People", "privileges": ["people.manage", "directory.read"]})
    _assign(api, w, hr["id"], who="outsider")
    hanna = _sign_in(api, "olaf@agency.example")
    admin_id, member_id = w.ids["admin"].id, w.ids["member"].id
    # When she creates roles, gives roles and changes the admin's
    own = api.call("POST", "/v1/roles", {"name": "Readers", "privileges": ["directory.read"]}, token=hanna)
    more = api.call("POST", "/v1/roles", {"name": "Boss", "privileges": ["settings.manage"]}, token=hanna)
    give = api.call("PATCH", f"/v1/users/{member_id}", {"role_id": own.data["id"]}, token=hanna)
    promote = api.call("PATCH", f"/v1/users/{member_id}", {"role_id": "admin"}, token=hanna)
    demote = api.call("PATCH", f"/v1/users/{admin_id}", {"role_id": own.data["id"]}, token=hanna)
    # Then only what stays within her own privileges is done
    assert own.status_code == 201 and more.status_code == 403
    assert promote.status_code == 403 and demote.status_code == 403
    # (the member agent held the agent role, which grants what Hanna lacks: taking it away is beyond her too)
    assert give.status_code == 403


def test_the_privilege_vocabulary_is_described_for_the_admin_screen(api, container):
    w = build_world(container.deps)
    got = api.call("GET", "/v1/roles/privileges", token=w.token("admin")).data["items"]
    assert [p["name"] for p in got][:3] == ["settings.manage", "people.manage", "projects.manage"]
    assert all(p["group"] and p["description"] for p in got)
    assert api.call("GET", "/v1/roles/privileges", token=w.token("agent_member")).status_code == 403
