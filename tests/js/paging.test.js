// The shared pager: "Load more" shows only while the API has more, and a row is never appended twice.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pager } from "../../static_portal/js/paging.js";

function fakeButton() {
  const listeners = [];
  return { hidden: false, disabled: false, addEventListener: (_, fn) => listeners.push(fn), click: () => Promise.all(listeners.map((f) => f())) };
}

test("pages to the end without duplicates and hides the button when nothing is left", async () => {
  const pages = { null: { items: [{ id: 1 }, { id: 2 }], next_cursor: "a" }, a: { items: [{ id: 2 }, { id: 3 }], next_cursor: null } };
  const asked = [];
  const shown = [];
  const button = fakeButton();
  const load = pager({ fetchPage: async (c) => (asked.push(c), pages[c]), render: (rows) => shown.push(...rows), button, onError: assert.fail });
  await load();
  assert.equal(button.hidden, false);
  await button.click();
  assert.deepEqual(shown.map((r) => r.id), [1, 2, 3]);
  assert.equal(button.hidden, true);
  await button.click(); // a stray click after the end asks for nothing
  assert.deepEqual(asked, [null, "a"]);
});

test("a failed page is reported and can be retried with the same cursor", async () => {
  let fail = true;
  const errors = [];
  const button = fakeButton();
  const load = pager({
    fetchPage: async (c) => {
      if (c === "a" && fail) throw new Error("offline");
      return c ? { items: [{ id: 9 }], next_cursor: null } : { items: [{ id: 1 }], next_cursor: "a" };
    },
    render: () => {},
    button,
    onError: (e) => errors.push(e.message),
  });
  await load();
  await button.click();
  assert.deepEqual(errors, ["offline"]);
  assert.equal(button.hidden, false);
  fail = false;
  await button.click();
  assert.equal(button.hidden, true);
});
