// Saved views (server-side, /v1/views): what a view is made of on the screen and how the item list's address
// becomes a view and back. Pure functions, checked by node's test runner; the screens are views.js and
// views_panel.js. The columns a view may show come from the API (GET /v1/views/columns), never from here:
// this module only names them for people.
import { FILTERS, DEFAULT_SORT, sortOf, itemsQuery } from "./list_query.js";
import { holds } from "./roles_model.js";

/** The filter keys a view stores (the `GET /v1/items` parameters; the order is the view's `sort`). */
export const VIEW_FILTERS = ["kind", "project_id", "folder_id", "status", "assignee", "requester", "type_id", "organization_id", "unassigned", "status_category", "q"];
/** The view's filters the list's address carries itself (its filter form, the search box, a requester). */
const IN_ADDRESS = new Set([...FILTERS, "q", "requester", "folder_id"]);

const LABELS = {
  ref: "Ref",
  id: "Id",
  kind: "Kind",
  type_id: "Type",
  title: "Title",
  status: "Status",
  status_category: "Status category",
  priority: "Priority",
  requester: "Requester",
  organization_id: "Organisation",
  assignees: "Assignees",
  followers: "Followers",
  project_id: "Project",
  tags: "Tags",
  due_date: "Due date",
  planned_start: "Planned start",
  planned_finish: "Planned finish",
  actual_start: "Actual start",
  actual_finish: "Actual finish",
  start_no_earlier_than: "Start no earlier than",
  finish_no_later_than: "Finish no later than",
  percent_complete: "% complete",
  points: "Points",
  created_at: "Created",
  updated_at: "Last activity",
  via: "Received via",
  portal_visible: "Visible in the portal",
  description: "Description",
};

/** A column's name for people; a column the API adds later reads as its key, made readable. */
export function columnLabel(key) {
  if (LABELS[key]) return LABELS[key];
  const s = String(key ?? "").replace(/_id$/, "").replace(/[_-]+/g, " ").trim();
  return s ? s[0].toUpperCase() + s.slice(1) : "";
}

/**
 * viewFilters(query) → a view's `filters` from the list's `GET /v1/items` query (list_query.js itemsQuery):
 * only the keys a view stores, empty ones dropped, `unassigned` a boolean and `status_category` a list again.
 */
export function viewFilters(query) {
  const out = {};
  for (const key of VIEW_FILTERS) {
    const v = query?.[key];
    if (v === undefined || v === null || v === "" || (Array.isArray(v) && !v.length)) continue;
    if (key === "unassigned") {
      if (v === true || v === "true") out.unassigned = true;
    } else if (key === "status_category") {
      out.status_category = (Array.isArray(v) ? v : String(v).split(",")).map(String).filter(Boolean);
    } else {
      out[key] = String(v);
    }
  }
  return out;
}

/** The view's filters the list's address cannot carry (a queue's categories, unassigned, an organisation). */
export function baseFilters(view) {
  return Object.fromEntries(Object.entries(view?.filters || {}).filter(([k]) => !IN_ADDRESS.has(k)));
}

/** The list's address that shows a view's filters to change them: `view` names it, its other filters ride along. */
export function listAddressOf(view) {
  const out = { view: view.id };
  for (const [k, v] of Object.entries(view.filters || {})) if (IN_ADDRESS.has(k) && v !== "" && v != null) out[k] = String(v);
  if (view.sort && view.sort !== DEFAULT_SORT) out.sort = view.sort;
  return out;
}

/**
 * The body that saves the list as it is shown: its filters (the queue's or the view's under the person's own)
 * and its order. `query` is list_query.js itemsQuery(params, base).
 */
export function listAsView(query, params) {
  return { filters: viewFilters(query), sort: sortOf(params) };
}

/**
 * A filter saved in the browser before views existed ({name, params: the list's address}) as a private view:
 * its queue's filters (from `queues`, GET /v1/queues) under its own, and its order.
 */
export function legacyView(saved, queues = []) {
  const params = new URLSearchParams(Object.entries(saved?.params || {})
    .filter(([, v]) => v !== null && v !== undefined && v !== "" && typeof v !== "object")
    .map(([k, v]) => [k, String(v)]));
  const queue = queues.find((q) => q.id === params.get("queue")) || null;
  const name = String(saved?.name || "").trim().slice(0, 200) || "Saved filter";
  return { name, shared: false, team_id: null, ...listAsView(itemsQuery(params, queue), params) };
}

// --------------------------------------------------------------------------- who sees a view

/** "private", "everyone" or "team:<id>": the one choice of the "Who sees it" control. */
export function visibilityOf(view) {
  if (!view?.shared) return "private";
  return view.team_id ? `team:${view.team_id}` : "everyone";
}

/** The `shared` and `team_id` fields for a choice of the "Who sees it" control. */
export function visibilityBody(choice) {
  if (choice === "everyone") return { shared: true, team_id: null };
  if (String(choice).startsWith("team:") && String(choice).length > 5) return { shared: true, team_id: String(choice).slice(5) };
  return { shared: false, team_id: null };
}

/** "Private", "Shared with everyone" or "Shared with team Support". */
export function visibilityText(view, teamName = () => "") {
  const v = visibilityOf(view);
  if (v === "private") return "Private";
  if (v === "everyone") return "Shared with everyone";
  return `Shared with team ${teamName(view.team_id) || "(a team)"}`;
}

/** The owner and those who manage the settings (admins) change or delete a view (the API says so too: anyone else gets 403). */
export function canEdit(view, me) {
  return !!me && (view.owner_id === me.id || holds(me, "settings.manage"));
}

/** The caller's own views first, then those shared with it, each by name. */
export function sortViews(views, meId) {
  const byName = (a, b) => String(a.name).localeCompare(String(b.name)) || String(a.id).localeCompare(String(b.id));
  const mine = views.filter((v) => v.owner_id === meId).sort(byName);
  const others = views.filter((v) => v.owner_id !== meId).sort(byName);
  return [...mine, ...others];
}

// --------------------------------------------------------------------------- columns and grouping

/** The columns with `key` shown (added at the end) or hidden; the last column stays (a view shows one at least). */
export function toggleColumn(columns, key, on) {
  const without = columns.filter((c) => c !== key);
  if (on) return [...without, key];
  return without.length ? without : [...columns];
}

/** The columns with `key` moved `delta` places (−1 left, +1 right), kept within the ends. */
export function moveColumn(columns, key, delta) {
  const from = columns.indexOf(key);
  if (from < 0) return [...columns];
  const to = Math.max(0, Math.min(columns.length - 1, from + delta));
  const out = [...columns];
  out.splice(from, 1);
  out.splice(to, 0, key);
  return out;
}

/** The order a chooser lists columns in: the chosen ones as shown, then the others as the API lists them. */
export function chooserOrder(chosen, allowed) {
  return [...chosen.filter((c) => allowed.includes(c)), ...allowed.filter((c) => !chosen.includes(c))];
}

/** The value an item is grouped under: lists (assignees, tags) as one sorted key, nothing as "". */
export function groupKey(item, field) {
  const v = item?.[field];
  if (Array.isArray(v)) return [...v].map(String).sort().join(",");
  return v === undefined || v === null ? "" : String(v);
}

/** Items in groups, [{key, items}], groups in the order they first appear (the list keeps the view's order). */
export function groupRows(items, field) {
  const groups = new Map();
  for (const item of items) {
    const key = groupKey(item, field);
    if (!groups.has(key)) groups.set(key, { key, items: [] });
    groups.get(key).items.push(item);
  }
  return [...groups.values()];
}
