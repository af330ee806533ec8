// What screens look names up in, fetched when a screen first needs it and kept for the session:
// the caller (/v1/me, with the tenant's status lifecycles and priorities), people by id (batched
// through /v1/people), and small lists (staff for pickers, teams, projects, portfolios, item types,
// macros, organisations). Nothing is loaded at sign-in beyond /v1/me.
import { get, getAll } from "../js/api.js";
import { createPeople } from "../js/people.js";
import { humanize } from "../js/dom.js";
import { adminSections, holds } from "./roles_model.js";

export const session = { me: null };

const lists = new Map();

/** A session-cached promise; a failure is not kept, so the next screen asks again. */
export function cached(key, load) {
  if (!lists.has(key)) {
    const promise = Promise.resolve().then(load);
    lists.set(key, promise);
    promise.catch(() => lists.delete(key));
  }
  return lists.get(key);
}

/** Forget cached lists (after an admin changed them, or at sign-out); no key forgets all. */
export function forget(...keys) {
  if (!keys.length) {
    lists.clear();
    people.forget();
  } else {
    keys.forEach((k) => lists.delete(k));
  }
}

/** The value a cached list already has, without asking (for code that must answer synchronously). */
const settled = new Map();
function remember(key, load) {
  return cached(key, async () => {
    const value = await load();
    settled.set(key, value);
    return value;
  });
}
export const known = (key) => settled.get(key) || [];

const all = (path) => () => getAll(path, {}, 1000);

export const staff = () => remember("users", async () => {
  const users = await all("/v1/users")();
  people.seed(users);
  return users.filter((u) => u.role !== "customer");
});
export const teams = () => remember("teams", all("/v1/teams"));
export const projects = () => remember("projects", all("/v1/projects"));
export const portfolios = () => remember("portfolios", all("/v1/portfolios"));
export const itemTypes = () => remember("types", all("/v1/item-types"));
export const macros = () => remember("macros", () => all("/v1/macros")().catch(() => []));

/** One item type with its form (cached per id). */
export const itemType = (id) => cached(`type:${id}`, () => get(`/v1/item-types/${encodeURIComponent(id)}`));

/** One organisation's name, asked once per session. */
export const organization = (id) => cached(`org:${id}`, () => get(`/v1/organizations/${encodeURIComponent(id)}`));

/** People by id: a screen resolves all the ids it shows in one request. */
export const people = createPeople((ids) => get("/v1/people", { ids: ids.join(",") }).then((page) => page.items || []));

// ----------------------------------------------------------------- lifecycles and priorities (from /v1/me)

export function statusesOf(kind) {
  return (session.me?.statuses || {})[kind] || [];
}

/** Every status of every kind, by key (the list can mix tickets and tasks). */
export function allStatuses() {
  const seen = new Map();
  for (const list of Object.values(session.me?.statuses || {})) for (const s of list) if (!seen.has(s.key)) seen.set(s.key, s);
  return [...seen.values()];
}

export function statusName(kind, key) {
  return (statusesOf(kind).find((s) => s.key === key) || allStatuses().find((s) => s.key === key))?.name || humanize(key);
}

/** The tenant's priorities as [{key, name}], lowest first; /v1/me lists them as keys or as objects. */
export function priorities() {
  return (session.me?.priorities || []).map((p) => (typeof p === "string" ? { key: p, name: humanize(p) } : { key: p.key, name: p.name || humanize(p.key) }));
}

export const priorityName = (key) => priorities().find((p) => p.key === key)?.name || humanize(key || "");

/** Whether the caller's role grants `privilege` (/v1/me lists them): the workspace hides what the API refuses. */
export const may = (privilege) => holds(session.me, privilege);
/** Whether any admin section is the caller's (settings, people or projects to manage). */
export const isAdmin = () => adminSections(session.me).length > 0;

// ----------------------------------------------------------------- names for ids

export const teamName = (id) => known("teams").find((t) => t.id === id)?.name || "";
export const projectName = (id) => known("projects").find((p) => p.id === id)?.name || "";
export const typeName = (id) => known("types").find((t) => t.id === id)?.name || "";

/** `user:ID` or `team:ID` → a name (the lists it needs must have been loaded by the screen). */
export function refName(ref) {
  const [kind, id] = String(ref).includes(":") ? String(ref).split(":", 2) : ["user", String(ref)];
  if (kind === "team") return `👥 ${teamName(id) || "team"}`;
  return people.name(id, "someone");
}

/** Person ids behind a list of assignee refs (teams are named from the teams list). */
export const userIdsOf = (refs) => (refs || []).filter((r) => String(r).startsWith("user:")).map((r) => String(r).slice(5));
