// Saved views in the workspace: the list as a view and back, who sees a view, the column chooser, grouping,
// and the name of a downloaded file.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  viewFilters, baseFilters, listAddressOf, listAsView, visibilityOf, visibilityBody, visibilityText, canEdit,
  sortViews, toggleColumn, moveColumn, chooserOrder, groupKey, groupRows, columnLabel, legacyView,
} from "../../static_portal/app/views_model.js";
import { itemsQuery, listParams } from "../../static_portal/app/list_query.js";
import { fileNameFrom } from "../../static_portal/js/api.js";

test("saving the list from a queue keeps the queue's filters under the person's own, typed as the API wants", () => {
  // Given the My items queue narrowed to tickets, searched and sorted by priority
  const params = new URLSearchParams("queue=mine&kind=ticket&q=printer&sort=-priority");
  const queue = { id: "mine", filters: { assignee: "me", status_category: ["new", "open"], unassigned: false } };
  // When it is saved as a view
  const body = listAsView(itemsQuery(params, queue, { limit: 50 }), params);
  // Then the view has the filters (no paging, no false flag) and the order
  assert.deepEqual(body, { filters: { kind: "ticket", assignee: "me", status_category: ["new", "open"], q: "printer" }, sort: "-priority" });
});

test("unassigned read back from the address as text is a boolean again", () => {
  const query = itemsQuery(new URLSearchParams(""), { filters: { unassigned: true, organization_id: "org1" } });
  assert.equal(query.unassigned, "true");
  assert.deepEqual(viewFilters(query), { unassigned: true, organization_id: "org1" });
  assert.deepEqual(viewFilters({ unassigned: "false", status_category: [], kind: "", limit: 5, cursor: "c" }), {});
});

test("a view opened in the list carries its form filters in the address and the rest underneath", () => {
  // Given a view of my open tickets of one organisation, by due date
  const view = { id: "v1", sort: "due_date", filters: { kind: "ticket", assignee: "me", status_category: ["open"], organization_id: "o1" } };
  // When the list is opened to change its filters
  const address = listAddressOf(view);
  assert.deepEqual(address, { view: "v1", kind: "ticket", assignee: "me", sort: "due_date" });
  const base = baseFilters(view);
  assert.deepEqual(base, { status_category: ["open"], organization_id: "o1" });
  // Then the list asks for exactly the view's list, and saving it back gives the same filters
  const params = new URLSearchParams(address);
  assert.deepEqual(listAsView(itemsQuery(params, { filters: base }), params), { filters: view.filters, sort: "due_date" });
  // And a changed filter in the form replaces the view's, the address keeping the view
  const changed = new URLSearchParams(listParams(params, { kind: "task" }));
  assert.equal(changed.get("view"), "v1");
  assert.equal(listAsView(itemsQuery(changed, { filters: base }), changed).filters.kind, "task");
});

test("the default order is left out of the list's address", () => {
  assert.deepEqual(listAddressOf({ id: "v", sort: "-updated_at", filters: {} }), { view: "v" });
});

test("who sees a view: one choice of three kinds, and its words", () => {
  const teams = { t1: "Support" };
  for (const [view, choice, words] of [
    [{ shared: false, team_id: null }, "private", "Private"],
    [{ shared: true, team_id: null }, "everyone", "Shared with everyone"],
    [{ shared: true, team_id: "t1" }, "team:t1", "Shared with team Support"],
  ]) {
    assert.equal(visibilityOf(view), choice);
    assert.deepEqual(visibilityBody(choice), { shared: view.shared, team_id: view.team_id });
    assert.equal(visibilityText(view, (id) => teams[id]), words);
  }
  assert.deepEqual(visibilityBody("team:"), { shared: false, team_id: null }); // no team named: private, not everyone
});

test("the owner and admins may change a view, another agent may not", () => {
  const view = { owner_id: "u1" };
  assert.equal(canEdit(view, { id: "u1", role: "agent" }), true);
  assert.equal(canEdit(view, { id: "u2", role: "admin" }), true);
  assert.equal(canEdit(view, { id: "u2", role: "agent" }), false);
  assert.equal(canEdit(view, null), false);
});

test("my views come first, then the shared ones, each by name", () => {
  const views = [
    { id: "a", name: "Zeta", owner_id: "me" },
    { id: "b", name: "Alpha", owner_id: "other" },
    { id: "c", name: "Beta", owner_id: "me" },
  ];
  assert.deepEqual(sortViews(views, "me").map((v) => v.id), ["c", "a", "b"]);
});

