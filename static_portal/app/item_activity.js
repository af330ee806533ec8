// The Activity tab: each entry in words, with names from the lookups (see activity_text.js).
import { h, formatDate } from "../js/dom.js";
import * as look from "./lookups.js";
import { describeActivity } from "./activity_text.js";

const HOW = {
  email: "by email",
  rule: "by a rule",
  api: "through the API",
  timer: "by a timer",
  webhook: "by an inbound webhook",
};

/** Every person id an activity list names (actors, people added or removed), to resolve in one request. */
export function activityPeople(rows) {
  const ids = [];
  for (const a of rows || []) {
    if (a.actor) ids.push(a.actor);
    for (const key of ["assignees", "followers", "requester"]) {
      for (const v of (a.changes?.[key] || []).flat()) {
        if (typeof v === "string") ids.push(v.startsWith("user:") ? v.slice(5) : v);
      }
    }
  }
  return ids.filter((id) => id && !id.startsWith("team:"));
}

export function namesFor(item, type) {
  return {
    person: (id) => look.people.name(id),
    team: (id) => look.teamName(id),
    status: (key, kind) => look.statusName(kind || item.kind, key),
    priority: (key) => look.priorityName(key),
    project: (id) => look.projectName(id),
    type: (id) => look.typeName(id),
    field: (key) => type?.form?.fields?.find((f) => f.key === key)?.label || "",
    date: (d) => formatDate(d),
  };
}

export function activityList(rows, item, type) {
  if (!rows.length) return h("p", { class: "muted", text: "No activity." });
  const names = namesFor(item, type);
  return h("ol", { class: "activity" }, rows.map((a) => {
    const said = describeActivity(a, names, { kind: item.kind });
    return h("li", { dataset: { action: a.action } },
      h("div", { class: "meta" }, h("time", { datetime: a.at, text: formatDate(a.at) }), HOW[a.cause] ? ` · ${HOW[a.cause]}` : ""),
      said.lines.map((line) => h("p", { class: "what", text: line })),
      said.note ? h("p", { class: "muted", text: said.note }) : null);
  }));
}
