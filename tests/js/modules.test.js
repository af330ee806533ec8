// The module switches as screens read them (static_portal/js/modules.js): defaults, which route belongs to which
// module, the kind pickers, the portal's and widget's tabs, the PATCH body and the config's error.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  MODULES,
  kindChoices,
  moduleOn,
  moduleStates,
  modulesOfError,
  modulesPatch,
  publicTabs,
  routeModule,
  routeShown,
  ruleWarningLines,
} from "../../static_portal/js/modules.js";

test("given no map, every module takes its default: all on but chat", () => {
  assert.deepEqual(moduleStates(null), {
    tasks: true, portal: true, knowledge_base: true, time_tracking: true, chat: false, integrations: true,
  });
  assert.deepEqual(MODULES.map((m) => m.name), ["tasks", "portal", "knowledge_base", "time_tracking", "chat", "integrations"]);
  assert.ok(MODULES.every((m) => m.description.length > 10 && !m.description.includes("\n")));
});

test("given a switch in the map, it wins over the default; a non-boolean is ignored", () => {
  assert.equal(moduleOn({ tasks: false }, "tasks"), false);
  assert.equal(moduleOn({ chat: true }, "chat"), true);
  assert.equal(moduleOn({ tasks: "no" }, "tasks"), true);
  assert.equal(moduleOn({}, "some_future_module"), true);
});

test("routes belong to their module by path prefix, the longest first", () => {
  assert.equal(routeModule("/gantt"), "tasks");
  assert.equal(routeModule("/calendar"), "tasks");
  assert.equal(routeModule("/time"), "time_tracking");
  assert.equal(routeModule("/time/approvals"), "time_tracking");
  assert.equal(routeModule("/reports"), "time_tracking");
  assert.equal(routeModule("/admin/keys"), "integrations");
  assert.equal(routeModule("/admin/hooks"), "integrations");
  assert.equal(routeModule("/admin/inbound"), "integrations");
  assert.equal(routeModule("/admin/portal"), "portal");
  assert.equal(routeModule("/kb/articles/1"), "knowledge_base");
  assert.equal(routeModule("/timeline"), null, "a prefix counts only up to a slash");
  assert.equal(routeModule("/admin/types"), null);
  assert.equal(routeModule("/items/K-1"), null, "an item's kind is the server's to tell");
});

test("lists, boards and new items belong to tasks only with kind=task", () => {
  assert.equal(routeModule("/list", new URLSearchParams("kind=task")), "tasks");
  assert.equal(routeModule("/board", { kind: "task" }), "tasks");
  assert.equal(routeModule("/new", new URLSearchParams("kind=task")), "tasks");
  assert.equal(routeModule("/list", new URLSearchParams("kind=ticket")), null);
  assert.equal(routeModule("/list", new URLSearchParams("")), null);
});

test("a route is shown unless its module is off", () => {
  const off = { tasks: false, time_tracking: false };
  assert.equal(routeShown(off, "/gantt"), false);
  assert.equal(routeShown(off, "/time"), false);
  assert.equal(routeShown(off, "/list"), true);
  assert.equal(routeShown(off, "/admin/keys"), true);
  assert.equal(routeShown({ integrations: false }, "/admin/keys"), false);
});

test("kind pickers offer tasks only while tasks are on", () => {
  assert.deepEqual(kindChoices({}), [["ticket", "Ticket"], ["task", "Task"]]);
  assert.deepEqual(kindChoices({ tasks: false }), [["ticket", "Ticket"]]);
  assert.deepEqual(kindChoices({ tasks: false }, { plural: true }), [["ticket", "Tickets"]]);
});

test("portal and widget tabs: requests need the portal, help the portal and the KB, chat only chat", () => {
  assert.deepEqual(publicTabs({}), { requests: true, help: true, chat: false });
  assert.deepEqual(publicTabs({ portal: false, chat: true }), { requests: false, help: false, chat: true });
  assert.deepEqual(publicTabs({ knowledge_base: false }), { requests: true, help: false, chat: false });
});

test("the PATCH body names the switches that changed, and only those", () => {
  assert.deepEqual(modulesPatch({ tasks: true, chat: false }, { tasks: false, chat: false }), { tasks: false });
  assert.deepEqual(modulesPatch({}, { chat: true, portal: true }), { chat: true });
  assert.deepEqual(modulesPatch({ tasks: false }, { tasks: false }), {});
});

test("a module_disabled answer of the portal's config gives the modules; other errors give none", () => {
  const modules = { portal: false, chat: true };
  assert.deepEqual(modulesOfError({ code: "module_disabled", details: { module: "portal", modules } }), modules);
  assert.equal(modulesOfError({ code: "not_found", details: {} }), null);
  assert.equal(modulesOfError({ code: "module_disabled", details: { module: "portal" } }), null);
  assert.equal(modulesOfError(null), null);
});

test("a rule's warnings become one line per skipped action, numbered from 1", () => {
  const rule = { warnings: [{ action_index: 1, module: "integrations", message: "call webhook needs Integrations, which is switched off" }] };
  assert.deepEqual(ruleWarningLines(rule), ["Action 2 is skipped: call webhook needs Integrations, which is switched off"]);
  assert.deepEqual(ruleWarningLines({ warnings: [{ action_index: 0, module: "tasks" }] }), ["Action 1 is skipped: Tasks is switched off"]);
  assert.deepEqual(ruleWarningLines({}), []);
});
