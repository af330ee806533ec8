// What the admin screens share: the directory they pick from (read when a screen opens, so pickers show
// today's names), pickers that show names and send ids, tables, and a delete that asks before it acts.
import { getAll } from "../js/api.js";
import { h, field, humanize } from "../js/dom.js";
import { state } from "./state.js";
import { PRIORITIES, VISIBILITIES } from "./admin_rule_model.js";

const SOURCES = {
  users: "/v1/users",
  teams: "/v1/teams",
  projects: "/v1/projects",
  portfolios: "/v1/portfolios",
  types: "/v1/item-types",
  organizations: "/v1/organizations",
  policies: "/v1/sla-policies",
};

/** The lists a screen names (keys of SOURCES), each read in full (admins' directories are small), plus names. */
export async function adminDirectory(parts = Object.keys(SOURCES)) {
  const lists = await Promise.all(parts.map((p) => getAll(SOURCES[p], {}, 2000)));
  return directoryOf(Object.fromEntries(parts.map((p, i) => [p, lists[i]])), (state.me && state.me.statuses) || state.statuses || {});
}

/** The directory from its lists ({users: [...], ...}; missing ones are empty) and the lifecycles of /v1/me. */
export function directoryOf(lists, statuses) {
  const dir = { users: [], teams: [], projects: [], portfolios: [], types: [], organizations: [], policies: [], ...lists };
  dir.statuses = statuses || {};
  dir.customFields = customFields(dir.types);
  dir.names = namesOf(dir);
  return dir;
}

/** Every form field of the tenant's types, once per key (the first type's label wins). */
function customFields(types) {
  const seen = new Map();
  for (const t of types) for (const f of (t.form && t.form.fields) || []) if (!seen.has(f.key)) seen.set(f.key, f);
  return [...seen.values()];
}

const byId = (list, label = (x) => x.name) => (id) => {
  const found = list.find((x) => x.id === id);
  return found ? label(found) : "";
};

function namesOf(dir) {
  const user = byId(dir.users, (u) => u.name || u.email);
  const team = byId(dir.teams);
  const statusName = (key) => {
    for (const list of Object.values(dir.statuses)) {
      const s = list.find((x) => x.key === key);
      if (s) return s.name;
    }
    return "";
  };
  return {
    user,
    team,
    principal: (ref) => {
      const [kind, id] = String(ref).split(":");
      return kind === "team" ? (team(id) ? `Team ${team(id)}` : "") : user(id);
    },
    project: byId(dir.projects),
    portfolio: byId(dir.portfolios),
    type: byId(dir.types),
    organization: byId(dir.organizations),
    policy: byId(dir.policies),
    status: statusName,
    priority: (p) => humanize(p),
    field: (key) => (dir.customFields.find((f) => f.key === key) || {}).label || key,
  };
}

/** [[value, label]] for a kind of picker. */
export function choicesFor(dir, kind, choices) {
  const staff = dir.users.filter((u) => u.role !== "customer" && u.active !== false);
  switch (kind) {
    case "choice": return choices || [];
    case "status": return statusChoices(dir.statuses);
    case "priority": return PRIORITIES.map((p) => [p, humanize(p)]);
    case "type": return dir.types.map((t) => [t.id, `${t.name} (${t.kind})`]);
    case "task_type": return dir.types.filter((t) => t.kind === "task").map((t) => [t.id, t.name]);
    case "project": return dir.projects.map((p) => [p.id, p.name]);
    case "portfolio": return dir.portfolios.map((p) => [p.id, p.name]);
    case "organization": return dir.organizations.map((o) => [o.id, o.name]);
    case "policy": return dir.policies.map((p) => [p.id, p.name]);
    case "user": return staff.map((u) => [u.id, u.name || u.email]);
    case "team": return dir.teams.map((t) => [t.id, t.name]);
    case "principal": return [...staff.map((u) => [`user:${u.id}`, u.name || u.email]), ...dir.teams.map((t) => [`team:${t.id}`, `Team ${t.name}`])];
    case "visibility": return VISIBILITIES;
    case "email_to": return [["requester", "The requester"], ["followers", "The followers"], ...staff.map((u) => [u.email, `${u.name || u.email} <${u.email}>`])];
    case "field_key": return dir.customFields.map((f) => [f.key, f.label || f.key]);
    case "bool": return [["true", "Yes"], ["false", "No"]];
    default: return null;
  }
}

