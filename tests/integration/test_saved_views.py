"""Saved views through the API (issue 13): who sees which view, paging a view, and its CSV/XLSX export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl

from integration.world import build_world

COLUMNS = ["ref", "title", "priority", "percent_complete", "due_date", "created_at"]


def make_view(api, w, role: str = "admin", **fields) -> dict:
    body = {"name": "My view", "columns": COLUMNS, "sort": "created_at", **fields}
    resp = api.call("POST", "/v1/views", body, token=w.token(role))
    assert resp.status_code == 201, resp.data
    return resp.data


def new_item(api, w, title: str, **fields) -> dict:
    body = {"type_id": w.ids["ticket_type"].id, "title": title, **fields}
    resp = api.call("POST", "/v1/items", body, token=w.token("admin"))
    assert resp.status_code == 201, resp.data
    return resp.data


def test_a_shared_view_is_seen_by_another_agent_and_a_private_one_is_not(api, container):
    w = build_world(container.deps)
    # Given the member agent saves one shared and one private view
    shared = make_view(api, w, "agent_member", name="Team board", shared=True)
    private = make_view(api, w, "agent_member", name="Mine only")
    # When the other agent reads them, then the shared one is there and the private one does not exist for it
    assert api.call("GET", f"/v1/views/{shared['id']}", token=w.token("agent_nonmember")).status_code == 200
    hidden = api.call("GET", f"/v1/views/{private['id']}", token=w.token("agent_nonmember"))
    assert hidden.status_code == 404 and hidden.data["error"]["code"]
    listed = api.call("GET", "/v1/views", token=w.token("agent_nonmember")).data["items"]
    assert [v["name"] for v in listed] == ["Team board"]
    # And its owner lists both, while the other agent may not change the shared one
    mine = api.call("GET", "/v1/views", token=w.token("agent_member")).data["items"]
    assert sorted(v["name"] for v in mine) == ["Mine only", "Team board"]
    refused = api.call("PATCH", f"/v1/views/{shared['id']}", {"name": "Taken"}, token=w.token("agent_nonmember"))
    assert refused.status_code == 403


def test_a_view_shared_with_a_team_is_seen_by_its_members_only(api, container):
    w = build_world(container.deps)
    # Given the admin shares a view with the support team (the member agent is in it, the outsider is not)
    view = make_view(api, w, shared=True, team_id=w.ids["team"].id)
    # Then the member reads it, the outsider gets 404 and a customer 403
    assert api.call("GET", f"/v1/views/{view['id']}", token=w.token("agent_member")).status_code == 200
    assert api.call("GET", f"/v1/views/{view['id']}", token=w.token("agent_nonmember")).status_code == 404
    assert api.call("GET", f"/v1/views/{view['id']}", token=w.token("customer_a")).status_code == 403


def test_an_unknown_column_is_refused_naming_it(api, container):
    w = build_world(container.deps)
    resp = api.call("POST", "/v1/views", {"name": "Bad", "columns": ["title", "colour"]}, token=w.token("admin"))
    assert resp.status_code == 422
    error = resp.data["error"]["details"]["errors"][0]
    assert error["field"] == "columns[1]" and "colour" in error["message"]


def test_an_unknown_filter_is_refused(api, container):
    w = build_world(container.deps)
    resp = api.call("POST", "/v1/views", {"name": "Bad", "filters": {"colour": "red"}}, token=w.token("admin"))
    assert resp.status_code == 422


def test_a_view_pages_its_filtered_items_in_its_order(api, container):
    w = build_world(container.deps)
    for n in range(3):
        new_item(api, w, f"urgent {n}", priority="urgent")
    view = make_view(api, w, filters={"kind": "ticket"}, sort="-created_at")
    titles, cursor = [], None
    for _ in range(10):
        path = f"/v1/views/{view['id']}/items?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api.call("GET", path, token=w.token("admin"))
        assert page.status_code == 200, page.data
        titles += [i["title"] for i in page.data["items"]]
        cursor = page.data["next_cursor"]
        if not cursor:
            break
    assert titles == ["urgent 2", "urgent 1", "urgent 0", "B's ticket", "A's ticket"]


def test_the_csv_export_has_exactly_the_views_columns_and_guards_formulas(api, container):
    w = build_world(container.deps)
    new_item(api, w, "=HYPERLINK(\"http://evil\")", priority="high", due_date="2026-12-24", percent_complete=40)
    view = make_view(api, w, filters={"kind": "ticket"})
    resp = api.call("GET", f"/v1/views/{view['id']}/export?format=csv", token=w.token("admin"))
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    assert resp.headers["x-tandem-truncated"] == "false"
    rows = list(csv.reader(io.StringIO(resp.body.decode("utf-8"))))
    assert rows[0] == COLUMNS
    assert len(rows) == 4  # header + the world's two tickets + the new one
    last = dict(zip(COLUMNS, rows[-1], strict=True))
    assert last["title"] == "'=HYPERLINK(\"http://evil\")"
    assert (last["priority"], last["percent_complete"], last["due_date"]) == ("high", "40", "2026-12-24")


def test_the_xlsx_export_has_the_views_columns_with_their_types(api, container):
    w = build_world(container.deps)
    new_item(api, w, "Typed", due_date="2026-12-24", percent_complete=40)
    view = make_view(api, w, filters={"kind": "ticket"})
    # (API Gateway sends a binary body as binary only to a request that accepts its type)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    resp = api.call("GET", f"/v1/views/{view['id']}/export?format=xlsx", token=w.token("admin"),
                    headers={"Accept": xlsx})
    assert resp.status_code == 200, resp.body[:300]
    assert resp.headers["content-type"] == xlsx
    sheet = openpyxl.load_workbook(io.BytesIO(resp.body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS and len(rows) == 4
    typed = dict(zip(COLUMNS, rows[-1], strict=True))
    assert typed["title"] == "Typed" and typed["percent_complete"] == 40
    assert typed["due_date"] == dt.datetime(2026, 12, 24)  # an Excel date cell (openpyxl reads it as a datetime)
    assert isinstance(typed["created_at"], dt.datetime)


def test_a_private_view_cannot_be_exported_by_another_agent(api, container):
    w = build_world(container.deps)
    view = make_view(api, w, "agent_member")
    resp = api.call("GET", f"/v1/views/{view['id']}/export?format=csv", token=w.token("agent_nonmember"))
    assert resp.status_code == 404


def test_an_export_too_large_for_one_answer_is_refused_with_413(api, container, monkeypatch):
    import api.routes_views as routes

    w = build_world(container.deps)
    view = make_view(api, w)
    # Given a size limit below what the view's CSV takes, when it is exported, then 413 in the error shape
    monkeypatch.setattr(routes, "EXPORT_MAX_BYTES", 50)
    resp = api.call("GET", f"/v1/views/{view['id']}/export?format=csv", token=w.token("admin"))
    assert resp.status_code == 413 and resp.data["error"]["code"] == "too_large"


def test_an_export_reads_every_page_up_to_its_cap_and_says_when_it_cut(api, container, monkeypatch):
    from integration.world import _principal
    from tandem.services import saved_views

    w = build_world(container.deps)
    for n in range(4):
        new_item(api, w, f"extra {n}")
    view = make_view(api, w)
    admin = _principal(w.ids["admin"])
    # Given pages of two rows, when the six items are exported whole and with a cap of five
    monkeypatch.setattr(saved_views, "PER_PAGE", 2)
    _, every, cut = saved_views.export_rows(container.deps, admin, view["id"])
    _, capped, cut_capped = saved_views.export_rows(container.deps, admin, view["id"], cap=5)
    # Then every page was read, and the capped one stops at five and says so
    assert (len(every), cut) == (6, False)
    assert (len(capped), cut_capped) == (5, True)


def test_the_column_chooser_reads_the_columns_and_groups_a_view_may_use(api, container):
    from tandem.domain.views import COLUMNS as ALLOWED
    from tandem.domain.views import DEFAULT_COLUMNS, GROUPS

    w = build_world(container.deps)
    # When an agent asks which columns a view may show
    resp = api.call("GET", "/v1/views/columns", token=w.token("agent_member"))
    # Then it reads the domain's lists (the literal path is not taken for a view id)
    assert resp.status_code == 200, resp.data
    assert resp.data == {"columns": list(ALLOWED), "groups": list(GROUPS), "default_columns": list(DEFAULT_COLUMNS)}
    # And every column it offers is accepted when a view is saved with it
    make_view(api, w, columns=resp.data["columns"], group_by=resp.data["groups"][-1])
