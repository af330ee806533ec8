// The browser-side twin of the API's answer validation: the same rules as the server, friendlier words.
import { test } from "node:test";
import assert from "node:assert/strict";
import { check } from "../../static_portal/js/forms.js";

test("required fields and typed answers", () => {
  assert.equal(check({ required: true, type: "text" }, ""), "This field is required.");
  assert.equal(check({ required: true, type: "checkbox" }, false), "Please tick this box.");
  assert.equal(check({ required: false, type: "text" }, ""), null);
  assert.equal(check({ type: "number" }, Number.NaN), "Enter a number.");
  assert.equal(check({ type: "date" }, "2026-02-30x"), "Enter a date (YYYY-MM-DD).");
  assert.equal(check({ type: "email" }, "dana@example"), "Enter an email address.");
  assert.equal(check({ type: "email" }, "dana@example.com"), null);
  assert.equal(check({ type: "single_choice", options: ["a", "b"] }, "c"), "Choose one of the options.");
  assert.equal(check({ type: "multi_choice", options: ["a", "b"] }, ["a", "b"]), null);
});
