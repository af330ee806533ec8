// What the rule and macro editors offer, and the conversion between their forms and the API's JSON.
// Pure (no DOM, no fetch): the catalogue mirrors src/tandem/domain/rule_conditions.py and rule_actions.py,
// and every conversion here is covered by tests/js/admin_rule_model.test.js.

export const PRIORITIES = ["low", "normal", "high", "urgent"];

export const TRIGGERS = [
  ["item_created", "An item is created"],
  ["email_received", "An email arrives (new item or reply)"],
  ["item_changed", "An item is changed"],
  ["status_changed", "An item's status changes"],
  ["message_added", "A message is added"],
  ["sla_warning", "An SLA target is near"],
  ["sla_breach", "An SLA target is missed"],
  ["idle", "An item has not changed for some hours"],
  ["due_soon", "An item's due date is near"],
];
export const HOURS_TRIGGERS = new Set(["idle", "due_soon"]);

export const OPERATOR_LABELS = {
  equals: "is",
  not_equals: "is not",
  in: "is one of",
  not_in: "is none of",
  contains: "contains",
  not_contains: "does not contain",
  starts_with: "starts with",
  domain_is: "has the domain",
  is_empty: "is empty",
  is_not_empty: "is not empty",
  gt: "is more than",
  lt: "is less than",
  gte: "is at least",
  lte: "is at most",
  changed: "changed",
  changed_from: "changed from",
  changed_to: "changed to",
};
const NO_VALUE = new Set(["is_empty", "is_not_empty", "changed"]);
const MULTI = new Set(["in", "not_in"]);
const CHANGES = ["changed", "changed_from", "changed_to"];
const EMPTY = ["is_empty", "is_not_empty"];

// Which operators a kind of value allows (a list-valued field is tested for membership, not equality).
const OPS_BY_KIND = {
  text: ["contains", "not_contains", "equals", "not_equals", "starts_with", "in", "not_in", ...EMPTY, ...CHANGES],
  domain: ["equals", "not_equals", "in", "not_in", "is_empty", "is_not_empty"],
  email: ["equals", "not_equals", "domain_is", "contains", "in", "not_in", "is_empty", "is_not_empty"],
  pick: ["equals", "not_equals", "in", "not_in", ...EMPTY, ...CHANGES],
  list: ["contains", "not_contains", ...EMPTY, "changed"],
  number: ["equals", "not_equals", "gt", "lt", "gte", "lte", ...EMPTY, ...CHANGES],
  date: ["lt", "gt", "lte", "gte", "equals", ...EMPTY, "changed"],
  bool: ["equals", "changed"],
};

const KIND_CHOICES = [["ticket", "Ticket"], ["task", "Task"]];
const VIA_CHOICES = [["email", "Email"], ["web", "Web (workspace, portal, forms)"], ["api", "API"], ["webhook", "Inbound webhook"]];
const VISIBILITY_CHOICES = [["public", "Public reply"], ["private", "Private note"]];
const ROLE_CHOICES = [["customer", "Customer"], ["agent", "Agent"], ["admin", "Admin"]];
const CATEGORY_CHOICES = [["new", "New"], ["open", "Open"], ["waiting", "Waiting"], ["done", "Done"], ["closed", "Closed"]];

/**
 * The fields a condition may look at. A field: {key, label, ops: kind of operators, value: kind of value control,
 * choices?: [[value, label]]}. Value kinds: text, number, date, bool, choice, and the directory pickers status,
 * priority, type, project, organization, principal (user or team), user. customFields: [{key, label, type, options}].
 */
export function conditionFields(customFields = []) {
  const f = (key, label, ops, value, choices) => ({ key, label, ops, value, choices });
  return [
    f("sender.domain", "Sender's email domain", "domain", "text"),
    f("sender.email", "Sender's email", "email", "text"),
    f("requester.domain", "Requester's email domain", "domain", "text"),
    f("requester.email", "Requester's email", "email", "text"),
    f("organization_id", "Requester's organisation", "pick", "organization"),
    f("title", "Title", "text", "text"),
    f("description", "Description", "text", "text"),
    f("kind", "Kind", "pick", "choice", KIND_CHOICES),
    f("type_id", "Item type", "pick", "type"),
    f("status", "Status", "pick", "status"),
    f("status_category", "Status category", "pick", "choice", CATEGORY_CHOICES),
    f("priority", "Priority", "pick", "priority"),
    f("project_id", "Project", "pick", "project"),
    f("assignees", "Assignees", "list", "principal"),
    f("tags", "Tags", "list", "text"),
    f("via", "Came in by", "pick", "choice", VIA_CHOICES),
    f("due_date", "Due date", "date", "date"),
    f("percent_complete", "Percent complete", "number", "number"),
    f("message.body", "Message text", "text", "text"),
    f("message.visibility", "Message visibility", "pick", "choice", VISIBILITY_CHOICES),
    f("message.author_role", "Message written by", "pick", "choice", ROLE_CHOICES),
    ...customFields.map(customCondition),
  ];
}

