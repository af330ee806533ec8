// The tenant's modules (issue 15) as screens meet them: the `modules` map of /v1/me, /v1/settings or the portal's
// config, which screens and nav entries belong to which module, and the switches' labels. Pure: the workspace,
// the portal and the widget all ask here. The server's table is src/tandem/domain/modules.py.

/** The six modules in the order the settings screen shows them; `on` is the state of a tenant that never chose. */
export const MODULES = [
  { name: "tasks", label: "Tasks", off: "Tasks are switched off", on: true, description: "Tasks next to tickets, with boards, Gantt charts and calendars." },
  { name: "portal", label: "Customer portal", off: "The customer portal is switched off", on: true, description: "The customers' portal: web forms, sign-in and their requests." },
  { name: "knowledge_base", label: "Knowledge base", off: "The knowledge base is switched off", on: true, description: "Help articles for customers and agents." },
  { name: "time_tracking", label: "Time tracking", off: "Time tracking is switched off", on: true, description: "Timers, timesheets, approvals, time reports and statements." },
  { name: "chat", label: "Live chat", off: "Live chat is switched off", on: false, description: "A chat tab in the widget, answered live by agents." },
  { name: "integrations", label: "Integrations", off: "Integrations are switched off", on: true, description: "API keys, REST hooks and inbound webhooks." },
];

const BY_NAME = new Map(MODULES.map((m) => [m.name, m]));

/** Whether module `name` is on in `modules` (a missing map or key means the module's default). */
export function moduleOn(modules, name) {
  const value = modules && typeof modules === "object" ? modules[name] : undefined;
  if (typeof value === "boolean") return value;
  return BY_NAME.get(name)?.on ?? true;
}

/** Every module with its state, defaults filled in. */
export function moduleStates(modules) {
  return Object.fromEntries(MODULES.map((m) => [m.name, moduleOn(modules, m.name)]));
}

export const moduleLabel = (name) => BY_NAME.get(name)?.label || String(name || "").replace(/_/g, " ");
/** "The knowledge base is switched off" (the sentence a switched-off screen starts with). */
export const offSentence = (name) => BY_NAME.get(name)?.off || `${moduleLabel(name)} is switched off`;

// Workspace routes (path prefixes) that belong to one module; the longest prefix wins.
const ROUTES = [
  ["/gantt", "tasks"],
  ["/calendar", "tasks"],
  ["/time", "time_tracking"],
  ["/reports", "time_tracking"],
  ["/kb", "knowledge_base"],
  ["/chats", "chat"],
  ["/admin/portal", "portal"],
  ["/admin/hooks", "integrations"],
  ["/admin/inbound", "integrations"],
  ["/admin/keys", "integrations"],
];
// Screens that show either kind: only their task variant (`?kind=task`) is the tasks module's.
const KIND_SCREENS = ["/list", "/board", "/new"];

/** The module a workspace route belongs to (null: none), from its path and query parameters. */
export function routeModule(path, params) {
  const p = String(path || "");
  const found = ROUTES.filter(([prefix]) => p === prefix || p.startsWith(`${prefix}/`)).sort((a, b) => b[0].length - a[0].length)[0];
  if (found) return found[1];
  const kind = params && typeof params.get === "function" ? params.get("kind") : params?.kind;
  if (KIND_SCREENS.includes(p) && kind === "task") return "tasks";
  return null;
}

/** Whether the route may be shown: it belongs to no module, or to one that is on. */
export function routeShown(modules, path, params) {
  const name = routeModule(path, params);
  return name === null || moduleOn(modules, name);
}

/** The kinds the workspace offers (kind pickers of lists, boards, new items and item types). */
export function kindChoices(modules, { plural = false } = {}) {
  const all = plural ? [["ticket", "Tickets"], ["task", "Tasks"]] : [["ticket", "Ticket"], ["task", "Task"]];
  return moduleOn(modules, "tasks") ? all : all.filter(([kind]) => kind !== "task");
}

/** The portal's or widget's tabs: requests and forms need the portal, help articles the portal and the knowledge
 * base, chat its own module (the widget's chat works while the portal is off). */
export function publicTabs(modules) {
  const portal = moduleOn(modules, "portal");
  return { requests: portal, help: portal && moduleOn(modules, "knowledge_base"), chat: moduleOn(modules, "chat") };
}

/** What the PATCH /v1/settings body says for switches that changed (nothing for unchanged ones). */
export function modulesPatch(before, after) {
  const out = {};
  for (const m of MODULES) {
    const now = moduleOn(after, m.name);
    if (now !== moduleOn(before, m.name)) out[m.name] = now;
  }
  return out;
}

/** The `modules` a 404 `module_disabled` answer of the portal's config carries (the widget's chat needs it). */
export function modulesOfError(err) {
  const details = err && err.details;
  return err && err.code === "module_disabled" && details && typeof details.modules === "object" ? details.modules : null;
}

/** The lines the rules screen shows for a rule's `warnings` (actions skipped while their module is off). */
export function ruleWarningLines(rule) {
  const warnings = Array.isArray(rule?.warnings) ? rule.warnings : [];
  return warnings.map((w) => `Action ${Number(w.action_index) + 1} is skipped: ${w.message || `${moduleLabel(w.module)} is switched off`}`);
}
