// Small pieces the workspace views share: item badges, selects built from the directory.
import { h, humanize } from "../js/dom.js";
import { state, statusName, statusesOf, refName } from "./state.js";

export const PRIORITIES = ["low", "normal", "high", "urgent"];

export function statusBadge(item) {
  return h("span", { class: ["badge", "status", `cat-${item.status_category}`], dataset: { status: item.status }, text: statusName(item.kind, item.status) });
}

export function priorityBadge(priority) {
  return h("span", { class: ["badge", `prio-${priority}`], text: humanize(priority || "normal") });
}

export function assigneeText(item) {
  return (item.assignees || []).map(refName).join(", ") || "Unassigned";
}

export function options(pairs, selected, empty) {
  return [
    empty !== undefined ? h("option", { value: "", text: empty }) : null,
    ...pairs.map(([value, label]) => h("option", { value, text: label, selected: value === selected })),
  ];
}

export function statusPairs(kind) {
  if (kind) return statusesOf(kind).map((s) => [s.key, s.name]);
  const seen = new Map();
  for (const k of Object.keys(state.statuses)) for (const s of statusesOf(k)) if (!seen.has(s.key)) seen.set(s.key, s.name);
  return [...seen];
}

export const projectPairs = () => state.projects.map((p) => [p.id, p.name]);
export const typePairs = (kind) => state.types.filter((t) => !kind || t.kind === kind).map((t) => [t.id, `${t.name} (${t.kind})`]);
export const assigneePairs = () => [
  ...state.users.filter((u) => u.role !== "customer").map((u) => [`user:${u.id}`, u.name || u.email]),
  ...state.teams.map((t) => [`team:${t.id}`, `Team: ${t.name}`]),
];
