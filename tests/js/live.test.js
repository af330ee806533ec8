// Live updates: a 304 does nothing, a new stamp refreshes, a hidden tab is not polled.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createPoller } from "../../static_portal/js/live.js";

function fakeDoc() {
  const listeners = [];
  return {
    visibilityState: "visible",
    addEventListener: (_, fn) => listeners.push(fn),
    removeEventListener: () => {},
    fire: () => listeners.forEach((fn) => fn()),
  };
}
function fakeTimers() {
  const pending = new Map();
  let next = 1;
  return {
    set: (fn) => (pending.set(next, fn), next++),
    clear: (id) => pending.delete(id),
    count: () => pending.size,
    async run() {
      const fns = [...pending.values()];
      pending.clear();
      for (const fn of fns) await fn();
    },
  };
}

test("the first answer is the baseline, a 304 changes nothing, a new stamp refreshes once", async () => {
  const answers = [
    { status: 200, etag: '"1"', data: { stamp: "s1", unread: 0 } },
    { status: 304 },
    { status: 200, etag: '"2"', data: { stamp: "s2", unread: 3 } },
  ];
  const sent = [];
  const changes = [];
  const unread = [];
  const timers = fakeTimers();
  const poller = createPoller({
    fetchChanges: async (etag) => (sent.push(etag), answers.shift()),
    onChange: (d) => changes.push(d.stamp),
    onUnread: (n) => unread.push(n),
    doc: fakeDoc(),
    timers,
  });
  poller.start();
  await new Promise((r) => setImmediate(r));
  await timers.run();
  await timers.run();
  assert.deepEqual(sent, [null, '"1"', '"1"']);
  assert.deepEqual(changes, ["s2"]);
  assert.deepEqual(unread, [0, 3]);
  poller.stop();
});

test("a hidden tab stops polling and asks at once when shown again", async () => {
  const doc = fakeDoc();
  const timers = fakeTimers();
  let calls = 0;
  const poller = createPoller({ fetchChanges: async () => (calls++, { status: 304 }), doc, timers });
  poller.start();
  await new Promise((r) => setImmediate(r));
  assert.equal(calls, 1);
  doc.visibilityState = "hidden";
  doc.fire();
  assert.equal(timers.count(), 0);
  doc.visibilityState = "visible";
  doc.fire();
  await new Promise((r) => setImmediate(r));
  assert.equal(calls, 2);
  poller.stop();
});

test("a failed poll keeps polling", async () => {
  const timers = fakeTimers();
  let calls = 0;
  const poller = createPoller({ fetchChanges: async () => { calls++; throw new Error("offline"); }, doc: fakeDoc(), timers });
  poller.start();
  await new Promise((r) => setImmediate(r));
  assert.equal(timers.count(), 1);
  await timers.run();
  assert.equal(calls, 2);
  poller.stop();
});
