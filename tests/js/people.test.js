// Names for a screen's ids: one request for a page, remembered for the session.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createPeople } from "../../static_portal/js/people.js";

test("a page's people are asked for in one request and never again", async () => {
  const asked = [];
  const people = createPeople(async (ids) => (asked.push(ids), ids.filter((id) => id !== "gone").map((id) => ({ id, name: `N ${id}` }))));
  await people.resolve(["a", "b", "a", null, "gone"]);
  await people.resolve(["b", "gone"]);
  assert.deepEqual(asked, [["a", "b", "gone"]]);
  assert.equal(people.name("a"), "N a");
  assert.equal(people.name("gone", "unknown"), "unknown");
});

test("more than a batch is split, and concurrent screens share the request in flight", async () => {
  const asked = [];
  const people = createPeople(async (ids) => (asked.push(ids.length), ids.map((id) => ({ id, email: `${id}@x` }))), { batch: 2 });
  await Promise.all([people.resolve(["a", "b", "c"]), people.resolve(["a", "c"])]);
  assert.deepEqual(asked, [2, 1]);
  assert.equal(people.name("c"), "c@x");
});

test("a failed request is forgotten so the next screen asks again", async () => {
  let fail = true;
  const people = createPeople(async (ids) => {
    if (fail) throw new Error("offline");
    return ids.map((id) => ({ id, name: id.toUpperCase() }));
  });
  await people.resolve(["a"]);
  assert.equal(people.get("a"), null);
  fail = false;
  await people.resolve(["a"]);
  assert.equal(people.name("a"), "A");
});
