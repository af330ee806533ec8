// Small pieces the workspace views share: item badges and <option> lists built from the lookups.
import { h } from "../js/dom.js";
import * as look from "./lookups.js";

/**
 * The tenant's priority keys, lowest first, as /v1/me lists them (filled in at sign-in by
 * setPriorities; the same array object throughout, so modules that imported it see the tenant's list).
 */
export const PRIORITIES = [];
export function setPriorities() {
  PRIORITIES.splice(0, PRIORITIES.length, ...look.priorities().map((p) => p.key));
}

export function statusBadge(item) {
  return h("span", { class: ["badge", "status", `cat-${item.status_category}`], dataset: { status: item.status }, text: look.statusName(item.kind, item.status) });
}

export function priorityBadge(priority) {
  return h("span", { class: ["badge", `prio-${priority}`], dataset: { priority: priority || "" }, text: look.priorityName(priority || "normal") });
}

export function assigneeText(item) {
  return (item.assignees || []).map(look.refName).join(", ") || "Unassigned";
}

export function options(pairs, selected, empty) {
  return [
    empty !== undefined ? h("option", { value: "", text: empty }) : null,
    ...pairs.map(([value, label]) => h("option", { value, text: label, selected: value === selected })),
  ];
}

export function statusPairs(kind) {
  return (kind ? look.statusesOf(kind) : look.allStatuses()).map((s) => [s.key, s.name]);
}

/** The tenant's priorities; `current` (an item's) is kept even if the tenant no longer lists it. */
export function priorityPairs(current) {
  const pairs = look.priorities().map((p) => [p.key, p.name]);
  if (current && !pairs.some(([k]) => k === current)) pairs.push([current, look.priorityName(current)]);
  return pairs;
}
export const projectPairs = () => look.known("projects").map((p) => [p.id, p.name]);
export const typePairs = (kind) => look.known("types").filter((t) => !kind || t.kind === kind).map((t) => [t.id, `${t.name} (${t.kind})`]);
export const assigneePairs = () => [
  ...look.known("users").filter((u) => u.active !== false).map((u) => [`user:${u.id}`, u.name || u.email]),
  ...look.known("teams").map((t) => [`team:${t.id}`, `Team: ${t.name}`]),
];
