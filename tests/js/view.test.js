// The view pattern: a newer screen wins, a refresh updates the current one only, a disposed one is left alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHost, defineView } from "../../static_portal/js/view.js";

test("a slow first screen never renders over the screen shown after it", async () => {
  const rendered = [];
  let release;
  const slow = defineView({ load: () => new Promise((r) => (release = r)), render: () => rendered.push("slow") });
  const fast = defineView({ load: async () => 1, render: () => rendered.push("fast") });
  const host = createHost();
  const first = host.show(slow);
  await host.show(fast);
  release();
  await first;
  assert.deepEqual(rendered, ["fast"]);
  assert.equal(slow.alive, false);
});

test("refresh loads again and updates in place; one refresh at a time; errors keep the screen", async () => {
  let n = 0;
  const updates = [];
  const view = defineView({ load: async () => ++n, render: () => {}, update: (d) => updates.push(d) });
  const host = createHost();
  await host.show(view);
  await Promise.all([host.refresh(), host.refresh()]);
  assert.deepEqual(updates, [2]);
  const failing = defineView({ load: async () => { throw new Error("x"); }, render: () => {} });
  const errors = [];
  const host2 = createHost({ onError: (e) => errors.push(e.message) });
  await host2.show(failing);
  await host2.refresh();
  assert.deepEqual(errors, ["x"]);
});

test("a screen without update has nothing to refresh", async () => {
  const view = defineView({ load: async () => 1, render: () => {}, update: null });
  assert.equal(view.refresh, null);
  const host = createHost();
  await host.show(view);
  await host.refresh();
});

test("a refresh before the first render does nothing", async () => {
  let release;
  const updates = [];
  const view = defineView({ load: () => new Promise((r) => (release = r)), render: () => {}, update: (d) => updates.push(d) });
  const host = createHost();
  const shown = host.show(view);
  await host.refresh();
  release(1);
  await shown;
  assert.deepEqual(updates, []);
});
