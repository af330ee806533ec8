"""Sub-folders of a project and items filed in them (issue 15), through the API on the agency world.

Incoming (A) holds A's ticket; Mia is a member (through her team), Olaf is not.
"""

from __future__ import annotations

import pytest

from integration.test_notifications import pump
from integration.world import build_world
from tandem.domain.folders import MAX_DEPTH


@pytest.fixture
def world(api, container):
    return build_world(container.deps)


def _folders(w) -> str:
    return f"/v1/projects/{w.ids['incoming_a'].id}/folders"


def _new(api, w, name: str, parent: str | None = None, token: str | None = None):
    body = {"name": name, **({"parent_id": parent} if parent else {})}
    return api.call("POST", _folders(w), body, token=token or w.token("admin"))


def test_folders_nest_five_levels_deep_and_no_deeper(api, world):
    w = world
    # When Mia creates a chain of folders, each under the one before
    parent, chain = None, []
    for level in range(1, MAX_DEPTH + 1):
        made = _new(api, w, f"Level {level}", parent, token=w.token("agent_member"))
        assert made.status_code == 201, made.data
        chain.append(made.data)
        parent = made.data["id"]
    too_deep = _new(api, w, "Level 6", parent)
    # Then five levels are fine, a sixth is refused on its parent, and the list holds parents before children
    assert too_deep.status_code == 422 and too_deep.data["error"]["details"]["field"] == "parent_id"
    listed = api.call("GET", _folders(w), token=w.token("agent_member")).data["items"]
    assert [(f["name"], f["parent_id"]) for f in listed] == [(f["name"], f["parent_id"]) for f in chain]
    assert chain[0]["parent_id"] is None and chain[0]["project_id"] == w.ids["incoming_a"].id
    # And a folder cannot move under its own sub-folder, nor a subtree deeper than the limit
    top, second = chain[0]["id"], chain[1]["id"]
    loop = api.call("PATCH", f"{_folders(w)}/{top}", {"parent_id": chain[3]["id"]}, token=w.token("admin"))
    assert loop.status_code == 422 and loop.data["error"]["details"]["field"] == "parent_id"
    other = _new(api, w, "Beside").data
    deep = api.call("PATCH", f"{_folders(w)}/{top}", {"parent_id": other["id"]}, token=w.token("admin"))
    assert deep.status_code == 422  # five levels under a top-level folder: six
    fits = api.call("PATCH", f"{_folders(w)}/{second}", {"parent_id": other["id"]}, token=w.token("admin"))
    assert fits.status_code == 200 and fits.data["parent_id"] == other["id"]  # four under one: five
    # While renaming, and moving a leaf, work (with If-Match)
    leaf = chain[-1]
    moved = api.call("PATCH", f"{_folders(w)}/{leaf['id']}", {"name": "Leaf", "parent_id": other["id"]},
                     token=w.token("admin"), headers={"If-Match": f'"{leaf["version"]}"'})
    assert moved.status_code == 200 and (moved.data["name"], moved.data["parent_id"]) == ("Leaf", other["id"])
    stale = api.call("PATCH", f"{_folders(w)}/{leaf['id']}", {"name": "Stale"}, token=w.token("admin"),
                     headers={"If-Match": f'"{leaf["version"]}"'})
    assert stale.status_code == 412


def test_a_folder_is_deleted_only_when_it_holds_no_folder_and_no_item(api, container, world):
    w = world
    admin = w.token("admin")
    ref = w.ids["item_a"].ref
    top = _new(api, w, "Design").data
    sub = _new(api, w, "Drafts", top["id"]).data
    # A folder with a sub-folder: 409
    assert api.call("DELETE", f"{_folders(w)}/{top['id']}", token=admin).status_code == 409
    # When A's ticket is filed in the sub-folder (and the stream counts it)
    filed = api.call("PATCH", f"/v1/items/{ref}", {"folder_id": sub["id"]}, token=admin)
    assert filed.status_code == 200 and filed.data["folder_id"] == sub["id"], filed.data
    pump(container, twice=True)  # counted once although delivered twice
    # Then the sub-folder cannot go while the ticket is in it
    held = api.call("DELETE", f"{_folders(w)}/{sub['id']}", token=admin)
    assert held.status_code == 409 and held.data["error"]["details"]["items"] == 1, held.data
    # When the ticket leaves the folder, then both folders can go, the sub-folder first
    api.call("PATCH", f"/v1/items/{ref}", {"folder_id": None}, token=admin)
    pump(container)
    assert api.call("DELETE", f"{_folders(w)}/{sub['id']}", token=admin).status_code == 204
    assert api.call("DELETE", f"{_folders(w)}/{top['id']}", token=admin).status_code == 204
    assert api.call("GET", _folders(w), token=admin).data["items"] == []
    assert api.call("DELETE", f"{_folders(w)}/{top['id']}", token=admin).status_code == 404


