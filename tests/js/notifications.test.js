// The bell's wording for each kind of notification, timesheet decisions included (issue 13).
import { test } from "node:test";
import assert from "node:assert/strict";
import { notificationText, notificationRoute, bellLabel } from "../../static_portal/app/notifications.js";

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

test("a join request's notification names the project (its title) and leads to the project, not an item", () => {
  const asked = { kind: "join_requested", actor: { name: "Olaf" }, item_ref: "", item_title: "Website", project_id: "p 1" };
  assert.equal(notificationText(asked), "Olaf asks to join a project");
  assert.equal(notificationText({ ...asked, kind: "join_declined", actor: { name: "Max" } }), "Max declined your request to join a project");
  assert.equal(notificationRoute(asked), "/projects/p%201");
  assert.equal(notificationRoute({ kind: "mention", item_ref: "T-4" }), "/items/T-4");
});
