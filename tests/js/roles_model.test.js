// Roles in the workspace (static_portal/app/roles_model.js): what the caller may see offered, the role editor.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  adminSections, composerModes, groupPrivileges, holds, privilegesOf, roleChanges, roleChoices, roleName,
} from "../../static_portal/app/roles_model.js";

const LIGHT = { role: "agent", role_id: "light_agent", privileges: ["directory.read", "items.note", "time.track", "views.save"] };
const PM = { role: "agent", role_id: "project_manager", privileges: ["projects.manage", "directory.read", "items.edit", "items.reply", "items.note"] };

test("the caller holds what /v1/me lists; a session without the list holds its base role's built-in", () => {
  assert.ok(holds(LIGHT, "items.note"));
  assert.ok(!holds(LIGHT, "items.reply"));
  assert.ok(holds({ role: "admin" }, "settings.manage"));
  assert.ok(holds({ role: "agent" }, "items.reply") && !holds({ role: "agent" }, "people.manage"));
  assert.deepEqual(privilegesOf({ role: "customer", privileges: ["items.edit"] }), []);
  assert.deepEqual(privilegesOf(null), []);
  assert.deepEqual(privilegesOf({ role: "admin", privileges: [] }), []); // a deleted role grants nothing
});

test("the composer offers public replies and private notes as the role grants", () => {
  assert.deepEqual(composerModes({ role: "agent" }), ["public", "private"]);
  assert.deepEqual(composerModes(LIGHT), ["private"]);
  assert.deepEqual(composerModes({ role: "agent", privileges: ["items.see_all"] }), []);
});

test("admin sections follow the privilege each needs; keys and hooks need every item as well", () => {
  assert.deepEqual(adminSections(PM).map(([k]) => k), ["projects"]);
  assert.deepEqual(adminSections(LIGHT), []);
  assert.equal(adminSections({ role: "admin" }).length, 15);
  const configurator = { role: "agent", privileges: ["settings.manage", "items.note"] };
  const keys = adminSections(configurator).map(([k]) => k);
  assert.ok(keys.includes("rules") && keys.includes("modules"));
  assert.ok(!keys.includes("keys") && !keys.includes("hooks") && !keys.includes("users") && !keys.includes("import"));
});

test("the editor groups the vocabulary in the order the API gives it", () => {
  const vocab = [
    { name: "settings.manage", group: "Administration", description: "a" },
    { name: "directory.read", group: "Directory", description: "b" },
    { name: "people.manage", group: "Administration", description: "c" },
  ];
  const groups = groupPrivileges(vocab);
  assert.deepEqual(groups.map((g) => g.group), ["Administration", "Directory"]);
  assert.deepEqual(groups[0].privileges.map((p) => p.name), ["settings.manage", "people.manage"]);
  assert.deepEqual(groupPrivileges(undefined), []);
});

test("a role's PATCH carries only what changed; the order of privileges is no change", () => {
  const role = { name: "Notes", description: "", privileges: ["items.note", "views.save"] };
  assert.deepEqual(roleChanges(role, { name: " Notes ", description: "", privileges: ["views.save", "items.note"] }), {});
  assert.deepEqual(roleChanges(role, { name: "Private notes", privileges: ["items.note"] }),
    { name: "Private notes", privileges: ["items.note"] });
  assert.deepEqual(roleChanges(role, { description: " Only notes " }), { description: "Only notes" });
});

test("role pickers name built-ins plainly and custom roles with their base", () => {
  const roles = [{ id: "agent", name: "Agent", builtin: true, base: "agent" }, { id: "r1", name: "Notes", builtin: false, base: "agent" }];
  assert.deepEqual(roleChoices(roles), [["agent", "Agent"], ["r1", "Notes (custom, agent)"]]);
  assert.equal(roleName(roles, "r1"), "Notes");
  assert.equal(roleName(roles, "gone"), "gone");
});
