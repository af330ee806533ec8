// The admin screens' directory: pickers by name, ids sent (static_portal/app/admin_common.js; pure parts only).
import { test } from "node:test";
import assert from "node:assert/strict";

import { choicesFor, directoryOf } from "../../static_portal/app/admin_common.js";

const DIR = directoryOf(
  {
    users: [
      { id: "u1", name: "Ada Admin", email: "ada@x.example", role: "admin", active: true },
      { id: "u2", name: "", email: "gone@x.example", role: "agent", active: false },
      { id: "u3", name: "Andy", email: "andy@x.example", role: "agent", active: true },
    ],
    teams: [{ id: "t1", name: "Support", member_ids: ["u3"] }],
    types: [
      { id: "ty1", name: "Request", kind: "ticket", form: { fields: [{ key: "budget", label: "Budget", type: "number" }] } },
      { id: "ty2", name: "Job", kind: "task", form: { fields: [{ key: "budget", label: "Other label", type: "number" }] } },
    ],
  },
  {
    ticket: [{ key: "new", name: "New" }, { key: "open", name: "Open" }],
    task: [{ key: "new", name: "To do" }, { key: "in_progress", name: "In progress" }],
  },
);

test("pickers offer active staff and teams by name, with the refs the API wants", () => {
  assert.deepEqual(choicesFor(DIR, "principal"), [["user:u1", "Ada Admin"], ["user:u3", "Andy"], ["team:t1", "Team Support"]]);
  assert.deepEqual(choicesFor(DIR, "user").map(([id]) => id), ["u1", "u3"]);
  assert.deepEqual(choicesFor(DIR, "task_type"), [["ty2", "Job"]]);
  assert.deepEqual(choicesFor(DIR, "email_to").slice(0, 2).map(([v]) => v), ["requester", "followers"]);
});

test("statuses of both lifecycles are offered once per key, task-only ones marked", () => {
  assert.deepEqual(choicesFor(DIR, "status"), [["new", "New"], ["open", "Open"], ["in_progress", "In progress (task)"]]);
});

test("names turn ids and refs back into words; the first type's label of a shared field key wins", () => {
  assert.equal(DIR.names.principal("team:t1"), "Team Support");
  assert.equal(DIR.names.principal("user:u2"), "gone@x.example");
  assert.equal(DIR.names.status("in_progress"), "In progress");
  assert.equal(DIR.names.type("nope"), "");
  assert.deepEqual(DIR.customFields.map((f) => f.label), ["Budget"]);
  assert.equal(DIR.names.field("budget"), "Budget");
});