function customCondition(cf) {
  const label = `Field: ${cf.label || cf.key}`;
  const key = `fields.${cf.key}`;
  const choices = (cf.options || []).map((o) => [o, o]);
  switch (cf.type) {
    case "number": return { key, label, ops: "number", value: "number" };
    case "date": return { key, label, ops: "date", value: "date" };
    case "checkbox": return { key, label, ops: "bool", value: "bool" };
    case "single_choice": return { key, label, ops: "pick", value: "choice", choices };
    case "multi_choice": return { key, label, ops: "list", value: "choice", choices };
    case "email": return { key, label, ops: "email", value: "text" };
    default: return { key, label, ops: "text", value: "text" };
  }
}

/** A field of the catalogue by key; an unknown key (written by the API, say) is kept as a plain text field. */
export function fieldDef(fields, key) {
  return fields.find((x) => x.key === key) || { key, label: key, ops: "text", value: "text" };
}

export function operatorsFor(def) {
  return OPS_BY_KIND[def.ops] || OPS_BY_KIND.text;
}

export const needsValue = (op) => !NO_VALUE.has(op);
export const isMulti = (op) => MULTI.has(op);

/** The form's raw input (a string, or a list of strings for "one of") → the JSON value for the field. */
export function valueFromForm(def, op, raw) {
  if (!needsValue(op)) return null;
  const one = (s) => {
    const t = String(s ?? "").trim();
    if (def.value === "number") return t === "" || Number.isNaN(Number(t)) ? t : Number(t);
    if (def.value === "bool") return t === "true";
    if (def.ops === "domain" || op === "domain_is") return t.replace(/^@/, "").toLowerCase();
    return t;
  };
  if (isMulti(op)) {
    const list = Array.isArray(raw) ? raw : String(raw ?? "").split(",");
    return list.map(one).filter((v) => v !== "");
  }
  return one(Array.isArray(raw) ? raw[0] : raw);
}

/** A JSON value → what the form control shows: a string, or a list of strings for "one of". */
export function valueToForm(op, value) {
  if (isMulti(op)) return (Array.isArray(value) ? value : value == null ? [] : [value]).map(String);
  if (Array.isArray(value)) return value.map(String).join(", ");
  return value == null ? "" : String(value);
}

/** API conditions (null, a bare list, or {all|any: [...]}, nested) → {mode, entries: [{field, op, value} | group]}. */
export function groupFromJson(json) {
  if (json == null) return { mode: "all", entries: [] };
  if (Array.isArray(json)) return groupFromJson({ all: json });
  const mode = "any" in json ? "any" : "all";
  const entries = (json[mode] || []).map((e) => ("all" in e || "any" in e
    ? groupFromJson(e)
    : { field: e.field, op: e.op, value: e.value ?? null }));
  return { mode, entries };
}

export const isGroup = (entry) => Array.isArray(entry && entry.entries);

/** The editor's group → API JSON. Conditions without a field are left out; groups keep their nesting. */
export function groupToJson(group) {
  const out = [];
  for (const e of group.entries) {
    if (isGroup(e)) out.push(groupToJson(e));
    else if (e.field) out.push(needsValue(e.op) ? { field: e.field, op: e.op, value: e.value } : { field: e.field, op: e.op });
  }
  return { [group.mode]: out };
}

/**
 * What an action needs. A parameter: {name, label, kind, optional?}; kinds as for conditions plus
 * long_text, url, email_to, field_key, field_value, task_type, policy.
 */
