// Keyboard shortcuts: the table decides, typing in a field never triggers one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { actionFor, isTyping, step, LIST_SHORTCUTS, ITEM_SHORTCUTS, GLOBAL_SHORTCUTS } from "../../static_portal/js/keys.js";

const el = (tagName, type) => ({ tagName, type, getAttribute: (n) => (n === "type" ? type ?? null : null) });
const key = (k, target = el("BODY"), extra = {}) => ({ key: k, target, ...extra });

test("list keys map to their actions", () => {
  assert.equal(actionFor(key("j"), LIST_SHORTCUTS), "next");
  assert.equal(actionFor(key("k"), LIST_SHORTCUTS), "previous");
  assert.equal(actionFor(key("o"), LIST_SHORTCUTS), "open");
  assert.equal(actionFor(key("Enter"), LIST_SHORTCUTS), "open");
  assert.equal(actionFor(key("x", el("INPUT", "checkbox")), LIST_SHORTCUTS), "select");
  assert.equal(actionFor(key("r"), ITEM_SHORTCUTS), "reply");
  assert.equal(actionFor(key("n"), ITEM_SHORTCUTS), "note");
  assert.equal(actionFor(key("?"), GLOBAL_SHORTCUTS), "help");
});

test("never while typing, never with a modifier, Enter on a link is the link's", () => {
  for (const target of [el("TEXTAREA"), el("INPUT", "text"), el("INPUT", "search"), el("INPUT"), el("SELECT"), { tagName: "DIV", isContentEditable: true }]) {
    assert.equal(actionFor(key("j", target), LIST_SHORTCUTS), null);
    assert.equal(isTyping(target), true);
  }
  assert.equal(actionFor(key("j", el("BODY"), { ctrlKey: true }), LIST_SHORTCUTS), null);
  assert.equal(actionFor(key("Enter", el("A")), LIST_SHORTCUTS), null);
  assert.equal(actionFor(key("j", el("BODY"), { defaultPrevented: true }), LIST_SHORTCUTS), null);
  assert.equal(isTyping(el("INPUT", "checkbox")), false);
});

test("moving through rows clamps at both ends and starts at the top", () => {
  assert.equal(step(-1, 1, 5), 0);
  assert.equal(step(-1, -1, 5), 4);
  assert.equal(step(4, 1, 5), 4);
  assert.equal(step(0, -1, 5), 0);
  assert.equal(step(2, 1, 0), -1);
});
