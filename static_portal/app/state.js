// The few things every workspace screen shares: the page frame (a focused h1) and, for the admin
// screens only, the tenant's directory as plain arrays (`state.users`, `state.types`, …), loaded by
// loadDirectory() when an admin screen opens — never at sign-in. Workspace screens use lookups.js
// (session-cached, loaded per screen) and js/view.js instead of this object.
import { get } from "../js/api.js";
import { h, mount } from "../js/dom.js";
import * as look from "./lookups.js";

export const state = {
  get me() {
    return look.session.me;
  },
  set me(value) {
    look.session.me = value;
  },
  settings: null, // admin only
  get statuses() {
    return look.session.me?.statuses || {};
  },
  users: [],
  teams: [],
  projects: [],
  portfolios: [],
  types: [],
  root: null,
};

export const isAdmin = look.isAdmin;

/** The directory the admin screens read synchronously; fetched again after an admin changed it. */
export async function loadDirectory() {
  look.forget("users", "teams", "projects", "portfolios", "types");
  const safe = (p) => p.catch(() => []);
  const [users, teams, projects, portfolios, types] = await Promise.all(
    [look.staff(), look.teams(), look.projects(), look.portfolios(), look.itemTypes()].map(safe),
  );
  Object.assign(state, { users, teams, projects, portfolios, types });
  state.settings = null;
  if (look.may("settings.manage")) {
    try {
      state.settings = await get("/v1/settings");
    } catch {
      state.settings = null;
    }
  }
}

export const statusesOf = look.statusesOf;
export const statusName = look.statusName;
export const userName = (id) => (id ? look.people.name(id) : "");
export const refName = look.refName;
export const projectName = look.projectName;
export const typeName = look.typeName;
export const handleOf = (user) => String(user.email || "").split("@")[0].toLowerCase();

/** Names for these ids, in one request (kept for screens written before lookups.js). */
export const resolveCustomers = (ids) => look.people.resolve(ids);

/** Mount a workspace page with a focused h1 (route changes are announced to screen readers). */
export function page(title, ...children) {
  const heading = h("h1", { tabindex: "-1", text: title });
  mount(state.root, heading, ...children);
  document.title = `${title} — Tandem`;
  heading.focus();
  return heading;
}
