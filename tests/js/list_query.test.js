// The list's address and its GET /v1/items query.
import { test } from "node:test";
import assert from "node:assert/strict";
import { itemsQuery, listParams, sortOf, DEFAULT_SORT } from "../../static_portal/app/list_query.js";
import { searchParams } from "../../static_portal/js/api.js";

test("a queue's filters are sent, a filter the person set wins, the default order is last activity", () => {
  const params = new URLSearchParams("queue=mine&q=printer&status=open");
  const queue = { id: "mine", filters: { assignee: "me", status_category: ["new", "open"], unassigned: false } };
  const query = itemsQuery(params, queue, { limit: 50 });
  assert.deepEqual(query, { assignee: "me", status_category: ["new", "open"], status: "open", q: "printer", sort: "-updated_at", limit: 50 });
  assert.equal(searchParams(query).toString(), "assignee=me&status_category=new&status_category=open&status=open&q=printer&sort=-updated_at&limit=50");
});

test("an unknown sort falls back to last activity", () => {
  assert.equal(sortOf(new URLSearchParams("sort=drop table")), DEFAULT_SORT);
  assert.equal(sortOf(new URLSearchParams("sort=-priority")), "-priority");
});

test("changing one part of the address keeps the others and drops empty ones and the default sort", () => {
  const params = new URLSearchParams("q=vpn&queue=open&kind=ticket&sort=-updated_at");
  assert.deepEqual(listParams(params, { q: "", sort: "due_date" }), { queue: "open", sort: "due_date", kind: "ticket" });
  assert.deepEqual(listParams(params, {}), { q: "vpn", queue: "open", kind: "ticket" });
});

test("a folder of the project travels with the list and is left when another project is chosen", () => {
  const params = new URLSearchParams("project_id=p1&folder_id=f1&kind=task");
  assert.equal(itemsQuery(params).folder_id, "f1");
  assert.deepEqual(listParams(params, { kind: "" }), { folder_id: "f1", project_id: "p1" });
  assert.deepEqual(listParams(params, { project_id: "p2", kind: "task" }), { project_id: "p2", kind: "task" });
  assert.deepEqual(listParams(params, { project_id: "p1" }), { folder_id: "f1", project_id: "p1", kind: "task" });
  assert.deepEqual(listParams(params, { folder_id: "" }), { project_id: "p1", kind: "task" });
});
