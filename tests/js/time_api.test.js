// The time screens against an API that may not know its newest parts yet: the approval queue asks for
// `approvable=true` and falls back when that key is refused; the item's time spent is left out on a 404.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";

// api.js runs in a browser: give it the three globals it reads, and a fetch that answers from a script.
let answers = [];
const asked = [];
globalThis.location = { origin: "http://desk.test", href: "http://desk.test/app/" };
globalThis.document = { documentElement: { dataset: {} } };
globalThis.fetch = async (url) => {
  asked.push(new URL(url));
  const [status, body] = answers.shift();
  return { ok: status < 400, status, text: async () => JSON.stringify(body), headers: { get: () => null } };
};
const { approvable, itemTime, createSheet, timerFor } = await import("../../static_portal/app/time_api.js");

const unknownKey = [422, { error: { code: "validation_error", message: "invalid query: approvable: unknown field", details: { errors: [{ field: "approvable", message: "unknown field" }] } } }];
const page = (items) => [200, { items, next_cursor: null }];

beforeEach(() => {
  answers = [];
  asked.length = 0;
});

test("the approval queue asks the API to choose the sheets, in one request when it knows how", async () => {
  answers.push(page([{ id: "s1", state: "submitted" }]));
  const rows = await approvable();
  assert.deepEqual(rows.map((r) => r.id), ["s1"]);
  assert.equal(asked.length, 1);
  assert.equal(asked[0].searchParams.get("state"), "submitted");
  assert.equal(asked[0].searchParams.get("approvable"), "true");
});

test("an API that refuses `approvable` as unknown is asked again for the submitted sheets without it", async () => {
  answers.push(unknownKey, page([{ id: "s2", state: "submitted" }]));
  const rows = await approvable();
  assert.deepEqual(rows.map((r) => r.id), ["s2"]);
  assert.equal(asked.length, 2);
  assert.equal(asked[1].searchParams.get("approvable"), null);
  assert.equal(asked[1].searchParams.get("state"), "submitted");
});

test("any other failure of the queue is not hidden by the fallback", async () => {
  answers.push([403, { error: { code: "forbidden", message: "no" } }]);
  await assert.rejects(approvable(), (err) => err.status === 403);
  assert.equal(asked.length, 1);
});

test("the item's time spent is null while the API has no such endpoint, and a server error still fails", async () => {
  answers.push([404, { error: { code: "not_found", message: "no such route" } }]);
  assert.equal(await itemTime("T-1"), null);
  answers.push([200, { minutes: 90, billable_minutes: 60, count: 2 }]);
  assert.deepEqual(await itemTime("T-1"), { minutes: 90, billable_minutes: 60, count: 2 });
  assert.equal(asked[1].pathname, "/v1/items/T-1/time");
  answers.push([500, { error: { code: "internal", message: "boom" } }]);
  await assert.rejects(itemTime("T-1"), (err) => err.status === 500);
});

test("saving and submitting new time is a create then a submit of that sheet", async () => {
  answers.push([201, { id: "s9", state: "draft" }], [200, { id: "s9", state: "submitted" }]);
  const sheet = await createSheet({ item_ref: "T-1", date: "2024-06-05", minutes: 5 }, { submit: true, key: "k1" });
  assert.equal(sheet.state, "submitted");
  assert.deepEqual(asked.map((u) => u.pathname), ["/v1/timesheets", "/v1/timesheets/s9/submit"]);
});

test("an item's page shows the timer on that item, paused or not, before a running one elsewhere", () => {
  const running = { id: "t2", item_ref: "T-2", state: "running" };
  const paused = { id: "t1", item_ref: "T-1", state: "paused" };
  assert.equal(timerFor([running, paused], "T-1"), paused);
  assert.equal(timerFor([running, paused], "T-2"), running);
  assert.equal(timerFor([running, paused], "T-3"), running);
  assert.equal(timerFor([paused], "T-3"), null);
});
