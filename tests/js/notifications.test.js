// The bell's wording for each kind of notification, timesheet decisions included (issue 13).
import { test } from "node:test";
import assert from "node:assert/strict";
import { notificationText, bellLabel } from "../../static_portal/app/notifications.js";

test("a timesheet decision names who decided and on which item", () => {
  const approved = { kind: "timesheet_approved", actor: { id: "u1", name: "Max Manager" }, item_ref: "TCK-7" };
  const rejected = { ...approved, kind: "timesheet_rejected", detail: "split per task" };
  assert.equal(notificationText(approved), "Max Manager approved your timesheet on TCK-7");
  assert.equal(notificationText(rejected), "Max Manager rejected your timesheet on TCK-7");
});

test("an unknown kind or a missing actor still reads as a sentence", () => {
  assert.equal(notificationText({ kind: "something_new", actor: null, item_ref: "" }), "Someone updated an item");
  assert.equal(bellLabel(0), "Notifications, none unread");
});
