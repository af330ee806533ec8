"""Sharing many projects with many people in one step (issue 15): `POST /v1/projects/share` on the agency world.

Max manages Incoming (A) only; Mia is a member of Incoming (A) through the support team; Olaf of Incoming (B).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from integration.world import PASSWORD, build_world
from tandem.services.authenticate import issue_token

SHARE = "/v1/projects/share"


@pytest.fixture
def world(api, container):
    w = build_world(container.deps)
    admin = w.token("admin")
    w.ids["web"] = api.call("POST", "/v1/projects", {"name": "Website"}, token=admin).data
    body = {"email": "max@agency.example", "name": "Max Manager", "role": "agent", "password": PASSWORD}
    user = api.call("POST", "/v1/users", body, token=admin).data
    w.ids["max"] = user
    w.tokens["max"] = issue_token(container.deps, container.deps.repos.users.get(w.ids["tenant"].id, user["id"]))
    api.call("PATCH", f"/v1/projects/{w.ids['incoming_a'].id}", {"managers": [user["id"]]}, token=admin)
    return w


def _project(api, w, project_id: str) -> dict:
    return api.call("GET", f"/v1/projects/{project_id}", token=w.token("admin")).data


def test_an_admin_adds_everyone_to_every_project_in_one_step_and_a_repeat_adds_nothing(api, world):
    w = world
    ids = [w.ids["incoming_a"].id, w.ids["incoming_b"].id, w.ids["web"]["id"]]
    mia, olaf, team = f"user:{w.ids['member'].id}", f"user:{w.ids['outsider'].id}", f"team:{w.ids['team'].id}"
    body = {"project_ids": ids, "members": [mia, olaf, team], "followers": [w.ids["cust_a"].id, w.ids["max"]["id"]]}
    # When the admin shares three projects with two agents and a team as members, a customer and Max as followers
    first = api.call("POST", SHARE, body, token=w.token("admin"))
    # Then every project has all of them once, and the answer counts what was new (not what was there already)
    assert first.status_code == 200, first.data
    for project_id in ids:
        got = _project(api, w, project_id)
        assert {mia, olaf, team} <= set(got["members"]) and len(got["members"]) == len(set(got["members"]))
        assert {w.ids["cust_a"].id, w.ids["max"]["id"]} <= set(got["followers"])
    # A: team and follower A there already; B: Olaf and follower B's; the new project: nothing
    assert first.data["added"] == (2 + 1) + (2 + 2) + (3 + 2)
    assert [p["id"] for p in first.data["projects"]] == ids
    assert first.data["projects"][2] == {"id": ids[2], "members": [mia, olaf, team],
                                         "followers": [w.ids["cust_a"].id, w.ids["max"]["id"]]}
    # When the same call comes again (a retry), then nothing is added and the projects are as they were
    before = [_project(api, w, pid)["version"] for pid in ids]
    again = api.call("POST", SHARE, body, token=w.token("admin"))
    assert (again.status_code, again.data["added"]) == (200, 0)
    assert again.data["projects"] == first.data["projects"]
    assert [_project(api, w, pid)["version"] for pid in ids] == before


def test_bad_entries_are_named_by_index_and_nothing_is_shared(api, world):
    w = world
    a, web = w.ids["incoming_a"].id, w.ids["web"]["id"]
    body = {"project_ids": [a, "no-such-project", web],
            "members": [f"user:{w.ids['member'].id}", f"user:{w.ids['cust_a'].id}", "team:nope", "someone"],
            "followers": [w.ids["cust_b"].id, "ghost"]}
    resp = api.call("POST", SHARE, body, token=w.token("admin"))
    assert resp.status_code == 422, resp.data
    fields = [(e["field"], e["message"]) for e in resp.data["error"]["details"]["errors"]]
    assert fields == [("project_ids[1]", "unknown project"),
                      ("members[1]", "customers follow projects; they are not members"),
                      ("members[2]", "unknown team"),
                      ("members[3]", "members are 'user:<id>' or 'team:<id>'"),
                      ("followers[1]", "unknown person")]
    assert _project(api, w, web)["members"] == []
    # The model itself bounds the request: at least one project, at most 100
    empty = api.call("POST", SHARE, {"project_ids": []}, token=w.token("admin"))
    many = api.call("POST", SHARE, {"project_ids": [a] * 101}, token=w.token("admin"))
    assert (empty.status_code, many.status_code) == (422, 422)


def test_a_manager_shares_the_projects_he_manages_only(api, world):
    w = world
    a, b = w.ids["incoming_a"].id, w.ids["incoming_b"].id
    olaf = f"user:{w.ids['outsider'].id}"
    # Max manages A: he shares it
    ok = api.call("POST", SHARE, {"project_ids": [a], "members": [olaf]}, token=w.token("max"))
    assert ok.status_code == 200 and olaf in _project(api, w, a)["members"], ok.data
    # He cannot see B (no member, no manager): it is unknown to him, by index
    unseen = api.call("POST", SHARE, {"project_ids": [a, b], "members": [olaf]}, token=w.token("max"))
    assert unseen.status_code == 422 and unseen.data["error"]["details"]["errors"][0]["field"] == "project_ids[1]"
    # Mia sees A (through her team) but manages nothing: refused, and A is left as it was
    refused = api.call("POST", SHARE, {"project_ids": [a], "followers": [w.ids["cust_b"].id]},
                       token=w.token("agent_member"))
    assert refused.status_code == 403 and refused.data["error"]["details"]["fields"] == ["project_ids[0]"]
    assert w.ids["cust_b"].id not in _project(api, w, a)["followers"]


def test_an_edit_landing_between_read_and_write_is_kept_and_the_share_retried(api, container, world):
    w = world
    deps = container.deps
    web = w.ids["web"]["id"]
    tenant_id = w.ids["tenant"].id
    # Given someone renaming the project right after the share read it to write (its second read: the first checks)
    real_get = deps.repos.projects.get
    reads = []

    def get_then_rename(tid, pid):
        found = real_get(tid, pid)
        if pid == web:
            reads.append(found.version)
            if len(reads) == 2:
                deps.repos.projects.save(replace(found, name="Website (new)"))
        return found

    deps.repos.projects.get = get_then_rename
    try:
        resp = api.call("POST", SHARE, {"project_ids": [web], "members": [f"user:{w.ids['member'].id}"]},
                        token=w.token("admin"))
    finally:
        deps.repos.projects.get = real_get
    # Then its write conflicted, it read again and landed on the renamed project: both changes are kept
    assert resp.status_code == 200 and resp.data["added"] == 1, resp.data
    assert reads == [1, 1, 2]
    stored = real_get(tenant_id, web)
    assert (stored.name, stored.members) == ("Website (new)", [f"user:{w.ids['member'].id}"])
