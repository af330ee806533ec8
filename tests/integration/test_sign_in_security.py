"""Sign-in under attack (issue 10): throttles, sessions that end, the Secure cookie, framing.

Every request of chalice's test client comes from 127.0.0.1, so all attempts here share one IP. The clock the
throttles read is frozen inside one 15-minute window (10:05 → the window ends at 10:15, Retry-After 600).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from integration.world import PASSWORD, build_world

AT = "2026-11-22T10:05:00.000Z"  # windows are aligned to quarter hours: 600 s left in this one


@pytest.fixture
def world(container):
    container.deps.clock = lambda: AT
    return build_world(container.deps)


def _login(api, email: str, password: str = PASSWORD, **extra):
    return api.call("POST", "/v1/auth/login", {"tenant": "agency", "email": email, "password": password, **extra})


# --------------------------------------------------------------------------- throttles


def test_sixth_failure_for_an_account_gets_429_with_retry_after_and_even_the_right_password_is_refused(
    api, container, world
):
    # Given five wrong passwords for the admin
    for _ in range(5):
        assert _login(api, "admin@agency.example", "wrong password").status_code == 401
    # When a sixth attempt comes, wrong or right
    wrong = _login(api, "admin@agency.example", "wrong password")
    right = _login(api, "admin@agency.example")
    # Then both are 429 in the error shape, with the seconds left in the window
    for resp in (wrong, right):
        assert resp.status_code == 429
        assert resp.data["error"]["code"] == "too_many_requests"
        assert resp.headers["retry-after"] == "600"
    # And another account from the same IP still signs in (7 failures are far from the IP's 30)
    assert _login(api, "mia@agency.example").status_code == 200
    # And once the window is over, the admin signs in again
    container.deps.clock = lambda: "2026-11-22T10:15:00.000Z"
    assert _login(api, "admin@agency.example").status_code == 200


def test_thirty_failures_from_one_ip_lock_out_a_different_account_from_that_ip(api, world):
    # Given 30 failures from one IP, spread over six accounts (unknown ones count too) so no account hits its limit
    for n in range(30):
        assert _login(api, f"guess{n % 6}@agency.example", "wrong password").status_code == 401
    # When a different account signs in from the same IP with the right password
    resp = _login(api, "alice@customer-a.example")
    # Then the IP's limit refuses it
    assert resp.status_code == 429 and int(resp.headers["retry-after"]) == 600


def test_successful_sign_ins_count_toward_neither_limit(api, world):
    # Given 35 successful sign-ins of one account from one IP (more than both limits)
    for _ in range(35):
        assert _login(api, "admin@agency.example").status_code == 200
    # When the same account then mistypes once, it gets the ordinary 401, not 429
    assert _login(api, "admin@agency.example", "typo").status_code == 401


def test_twelve_magic_link_requests_for_one_address_all_answer_202_and_send_three_mails(api, container, world):
    sent_before = len(container.deps.mailer.sent)
    answers = [
        api.call("POST", "/v1/public/agency/magic-link", {"email": "alice@customer-a.example"}).status_code
        for _ in range(12)
    ]
    assert answers == [202] * 12
    mails = [m for _, m in container.deps.mailer.sent[sent_before:]]
    assert len(mails) == 3 and all(m.to == ["alice@customer-a.example"] for m in mails)
    # Another address is not affected by alice's limit
    api.call("POST", "/v1/public/agency/magic-link", {"email": "bob@customer-b.example"})
    assert len(container.deps.mailer.sent) == sent_before + 4


def test_magic_link_requests_from_one_ip_get_429_past_twenty(api, world):
    for n in range(20):
        assert api.call("POST", "/v1/public/agency/magic-link", {"email": f"x{n}@example.com"}).status_code == 202
    resp = api.call("POST", "/v1/public/agency/magic-link", {"email": "alice@customer-a.example"})
    assert resp.status_code == 429 and resp.headers["retry-after"] == "600"


# --------------------------------------------------------------------------- sessions that end


def test_logout_with_a_bearer_token_ends_that_session_at_once_and_only_that_one(api, world):
    first = _login(api, "mia@agency.example").data["token"]
    second = _login(api, "mia@agency.example").data["token"]
    assert api.call("GET", "/v1/me", token=first).status_code == 200  # checked and remembered
    # When the first session signs out
    assert api.call("POST", "/v1/auth/logout", token=first).status_code == 200
    # Then its token is refused on the very next request, and the other device stays signed in
    refused = api.call("GET", "/v1/me", token=first)
    assert refused.status_code == 401 and refused.data["error"]["code"] == "unauthorized"
    assert api.call("GET", "/v1/me", token=second).status_code == 200
    # Signing out again with the dead token is harmless
    assert api.call("POST", "/v1/auth/logout", token=first).status_code == 200


def test_logout_with_the_session_cookie_ends_that_session_at_once(api, world):
    login = _login(api, "alice@customer-a.example", session=True)
    session = login.headers["set-cookie"].split(";")[0]
    assert api.call("GET", "/v1/me", headers={"Cookie": session}).status_code == 200
    out = api.call("POST", "/v1/auth/logout", headers={"Cookie": session})
    assert out.status_code == 200 and "Max-Age=0" in out.headers["set-cookie"]
    assert api.call("GET", "/v1/me", headers={"Cookie": session}).status_code == 401
    assert api.call("GET", "/v1/me", token=login.data["token"]).status_code == 401  # the same token as a bearer


def test_deactivating_a_user_ends_their_sessions_at_once(api, world):
    member = world.token("agent_member")
    assert api.call("GET", "/v1/me", token=member).status_code == 200
    deactivate = api.call("PATCH", f"/v1/users/{world.ids['member'].id}", {"active": False}, token=world.token("admin"))
    assert deactivate.status_code == 200
    assert api.call("GET", "/v1/me", token=member).status_code == 401


def test_changing_a_role_ends_the_users_sessions_and_a_new_sign_in_carries_the_new_role(api, world):
    member = world.token("agent_member")
    assert api.call("GET", "/v1/settings", token=member).status_code == 403
    api.call("PATCH", f"/v1/users/{world.ids['member'].id}", {"role": "admin"}, token=world.token("admin"))
    assert api.call("GET", "/v1/me", token=member).status_code == 401
    fresh = _login(api, "mia@agency.example").data["token"]
    assert api.call("GET", "/v1/settings", token=fresh).status_code == 200


def test_removing_a_user_from_a_team_ends_their_sessions_at_once_and_a_new_token_lists_no_team(api, world):
    member, team = world.token("agent_member"), world.ids["team"]
    assert api.call("GET", "/v1/me", token=member).data["team_ids"] == [team.id]
    resp = api.call("PATCH", f"/v1/teams/{team.id}", {"member_ids": []}, token=world.token("admin"))
    assert resp.status_code == 200
    assert api.call("GET", "/v1/me", token=member).status_code == 401
    fresh = _login(api, "mia@agency.example").data["token"]
    assert api.call("GET", "/v1/me", token=fresh).data["team_ids"] == []


def test_renaming_a_user_or_a_team_ends_no_session(api, world):
    member, admin = world.token("agent_member"), world.token("admin")
    api.call("PATCH", f"/v1/users/{world.ids['member'].id}", {"name": "Mia M."}, token=admin)
    api.call("PATCH", f"/v1/teams/{world.ids['team'].id}", {"name": "Support"}, token=admin)
    assert api.call("GET", "/v1/me", token=member).status_code == 200


def test_deactivation_written_by_another_instance_ends_the_session_here_after_five_seconds_not_before(
    api, container, world
):
    # Given this instance checked the member's token at t=0 (its clock is ours to move)
    now = [1000.0]
    container.deps.sessions.clock = lambda: now[0]
    member = world.token("agent_member")
    assert api.call("GET", "/v1/me", token=member).status_code == 200
    # When another Lambda instance deactivates the member (straight to the store: this instance hears nothing)
    users = container.deps.repos.users
    stored = users.get(world.ids["member"].tenant_id, world.ids["member"].id)
    users.save(replace(stored, active=False, session_version=stored.session_version + 1))
    # Then this instance may still accept the token for less than five seconds, and refuses it from then on
    now[0] += 4.9
    assert api.call("GET", "/v1/me", token=member).status_code == 200
    now[0] += 0.1
    assert api.call("GET", "/v1/me", token=member).status_code == 401


# --------------------------------------------------------------------------- cookie and framing


def test_session_cookie_is_secure_when_the_request_came_over_https(api, world):
    https = {"X-Forwarded-Proto": "https"}
    login = api.call(
        "POST",
        "/v1/auth/login",
        {"tenant": "agency", "email": "alice@customer-a.example", "password": PASSWORD, "session": True},
        headers=https,
    )
    assert "; Secure" in login.headers["set-cookie"]
    assert "; Secure" in api.call("POST", "/v1/auth/logout", headers=https).headers["set-cookie"]
    # Plain http on the local stack: a Secure cookie would never come back, so it is left off
    plain = _login(api, "alice@customer-a.example", session=True)
    assert "Secure" not in plain.headers["set-cookie"]


def test_widget_page_may_be_framed_only_by_this_site_and_the_tenants_widget_origins(api, world):
    origins = ["https://intranet.clinic.example", "https://evil.example; script-src *", "http://localhost:3000/"]
    api.call("PATCH", "/v1/settings", {"portal": {"allowed_origins": origins}}, token=world.token("admin"))
    page = api.call("GET", "/v1/public/agency/widget")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert csp.endswith("; frame-ancestors 'self' https://intranet.clinic.example http://localhost:3000")
    assert "evil" not in csp and "x-frame-options" not in page.headers
    assert '<script type="module" src="/widget/boot.js">' in page.body.decode()
    assert api.call("GET", "/v1/public/nobody-here/widget").status_code == 404
