// Workspace state: who is signed in and the tenant's directory (people, teams, projects, types,
// statuses), loaded once per sign-in and used to turn ids into names everywhere.
import { get, getAll } from "../js/api.js";
import { h, mount, humanize } from "../js/dom.js";

// The API's default lifecycles; used when the caller may not read /v1/settings (agents).
const DEFAULT_STATUSES = {
  ticket: [
    ["new", "New", "new"], ["open", "Open", "open"], ["waiting", "Waiting on customer", "waiting"],
    ["customer_replied", "Customer replied", "open"], ["resolved", "Resolved", "done"], ["closed", "Closed", "closed"],
  ],
  task: [
    ["todo", "To do", "new"], ["in_progress", "In progress", "open"], ["blocked", "Blocked", "waiting"],
    ["done", "Done", "done"], ["cancelled", "Cancelled", "closed"],
  ],
};

export const state = {
  me: null,
  settings: null, // admin only
  statuses: {},
  users: [],
  teams: [],
  projects: [],
  portfolios: [],
  types: [],
  customers: new Map(),
  root: null,
};

export const isAdmin = () => state.me && state.me.role === "admin";

async function safeAll(path) {
  try {
    return await getAll(path, {}, 1000);
  } catch {
    return [];
  }
}

export async function loadDirectory() {
  const [users, teams, projects, portfolios, types] = await Promise.all(
    ["/v1/users", "/v1/teams", "/v1/projects", "/v1/portfolios", "/v1/item-types"].map(safeAll),
  );
  Object.assign(state, { users, teams, projects, portfolios, types });
  state.settings = null;
  if (isAdmin()) {
    try {
      state.settings = await get("/v1/settings");
    } catch {
      state.settings = null;
    }
  }
  state.statuses = state.settings?.statuses
    || Object.fromEntries(Object.entries(DEFAULT_STATUSES).map(([k, v]) => [k, v.map(([key, name, category]) => ({ key, name, category }))]));
}

export function statusesOf(kind) {
  return state.statuses[kind] || [];
}

export function statusName(kind, key) {
  return statusesOf(kind).find((s) => s.key === key)?.name || humanize(key);
}

export function userName(id) {
  if (!id) return "";
  const u = state.users.find((x) => x.id === id) || state.customers.get(id);
  return u ? u.name || u.email : "";
}

/** Requesters are customers, not in the staff list: fetch each once. */
export async function resolveCustomers(ids) {
  const missing = [...new Set(ids)].filter((id) => id && !state.users.some((u) => u.id === id) && !state.customers.has(id));
  await Promise.all(
    missing.map(async (id) => {
      try {
        state.customers.set(id, await get(`/v1/customers/${encodeURIComponent(id)}`));
      } catch {
        state.customers.set(id, { id, name: "", email: "" });
      }
    }),
  );
}

export function refName(ref) {
  const [kind, id] = String(ref).split(":");
  if (kind === "team") return `👥 ${state.teams.find((t) => t.id === id)?.name || "team"}`;
  return userName(id) || "someone";
}

export const projectName = (id) => state.projects.find((p) => p.id === id)?.name || "";
export const typeName = (id) => state.types.find((t) => t.id === id)?.name || "";
export const handleOf = (user) => String(user.email || "").split("@")[0].toLowerCase();

/** Mount a workspace page with a focused h1 (route changes are announced to screen readers). */
export function page(title, ...children) {
  const heading = h("h1", { tabindex: "-1", text: title });
  mount(state.root, heading, ...children);
  document.title = `${title} — Tandem`;
  heading.focus();
  return heading;
}