export const ACTIONS = [
  ["set_status", "Set status", [["value", "Status", "status"]]],
  ["set_priority", "Set priority", [["value", "Priority", "priority"]]],
  ["set_project", "Move to project", [["value", "Project", "project", true]]],
  ["set_assignee", "Assign to", [["value", "Assignee", "principal", true]]],
  ["add_assignee", "Also assign to", [["value", "Assignee", "principal"]]],
  ["set_type", "Set item type", [["value", "Item type", "type"]]],
  ["add_tag", "Add tag", [["value", "Tag", "text"]]],
  ["add_follower", "Add follower", [["value", "Follower", "user"]]],
  ["set_field", "Set a form field", [["key", "Form field", "field_key"], ["value", "Value", "field_value"]]],
  ["post_message", "Post a message", [["body", "Message", "long_text"], ["visibility", "Visibility", "visibility"]]],
  ["send_email", "Send an email", [["to", "To", "email_to"], ["subject", "Subject", "text"], ["body", "Body", "long_text", true]]],
  ["call_webhook", "Call a webhook", [["url", "URL", "url"], ["event", "Event name", "text", true]]],
  ["convert_to_task", "Convert to task", [["type_id", "Task type", "task_type", true]]],
  ["apply_sla", "Apply SLA policy", [["policy_id", "SLA policy", "policy"]]],
  ["stop", "Stop: no later actions or rules", []],
].map(([type, label, params]) => ({ type, label, params: params.map(([name, plabel, kind, optional]) => ({ name, label: plabel, kind, optional: !!optional })) }));

export const VISIBILITIES = VISIBILITY_CHOICES;

export function actionDef(type) {
  return ACTIONS.find((a) => a.type === type);
}

const ACTION_DEFAULTS = {
  post_message: { visibility: "private" },
  send_email: { to: "requester", subject: "[{{ item.ref }}] {{ item.title }}" },
};

/** A new action of a kind as the editor starts it: the API's defaults filled in where it has them. */
export function newAction(type) {
  return { type, params: { ...(ACTION_DEFAULTS[type] || {}) } };
}

/** A set_field value from the form, typed by the custom field it sets. */
export function fieldValueFromForm(cf, raw) {
  const t = cf ? cf.type : "text";
  if (t === "multi_choice") return (Array.isArray(raw) ? raw : String(raw ?? "").split(",")).map((s) => String(s).trim()).filter(Boolean);
  const s = String(Array.isArray(raw) ? raw[0] ?? "" : raw ?? "").trim();
  if (t === "number") return s === "" ? null : Number.isNaN(Number(s)) ? s : Number(s);
  if (t === "checkbox") return s === "true";
  return s === "" ? null : s;
}

/**
 * The editor's action ({type, params: {name: raw string | list}}) → API JSON: empty optional parameters are left
 * out (the API's defaults apply), a project or assignee left empty means "none" (null).
 */
export function actionToJson(action, customFields = []) {
  const def = actionDef(action.type);
  if (!def) return { ...action.params, type: action.type };
  const out = { type: action.type };
  for (const p of def.params) {
    const raw = action.params[p.name];
    if (p.kind === "field_value") {
      out.value = fieldValueFromForm(customFields.find((c) => c.key === action.params.key), raw);
      continue;
    }
    const value = typeof raw === "string" ? raw.trim() : raw;
    if (value === undefined || value === "" || value === null) {
      if (p.kind === "project" || p.kind === "principal") out[p.name] = null;
      else if (!p.optional) out[p.name] = "";
      continue;
    }
    out[p.name] = value;
  }
  return out;
}

/** API JSON → the editor's action: every parameter as the form shows it. */
export function actionFromJson(json) {
  const { type, ...rest } = json || {};
  const params = {};
  for (const [k, v] of Object.entries(rest)) params[k] = v == null ? "" : Array.isArray(v) ? v.map(String) : String(v);
  return { type, params };
}

/** Options of a rule's trigger from the form: hours for idle/due_soon, visibility/author for message_added. */
export function optionsToJson(trigger, { hours, visibility, author } = {}) {
  if (HOURS_TRIGGERS.has(trigger)) {
    const n = Number(hours);
    return { hours: String(hours ?? "").trim() === "" || Number.isNaN(n) ? hours : n };
  }
  if (trigger === "message_added") {
    const o = {};
    if (visibility) o.visibility = visibility;
    if (author) o.author = author;
    return o;
  }
  return {};
}

