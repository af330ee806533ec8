// The item list's address and its API query: what is in the URL (shareable, back/forward work) and
// how it becomes `GET /v1/items` parameters. Pure functions, checked by node's test runner.

export const DEFAULT_SORT = "-updated_at";

export const SORTS = [
  ["-updated_at", "Last activity, newest first"],
  ["updated_at", "Last activity, oldest first"],
  ["-created_at", "Created, newest first"],
  ["created_at", "Created, oldest first"],
  ["-priority", "Priority, highest first"],
  ["priority", "Priority, lowest first"],
  ["due_date", "Due date, soonest first"],
  ["-due_date", "Due date, latest first"],
];
const SORT_KEYS = new Set(SORTS.map(([k]) => k));

/** Filters a person sets in the list's filter form (single values). */
export const FILTERS = ["kind", "status", "assignee", "project_id", "type_id"];
/** Everything the list keeps in its address (`requester` comes from a customer's search result; `view` is the
 * saved view whose filters are being changed; `folder_id` a project's sub-folder, chosen in its folders panel). */
export const LIST_PARAMS = ["q", "queue", "view", "sort", "requester", "folder_id", ...FILTERS];

const read = (params, key) => {
  const v = typeof params.get === "function" ? params.get(key) : params[key];
  return v === null || v === undefined ? "" : String(v).trim();
};

/** The sort to ask for: a known one from the address, else last activity. */
export function sortOf(params) {
  const s = read(params, "sort");
  return SORT_KEYS.has(s) ? s : DEFAULT_SORT;
}

/**
 * itemsQuery(params, queue, {limit, cursor}) → the query object of `GET /v1/items`.
 * The chosen queue's filters come first; a filter the person set in the form wins over the queue's.
 */
export function itemsQuery(params, queue = null, { limit, cursor } = {}) {
  const query = {};
  for (const [k, v] of Object.entries((queue && queue.filters) || {})) {
    if (v !== null && v !== undefined && v !== "" && v !== false) query[k] = Array.isArray(v) ? [...v] : String(v);
  }
  for (const k of [...FILTERS, "requester", "folder_id"]) {
    const v = read(params, k);
    if (v) query[k] = v;
  }
  const q = read(params, "q");
  if (q) query.q = q;
  query.sort = sortOf(params);
  if (limit) query.limit = limit;
  if (cursor) query.cursor = cursor;
  return query;
}

/** The list's address after a change: the current values with `changes` applied, empty ones dropped. */
export function listParams(params, changes = {}) {
  const out = {};
  for (const k of LIST_PARAMS) {
    const v = Object.prototype.hasOwnProperty.call(changes, k) ? changes[k] : read(params, k);
    if (v !== null && v !== undefined && String(v).trim() !== "") out[k] = String(v).trim();
  }
  if (out.sort === DEFAULT_SORT) delete out.sort;
  // A folder belongs to one project: choosing another project leaves the folder.
  const has = (k) => Object.prototype.hasOwnProperty.call(changes, k);
  if (has("project_id") && !has("folder_id") && String(changes.project_id ?? "").trim() !== read(params, "project_id")) delete out.folder_id;
  return out;
}

/** How many filters of the form are active (for "Filters (2 active)"). */
export function activeFilters(params) {
  return FILTERS.filter((k) => read(params, k)).length;
}