test("choosing columns: added at the end, removed, never none, moved within the ends", () => {
  let cols = ["ref", "title", "status"];
  cols = toggleColumn(cols, "due_date", true);
  assert.deepEqual(cols, ["ref", "title", "status", "due_date"]);
  cols = toggleColumn(cols, "title", false);
  assert.deepEqual(cols, ["ref", "status", "due_date"]);
  assert.deepEqual(toggleColumn(["ref"], "ref", false), ["ref"]);
  assert.deepEqual(moveColumn(cols, "due_date", -1), ["ref", "due_date", "status"]);
  assert.deepEqual(moveColumn(cols, "ref", -1), cols);
  assert.deepEqual(moveColumn(cols, "due_date", 1), cols);
  assert.deepEqual(moveColumn(cols, "nope", 1), cols);
});

test("the chooser lists the chosen columns in their order, then the others as the API lists them", () => {
  assert.deepEqual(chooserOrder(["title", "ref", "gone"], ["ref", "id", "title", "status"]), ["title", "ref", "id", "status"]);
});

test("grouping keeps the view's order and puts lists under one key", () => {
  const items = [
    { ref: "T-1", priority: "high", tags: ["b", "a"] },
    { ref: "T-2", priority: "low", tags: [] },
    { ref: "T-3", priority: "high", tags: ["a", "b"] },
    { ref: "T-4", tags: null },
  ];
  assert.deepEqual(groupRows(items, "priority").map((g) => [g.key, g.items.map((i) => i.ref)]),
    [["high", ["T-1", "T-3"]], ["low", ["T-2"]], ["", ["T-4"]]]);
  assert.equal(groupKey(items[0], "tags"), "a,b");
  assert.equal(groupKey(items[0], "tags"), groupKey(items[2], "tags"));
  assert.equal(groupKey(items[1], "tags"), "");
});

test("columns read as words, including one the API adds later", () => {
  assert.equal(columnLabel("updated_at"), "Last activity");
  assert.equal(columnLabel("percent_complete"), "% complete");
  assert.equal(columnLabel("billing_code"), "Billing code");
  assert.equal(columnLabel("customer_id"), "Customer");
});

test("a download's file name comes from Content-Disposition, UTF-8 form first, never with a folder", () => {
  assert.equal(fileNameFrom("attachment; filename*=UTF-8''Open%20tickets%20%E2%9C%93.csv"), "Open tickets ✓.csv");
  assert.equal(fileNameFrom('attachment; filename="report.xlsx"; filename*=UTF-8\'\'r%C3%A9sum%C3%A9.xlsx'), "résumé.xlsx");
  assert.equal(fileNameFrom('attachment; filename="quoted \\"name\\".csv"'), 'quoted "name".csv');
  assert.equal(fileNameFrom("attachment; filename=plain.csv"), "plain.csv");
  assert.equal(fileNameFrom("attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd"), "passwd");
  assert.equal(fileNameFrom("attachment; filename*=UTF-8''%E0%A4%A"), "download"); // undecodable, no plain name
  assert.equal(fileNameFrom(null, "view.csv"), "view.csv");
  assert.equal(fileNameFrom('attachment; filename=".."', "x.csv"), "x.csv");
});

test("a filter saved in the browser before views becomes a private view of the same list", () => {
  // Given the old saved filter "My urgent" (the My items queue by priority) and one with junk in it
  const queues = [{ id: "mine", filters: { assignee: "me", status_category: ["new", "open", "waiting"] } }];
  const saved = { name: " My urgent ", params: { queue: "mine", sort: "-priority", kind: "ticket", q: "" } };
  // When each is turned into a view
  assert.deepEqual(legacyView(saved, queues), {
    name: "My urgent", shared: false, team_id: null, sort: "-priority",
    filters: { kind: "ticket", assignee: "me", status_category: ["new", "open", "waiting"] },
  });
  // Then an unknown queue or a nested value is dropped, and a nameless one still gets a name
  assert.deepEqual(legacyView({ name: "", params: { queue: "gone", status: { x: 1 } } }, queues),
    { name: "Saved filter", shared: false, team_id: null, sort: "-updated_at", filters: {} });
});