/** What the form must hold before it is sent: [{field: API path, message}]. The API checks the rest. */
export function checkRule({ name, trigger, options, conditions, actions }) {
  const errors = [];
  if (!String(name || "").trim()) errors.push({ field: "name", message: "A name is required." });
  if (HOURS_TRIGGERS.has(trigger) && !(Number(options?.hours) > 0)) errors.push({ field: "options.hours", message: "Give a number of hours." });
  const walk = (group, path) => group.entries.forEach((e, n) => {
    const at = `${path}.${group.mode}[${n}]`;
    if (isGroup(e)) return walk(e, at);
    if (!e.field) return errors.push({ field: `${at}.field`, message: "Choose a field." });
    const empty = e.value === "" || e.value == null || (Array.isArray(e.value) && !e.value.length);
    if (needsValue(e.op) && empty) errors.push({ field: `${at}.value`, message: "Give a value." });
    return null;
  });
  walk(conditions, "conditions");
  errors.push(...checkActions(actions));
  return errors;
}

/** Required parameters of actions (API JSON) that are still empty. */
export function checkActions(actions, root = "actions") {
  const errors = [];
  actions.forEach((a, n) => {
    const def = actionDef(a.type);
    if (!def) errors.push({ field: `${root}[${n}].type`, message: "Choose an action." });
    for (const p of def ? def.params : []) {
      if (p.optional || p.kind === "project" || (p.kind === "principal" && a.type === "set_assignee")) continue;
      const v = a[p.name];
      if (v === "" || v == null || (Array.isArray(v) && !v.length)) errors.push({ field: `${root}[${n}].${p.name}`, message: "Required." });
    }
  });
  return errors;
}

/** An API error's details → [{field, message}] ({field} alone, or {errors: [...]}). */
export function apiFieldErrors(err) {
  const d = (err && err.details) || {};
  if (Array.isArray(d.errors)) return d.errors.filter((e) => e && e.field).map((e) => ({ field: e.field, message: e.message || err.message }));
  if (typeof d.field === "string") return [{ field: d.field, message: err.message }];
  return [];
}

// ---------------------------------------------------------------------------- plain-language summaries

/**
 * names: {status(key), priority(key), type(id), project(id), organization(id), user(id), principal(ref),
 * policy(id), field(key)} → display names; missing ones fall back to the raw value.
 */
function show(kind, value, names, choices) {
  if (value === null || value === undefined || value === "") return "";
  if (Array.isArray(value)) return value.map((v) => show(kind, v, names, choices)).join(", ");
  if (choices) return (choices.find(([v]) => v === value) || [value, value])[1];
  const fn = names && names[kind];
  return (fn && fn(value)) || String(value);
}

export function describeCondition(cond, fields, names) {
  const def = fieldDef(fields, cond.field);
  const op = OPERATOR_LABELS[cond.op] || cond.op;
  if (!needsValue(cond.op)) return `${def.label} ${op}`;
  const kind = def.value === "principal" && typeof cond.value === "string" && !cond.value.includes(":") ? "user" : def.value;
  return `${def.label} ${op} ${show(kind, cond.value, names, def.choices)}`;
}

export function describeGroup(group, fields, names) {
  if (!group.entries.length) return "always";
  const joiner = group.mode === "all" ? " and " : " or ";
  return group.entries.map((e) => (isGroup(e) ? `(${describeGroup(e, fields, names)})` : describeCondition(e, fields, names))).join(joiner);
}

export function describeAction(a, names) {
  const def = actionDef(a.type);
  if (!def) return a.type;
  const p = (k) => a[k];
  switch (a.type) {
    case "set_project": return p("value") ? `${def.label} ${show("project", p("value"), names)}` : "Take out of its project";
    case "set_assignee": return p("value") ? `${def.label} ${show("principal", p("value"), names)}` : "Unassign";
    case "set_field": return `Set ${show("field", p("key"), names)} to ${Array.isArray(p("value")) ? p("value").join(", ") : p("value")}`;
    case "post_message": return `Post a ${p("visibility") === "public" ? "public reply" : "private note"}`;
    case "send_email": return `Send an email to ${p("to") || "requester"}`;
    case "call_webhook": return `Call ${p("url")}`;
    case "convert_to_task": return p("type_id") ? `Convert to task (${show("type", p("type_id"), names)})` : "Convert to task";
    case "apply_sla": return `${def.label} ${show("policy", p("policy_id"), names)}`;
    case "stop": return "Stop";
    default: {
      const param = def.params[0];
      return `${def.label} ${show(param.kind, p(param.name), names)}`;
    }
  }
}