def test_an_items_folder_belongs_to_its_project_and_moving_project_clears_it(api, world):
    w = world
    admin = w.token("admin")
    ref = w.ids["item_a"].ref
    mine = _new(api, w, "Design").data
    elsewhere = api.call("POST", f"/v1/projects/{w.ids['incoming_b'].id}/folders", {"name": "B's"}, token=admin).data
    # A folder of another project, or one that does not exist, is refused on `folder_id`
    for folder_id in (elsewhere["id"], "no-such-folder"):
        bad = api.call("PATCH", f"/v1/items/{ref}", {"folder_id": folder_id}, token=admin)
        assert bad.status_code == 422 and bad.data["error"]["details"]["field"] == "folder_id", bad.data
    # A new item may be filed in its project's folder at once, not in another project's
    ticket = w.ids["ticket_type"].id
    made = api.call("POST", "/v1/items", {"type_id": ticket, "title": "Filed", "project_id": w.ids["incoming_a"].id,
                                          "folder_id": mine["id"]}, token=admin)
    assert made.status_code == 201 and made.data["folder_id"] == mine["id"], made.data
    wrong = api.call("POST", "/v1/items", {"type_id": ticket, "title": "Wrong", "project_id": w.ids["incoming_a"].id,
                                           "folder_id": elsewhere["id"]}, token=admin)
    assert wrong.status_code == 422 and wrong.data["error"]["details"]["field"] == "folder_id"
    # When the filed item moves to Incoming (B), its folder is cleared; moving with a folder there files it there
    moved = api.call("PATCH", f"/v1/items/{made.data['ref']}", {"project_id": w.ids["incoming_b"].id}, token=admin)
    assert moved.status_code == 200 and moved.data["folder_id"] is None, moved.data
    back = api.call("PATCH", f"/v1/items/{made.data['ref']}", {"project_id": w.ids["incoming_a"].id,
                                                               "folder_id": mine["id"]}, token=admin)
    assert back.status_code == 200 and back.data["folder_id"] == mine["id"], back.data


def test_the_item_list_filters_on_a_folder(api, world):
    w = world
    admin, mia = w.token("admin"), w.token("agent_member")
    design, drafts = _new(api, w, "Design").data, _new(api, w, "Drafts").data
    ticket, project = w.ids["ticket_type"].id, w.ids["incoming_a"].id
    refs = {}
    for title, folder in (("one", design), ("two", design), ("three", drafts), ("four", None)):
        body = {"type_id": ticket, "title": title, "project_id": project,
                **({"folder_id": folder["id"]} if folder else {})}
        refs[title] = api.call("POST", "/v1/items", body, token=admin).data["ref"]
    # When the member lists a folder's items (in any order the list offers)
    got = api.call("GET", f"/v1/items?folder_id={design['id']}", token=mia)
    by_created = api.call("GET", f"/v1/items?folder_id={design['id']}&sort=created_at", token=mia)
    # Then exactly that folder's items come back
    assert got.status_code == 200, got.data
    assert sorted(i["ref"] for i in got.data["items"]) == sorted([refs["one"], refs["two"]])
    assert [i["ref"] for i in by_created.data["items"]] == [refs["one"], refs["two"]]
    # A folder with another project's filter lists nothing; an unknown folder is refused
    other = api.call("GET", f"/v1/items?folder_id={design['id']}&project_id={w.ids['incoming_b'].id}", token=admin)
    assert (other.status_code, other.data["items"]) == (200, [])
    unknown = api.call("GET", "/v1/items?folder_id=nope", token=admin)
    assert unknown.status_code == 422 and unknown.data["error"]["details"]["field"] == "folder_id"
    # And the outsider, who does not see the project, finds nothing in its folder
    assert api.call("GET", f"/v1/items?folder_id={design['id']}", token=w.token("agent_nonmember")).data[
        "items"] == []


def test_who_sees_and_changes_folders(api, world):
    w = world
    made = _new(api, w, "Design").data
    path = f"{_folders(w)}/{made['id']}"
    # The outsider does not know the project; customers never see folders
    assert api.call("GET", _folders(w), token=w.token("agent_nonmember")).status_code == 404
    assert _new(api, w, "x", token=w.token("agent_nonmember")).status_code == 404
    assert api.call("GET", _folders(w), token=w.token("customer_a")).status_code == 403
    # A folder is found under its own project only
    other = f"/v1/projects/{w.ids['incoming_b'].id}/folders/{made['id']}"
    assert api.call("PATCH", other, {"name": "Moved"}, token=w.token("admin")).status_code == 404
    assert api.call("PATCH", path, {"name": ""}, token=w.token("admin")).status_code == 422


def test_a_saved_view_of_a_folder_lists_its_items(api, world):
    w = world
    admin = w.token("admin")
    design = _new(api, w, "Design").data
    body = {"type_id": w.ids["ticket_type"].id, "title": "Filed", "project_id": w.ids["incoming_a"].id,
            "folder_id": design["id"]}
    filed = api.call("POST", "/v1/items", body, token=admin).data["ref"]
    # When the folder's list is saved as a view, then the view keeps the folder and pages its items only
    view = api.call("POST", "/v1/views", {"name": "Design work", "filters": {"folder_id": design["id"]}}, token=admin)
    assert view.status_code == 201 and view.data["filters"] == {"folder_id": design["id"]}, view.data
    items = api.call("GET", f"/v1/views/{view.data['id']}/items", token=admin).data["items"]
    assert [i["ref"] for i in items] == [filed]
