// The item's history in words: "Dana changed status from Open to Waiting on customer". Names come
// from the caller (people from /v1/people, statuses and priorities from /v1/me, projects and types
// from their lookups); an id nobody can name is never shown as it is, nor is an internal key.
// Pure functions (no DOM), so node's test runner checks them.

const WHO_BY_CAUSE = {
  rule: "A rule",
  email: "Someone by email",
  timer: "The SLA clock",
  api: "An integration",
  webhook: "An inbound webhook",
  user: "Someone",
};

const DATE_FIELDS = {
  due_date: "the due date",
  planned_start: "the planned start",
  planned_finish: "the planned finish",
  actual_start: "the actual start",
  actual_finish: "the actual finish",
  start_no_earlier_than: "the earliest start",
  finish_no_later_than: "the latest finish",
};

/** "in_progress" → "In progress" (for keys nothing better names). */
export function humanizeKey(key) {
  const s = String(key ?? "").replace(/[_-]+/g, " ").trim();
  return s ? s[0].toUpperCase() + s.slice(1) : "";
}

const listOf = (v) => (Array.isArray(v) ? v : v === null || v === undefined || v === "" ? [] : [v]);

/** "a", "a and b", "a, b and c" */
export function joinNames(names) {
  const list = names.filter(Boolean);
  if (list.length <= 1) return list.join("");
  return `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
}

/** `user:ID` / `team:ID` / a bare person id → a name, or a neutral word: never the id itself. */
export function principalName(ref, names) {
  const s = String(ref ?? "");
  const [kind, id] = s.includes(":") ? s.split(":", 2) : ["user", s];
  if (kind === "team") return names.team?.(id) ? `team ${names.team(id)}` : "a team";
  return names.person?.(id) || "someone";
}

function quoted(text, max = 60) {
  const s = String(text ?? "");
  return `“${s.length > max ? `${s.slice(0, max - 1)}…` : s}”`;
}

function plainValue(value) {
  if (value === null || value === undefined || value === "") return "nothing";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) return value.length ? value.map(plainValue).join(", ") : "nothing";
  if (typeof value === "object") return "a new value";
  return String(value);
}

function addedRemoved(before, after) {
  const a = listOf(before);
  const b = listOf(after);
  return { added: b.filter((x) => !a.includes(x)), removed: a.filter((x) => !b.includes(x)) };
}

function fromTo(what, before, after, show) {
  const [a, b] = [before, after].map((v) => (v === null || v === undefined || v === "" ? "" : show(v)));
  if (!a && b) return `set ${what} to ${b}`;
  if (a && !b) return `cleared ${what} (was ${a})`;
  return `changed ${what} from ${a} to ${b}`;
}

function listChange(before, after, show, { add, remove }) {
  const { added, removed } = addedRemoved(before, after);
  const parts = [];
  if (added.length) parts.push(add(joinNames(added.map(show)), added.length));
  if (removed.length) parts.push(remove(joinNames(removed.map(show)), removed.length));
  return parts;
}

/** Phrases (without the subject) for one changed field: "changed status from Open to Resolved". */
export function describeChange(key, change, names, context = {}) {
  const [before, after] = Array.isArray(change) && change.length === 2 ? change : [undefined, change];
  const person = (id) => names.person?.(id) || "someone";
  switch (key) {
    case "status": {
      const show = (k) => names.status?.(k, context.kind) || humanizeKey(k);
      return [fromTo("status", before, after, show)];
    }
    case "priority":
      return [fromTo("priority", before, after, (k) => names.priority?.(k) || humanizeKey(k))];
    case "assignees":
      return listChange(before, after, (r) => (context.actor && r === `user:${context.actor}` ? "themselves" : principalName(r, names)), {
        add: (who) => `assigned ${who}`,
        remove: (who) => `unassigned ${who}`,
      });
    case "followers":
      return listChange(before, after, person, {
        add: (who, n) => `added ${who} as ${n > 1 ? "followers" : "a follower"}`,
        remove: (who) => `removed ${who} from the followers`,
      });
    case "tags":
      return listChange(before, after, (t) => quoted(t, 40), {
        add: (tags) => `tagged it ${tags}`,
        remove: (tags, n) => `removed the tag${n > 1 ? "s" : ""} ${tags}`,
      });
    case "requester":
    case "requester_id":
      return [fromTo("the requester", before, after, person)];
    case "project_id": {
      const show = (id) => names.project?.(id) || "another project";
      if (!before && after) return [`moved it to ${show(after)}`];
      if (before && !after) return [`took it out of ${show(before)}`];
      return [`moved it from ${show(before)} to ${show(after)}`];
    }
    case "type_id":
      return [fromTo("the type", before, after, (id) => names.type?.(id) || "another type")];
    case "kind":
      return [`converted it from a ${before || "ticket"} to a ${after || "task"}`];
    case "title":
      return [fromTo("the title", before, after, (t) => quoted(t))];
    case "description":
      return ["edited the description"];
    case "percent_complete":
      return [`set progress to ${Number(after) || 0}%`];
    case "points":
      return [fromTo("the points", before, after, String)];
    case "portal_visible":
      return [after ? "made it visible in the portal" : "hid it from the portal"];
    case "fields":
      return fieldChanges(before, after, names);
    case "links":
      return ["changed the linked items"];
    case "message":
      return [];
    case "attachment":
      return [before ? `removed the attachment ${quoted(before)}` : "added an attachment"];
    case "sla_policy":
      return [fromTo("the SLA policy", before, after, (n) => quoted(n))];
    default:
      if (DATE_FIELDS[key]) return [fromTo(DATE_FIELDS[key], before, after, (d) => names.date?.(d) || String(d))];
      return [fromTo(humanizeKey(key).toLowerCase(), before, after, plainValue)];
  }
}

function fieldChanges(before, after, names) {
  const a = before && typeof before === "object" ? before : {};
  const b = after && typeof after === "object" ? after : {};
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  return keys.map((k) => fromTo(names.field?.(k) || humanizeKey(k), a[k], b[k], plainValue));
}

function whoOf(entry, names) {
  const fallback = WHO_BY_CAUSE[entry.cause] || "Someone";
  if (!entry.actor) return fallback;
  return names.person?.(entry.actor) || (entry.cause === "user" ? "Someone" : fallback);
}

const kindWord = (kind) => (kind === "task" ? "task" : kind === "ticket" ? "ticket" : "item");

/**
 * describeActivity(entry, names, {kind}) → {who, lines, note}
 * `lines` are whole sentences ("Dana changed status from Open to Waiting on customer"), `note` is the
 * why given by the system (a rule's description, "reply by email"), or "" when it adds nothing.
 */
export function describeActivity(entry, names, context = {}) {
  const who = whoOf(entry, names);
  context = { ...context, actor: entry.actor };
  const changes = entry.changes && typeof entry.changes === "object" ? entry.changes : {};
  const by = entry.cause === "email" ? " by email" : "";
  let phrases = [];
  let note = String(entry.note || "");
  switch (entry.action) {
    case "created":
      phrases = [`created this ${kindWord(context.kind)}${by}`];
      break;
    case "message_added":
      phrases = [note === "private" ? "added an internal note" : `replied${by}`];
      if (note === "private" || note === "public") note = "";
      break;
    case "converted":
      phrases = [`converted it from a ${changes.kind?.[0] || "ticket"} to a ${changes.kind?.[1] || "task"}`];
      if (changes.status) phrases.push(...describeChange("status", changes.status, names, context));
      break;
    case "side_effect":
      phrases = [];
      break;
    case "rule_failed":
      phrases = ["could not finish its actions"];
      break;
    default:
      for (const [key, change] of Object.entries(changes)) phrases.push(...describeChange(key, change, names, context));
      if (!phrases.length && entry.action === "sla") phrases = ["recalculated the SLA targets"];
  }
  if (entry.action === "side_effect" && note) return { who, lines: [note], note: "" };
  if (!phrases.length) phrases = [entry.action === "updated" ? "updated it" : humanizeKey(entry.action).toLowerCase() || "changed it"];
  return { who, lines: phrases.map((p) => `${who} ${p}`), note: cleanNote(note) };
}

/** Drop internal ids a system note may carry in parentheses ("inbound webhook “Shop” (01HX…)"). */
export function cleanNote(note) {
  return String(note || "").replace(/\s*\((?:[0-9A-Za-z]{16,}|[0-9a-f-]{32,})\)/g, "").trim();
}
