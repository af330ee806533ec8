// What a saved view's table shows in each cell and under each group heading: an item's field as people read it
// (names for ids, badges for status and priority, dates as dates). The names must have been resolved first
// (resolveCellNames), so rendering stays synchronous.
import { h, formatDate, relativeTime, humanize } from "../js/dom.js";
import * as look from "./lookups.js";
import { statusBadge, priorityBadge, assigneeText } from "./widgets.js";
import { columnLabel } from "./views_model.js";

const DATES = new Set(["due_date", "planned_start", "planned_finish", "actual_start", "actual_finish", "start_no_earlier_than", "finish_no_later_than"]);
const TIMES = new Set(["created_at", "updated_at"]);

/** People and organisations these rows name, looked up in a few requests; → organisation names by id. */
export async function resolveCellNames(items, columns, groupBy) {
  const shown = new Set([...columns, groupBy]);
  const people = items.flatMap((i) => [
    shown.has("requester") ? i.requester : null,
    ...(shown.has("assignees") ? look.userIdsOf(i.assignees) : []),
    ...(shown.has("followers") ? i.followers || [] : []),
  ]).filter(Boolean);
  const orgIds = shown.has("organization_id") ? [...new Set(items.map((i) => i.organization_id).filter(Boolean))] : [];
  const [, orgs] = await Promise.all([
    people.length ? look.people.resolve(people) : null,
    Promise.all(orgIds.map((id) => look.organization(id).then((o) => [id, o.name], () => [id, ""]))),
  ]);
  return new Map(orgs);
}

const orgName = (orgs, id) => (id ? orgs.get(id) || "Another organisation" : "");

/** One cell's content: a node or text. */
export function cellOf(item, column, orgs = new Map()) {
  const v = item[column];
  switch (column) {
    case "title":
      return h("a", { href: `#/items/${encodeURIComponent(item.ref)}`, text: item.title || "(no title)" });
    case "status":
      return statusBadge(item);
    case "priority":
      return priorityBadge(item.priority);
    case "requester":
      return v ? look.people.name(v, "someone") : "";
    case "assignees":
      return assigneeText(item);
    case "followers":
      return (v || []).map((id) => look.people.name(id, "someone")).join(", ");
    case "project_id":
      return look.projectName(v);
    case "type_id":
      return look.typeName(v);
    case "organization_id":
      return orgName(orgs, v);
    case "tags":
      return (v || []).map((t) => `#${t}`).join(" ");
    case "kind":
    case "status_category":
    case "via":
      return humanize(v);
    case "portal_visible":
      return v === true ? "Yes" : v === false ? "No" : "";
    case "percent_complete":
      return v === null || v === undefined ? "" : `${v}%`;
    default:
      if (TIMES.has(column)) return v ? h("time", { datetime: v, title: formatDate(v), text: relativeTime(v) }) : "";
      if (DATES.has(column)) return formatDate(v);
      if (Array.isArray(v)) return v.join(", ");
      return v === null || v === undefined ? "" : String(v);
  }
}

const NONE = {
  type_id: "No type",
  requester: "No requester",
  organization_id: "No organisation",
  project_id: "No project",
  assignees: "Unassigned",
  tags: "No tags",
};

/** The heading of a group: "Priority: Urgent", from the group's first item. */
export function groupLabel(item, field, orgs = new Map()) {
  const v = item[field];
  const empty = v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length);
  let text;
  if (empty) text = NONE[field] || "None";
  else if (field === "status") text = look.statusName(item.kind, v);
  else if (field === "priority") text = look.priorityName(v);
  else if (field === "assignees") text = assigneeText(item);
  else {
    const cell = cellOf(item, field, orgs);
    text = typeof cell === "string" ? cell : cell.textContent;
  }
  return `${columnLabel(field)}: ${text}`;
}
