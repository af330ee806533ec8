// The item's history in words: names instead of ids, status and priority names instead of keys.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeActivity, describeChange, joinNames, cleanNote } from "../../static_portal/app/activity_text.js";

const PEOPLE = { u1: "Dana Agent", u2: "Andy Agent", c1: "Alice A" };
const STATUSES = { open: "Open", waiting: "Waiting on customer", resolved: "Resolved" };
const names = {
  person: (id) => PEOPLE[id] || "",
  team: (id) => ({ t1: "Customer support" })[id] || "",
  status: (key) => STATUSES[key] || "",
  priority: (key) => ({ high: "High", normal: "Normal" })[key] || "",
  project: (id) => ({ p1: "Project1", p2: "Incoming tickets" })[id] || "",
  type: () => "",
  field: (key) => ({ location: "Clinic location" })[key] || "",
};

test("a status change names the person and both statuses", () => {
  // Given Dana moved an item from open to waiting
  const entry = { action: "updated", cause: "user", actor: "u1", changes: { status: ["open", "waiting"] } };
  // When it is described
  const said = describeActivity(entry, names, { kind: "ticket" });
  // Then it reads as a sentence with names, never keys
  assert.deepEqual(said.lines, ["Dana Agent changed status from Open to Waiting on customer"]);
});

test("several changes become one sentence each, with people and teams named", () => {
  const entry = {
    action: "updated", cause: "user", actor: "u1",
    changes: { assignees: [["team:t1"], ["team:t1", "user:u2"]], priority: ["normal", "high"], project_id: ["p2", "p1"] },
  };
  const { lines } = describeActivity(entry, names);
  assert.deepEqual(lines, [
    "Dana Agent assigned Andy Agent",
    "Dana Agent changed priority from Normal to High",
    "Dana Agent moved it from Incoming tickets to Project1",
  ]);
});

test("no raw id or internal key survives when a name is unknown", () => {
  const entry = { action: "updated", cause: "user", actor: "01HXUNKNOWNACTOR", changes: { followers: [[], ["01HXSOMEONE"]], status: ["x_custom", "open"] } };
  const text = describeActivity(entry, names).lines.join(" ");
  assert.doesNotMatch(text, /01HX/);
  assert.doesNotMatch(text, /x_custom/);
  assert.match(text, /^Someone added someone as a follower/);
  assert.match(text, /changed status from X custom to Open/);
});

test("messages, creation and rules read naturally", () => {
  assert.deepEqual(describeActivity({ action: "message_added", cause: "email", actor: "c1", note: "public" }, names).lines, ["Alice A replied by email"]);
  assert.deepEqual(describeActivity({ action: "message_added", cause: "user", actor: "u1", note: "private" }, names).lines, ["Dana Agent added an internal note"]);
  assert.deepEqual(describeActivity({ action: "created", cause: "user", actor: "u1" }, names, { kind: "task" }).lines, ["Dana Agent created this task"]);
  const rule = describeActivity({ action: "updated", cause: "rule", changes: { tags: [[], ["vip"]] }, note: "Escalate set tags to vip" }, names);
  assert.deepEqual(rule.lines, ["A rule tagged it “vip”"]);
  assert.equal(rule.note, "Escalate set tags to vip");
});

test("custom field answers are named by the type's labels", () => {
  const lines = describeChange("fields", [{ location: "North clinic", copies: 1 }, { location: "South clinic", copies: 1 }], names);
  assert.deepEqual(lines, ["changed Clinic location from North clinic to South clinic"]);
});

test("removing tags and followers says what went", () => {
  assert.deepEqual(describeChange("tags", [["a", "b"], []], names), ["removed the tags “a” and “b”"]);
  assert.deepEqual(describeChange("followers", [["c1", "u2"], ["u2"]], names), ["removed Alice A from the followers"]);
});

test("helpers: names are joined in English, ids are dropped from notes", () => {
  assert.equal(joinNames(["a", "b", "c"]), "a, b and c");
  assert.equal(cleanNote("inbound webhook “Shop” (01HX5Y7Z8A9B0C1D2E3F)"), "inbound webhook “Shop”");
});