function statusChoices(statuses) {
  const out = new Map();
  for (const [kind, list] of Object.entries(statuses)) {
    for (const s of list) if (!out.has(s.key)) out.set(s.key, kind === "ticket" ? s.name : `${s.name} (${kind})`);
  }
  return [...out];
}

/**
 * A <select> of [value, label]; multi makes a list box. A value that is not among the choices (a project deleted
 * since, say) stays selectable, so saving never drops it silently.
 */
export function select(pairs, value, { multi = false, empty, name } = {}) {
  const wanted = multi ? new Set(value || []) : new Set([value ?? ""]);
  const known = new Set(pairs.map(([v]) => v));
  const extra = [...wanted].filter((v) => v !== "" && !known.has(v)).map((v) => [v, `${v} (unknown)`]);
  const el = h("select", { multiple: multi || null, size: multi ? Math.min(6, Math.max(3, pairs.length)) : null, name },
    empty !== undefined && !multi ? h("option", { value: "", text: empty }) : null,
    [...pairs, ...extra].map(([v, label]) => h("option", { value: v, text: label, selected: wanted.has(v) })));
  el.read = () => (multi ? [...el.selectedOptions].map((o) => o.value) : el.value);
  return el;
}

/** A control for a value of `kind`: a picker for directory kinds, an input otherwise. control.read() gives its value. */
export function valueControl(dir, kind, value, { multi = false, choices, empty } = {}) {
  const pairs = choicesFor(dir, kind, choices);
  if (pairs) return select(pairs, value, { multi, empty: empty ?? (multi ? undefined : "Choose…") });
  let el;
  if (kind === "long_text") el = h("textarea", { rows: 4, text: value ?? "" });
  else {
    const type = { number: "number", date: "date", url: "url" }[kind] || "text";
    el = h("input", { type, value: Array.isArray(value) ? value.join(", ") : value ?? "", step: kind === "number" ? "any" : null });
  }
  el.read = () => el.value;
  return el;
}

export function table(label, headers, rows) {
  return h("table", { class: "items-table", "aria-label": label },
    h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col", text: t })))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((c, i) => h("td", { "data-label": headers[i] }, c))))));
}

/** A Delete button that asks in place ("Delete X?" Yes / Keep) instead of a browser dialog. */
export function deleteButton(what, onDelete, label = "Delete") {
  const wrap = h("span", { class: "row" });
  const ask = () => wrap.replaceChildren(
    h("span", { text: `Delete ${what}?` }),
    h("button", { type: "button", class: "danger", text: "Yes, delete", "aria-label": `Yes, delete ${what}`, onclick: onDelete }),
    h("button", { type: "button", class: "secondary", text: "Keep", onclick: reset }),
  );
  const reset = () => wrap.replaceChildren(h("button", { type: "button", class: "danger", text: label, "aria-label": `${label} ${what}`, onclick: ask }));
  reset();
  return wrap;
}

/** A labelled field remembered under an API path, so a 422 naming that path lands next to it. */
export function pathField(fields, path, label, control, opts) {
  const wrap = field(label, control, opts);
  fields.set(path, wrap);
  return wrap;
}

/**
 * Show [{field, message}] next to the controls registered under those paths (or the closest enclosing path);
 * what matches no control is returned for a general notice.
 */
export function showFieldErrors(fields, errors) {
  for (const wrap of fields.values()) wrap.setError("");
  const left = [];
  let first = null;
  for (const e of errors) {
    let path = e.field;
    let wrap = fields.get(path);
    while (!wrap && path.includes(".")) {
      path = path.slice(0, path.lastIndexOf("."));
      wrap = fields.get(path);
    }
    wrap = wrap || [...fields.entries()].find(([p]) => p.startsWith(`${e.field}.`))?.[1];
    if (wrap) {
      wrap.setError(e.message);
      first = first || wrap;
    } else left.push(e);
  }
  first?.querySelector("input, select, textarea")?.focus();
  return left;
}
