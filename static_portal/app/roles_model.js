// Roles and privileges in the workspace (issue 15), pure: what the caller's role grants (from /v1/me), which
// admin sections and item actions to offer, and the role editor's grouping and changes. The API decides; the
// workspace only hides what the API would refuse.

// What /v1/me's `privileges` hold for the built-in roles, for a session read before the field existed.
const AGENT = ["directory.read", "customers.create", "items.edit", "items.reply", "items.note", "time.track", "kb.write", "views.save"];
const FALLBACK = {
  admin: ["settings.manage", "people.manage", "projects.manage", "directory.read", "customers.create", "items.see_all",
    "items.edit", "items.reply", "items.note", "time.track", "time.read_all", "time.approve", "time.manage", "kb.write", "views.save"],
  agent: AGENT,
};

/** The privileges of the signed-in person (none for customers and nobody). */
export function privilegesOf(me) {
  if (!me || me.role === "customer") return [];
  return Array.isArray(me.privileges) ? me.privileges : FALLBACK[me.role] || [];
}

/** Whether the caller's role grants `privilege` (e.g. "items.reply"). */
export function holds(me, privilege) {
  return privilegesOf(me).includes(privilege);
}

// Each admin section and the privilege that opens it (the same the API asks for).
export const ADMIN_SECTIONS = [
  ["modules", "Settings", "settings.manage"],
  ["types", "Item types & forms", "settings.manage"],
  ["users", "Users", "people.manage"],
  ["roles", "Roles", "people.manage"],
  ["teams", "Teams", "people.manage"],
  ["projects", "Projects", "projects.manage"],
  ["people", "Organisations & customers", "people.manage"],
  ["portal", "Portal settings", "settings.manage"],
  ["rules", "Rules", "settings.manage"],
  ["macros", "Macros", "settings.manage"],
  ["sla", "SLA policies", "settings.manage"],
  ["hooks", "Hooks", ["settings.manage", "items.see_all"]],
  ["inbound", "Inbound webhooks", "settings.manage"],
  ["keys", "API keys", ["settings.manage", "items.see_all", "items.edit"]],
  ["import", "Import", ["settings.manage", "people.manage", "customers.create", "items.edit"]],
];

/** [[section, label]] the caller may open, in the order of the admin tabs. */
export function adminSections(me) {
  const ok = (need) => [need].flat().every((p) => holds(me, p));
  return ADMIN_SECTIONS.filter(([, , need]) => ok(need)).map(([key, label]) => [key, label]);
}

/** What the message composer offers: "public" (items.reply) and/or "private" (items.note), public first. */
export function composerModes(me) {
  return [holds(me, "items.reply") ? "public" : null, holds(me, "items.note") ? "private" : null].filter(Boolean);
}

/** The checkboxes of the role editor: the vocabulary (GET /v1/roles/privileges) grouped, groups in first-seen order. */
export function groupPrivileges(vocabulary) {
  const groups = new Map();
  for (const p of vocabulary || []) {
    if (!groups.has(p.group)) groups.set(p.group, []);
    groups.get(p.group).push(p);
  }
  return [...groups].map(([group, privileges]) => ({ group, privileges }));
}

/** The fields a PATCH of `role` sends: only what the editor changed (privileges compared as sets). */
export function roleChanges(role, draft) {
  const out = {};
  if ((draft.name ?? role.name).trim() !== role.name) out.name = draft.name.trim();
  if ((draft.description ?? role.description ?? "").trim() !== (role.description || "")) out.description = draft.description.trim();
  const before = new Set(role.privileges || []);
  const after = new Set(draft.privileges ?? role.privileges ?? []);
  if (before.size !== after.size || [...after].some((p) => !before.has(p))) out.privileges = [...after];
  return out;
}

/** A role picker's [[id, label]]: built-ins first, as the API lists them, each with its base when it differs. */
export function roleChoices(roles) {
  return (roles || []).map((r) => [r.id, r.builtin ? r.name : `${r.name} (custom, ${r.base})`]);
}

/** The name of a role id among those read (the id itself when unknown). */
export function roleName(roles, id) {
  return (roles || []).find((r) => r.id === id)?.name || id || "";
}
