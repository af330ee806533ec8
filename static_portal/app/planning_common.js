// What the Gantt chart and the calendar share: the project picker, the schedule read, a plan saved with
// If-Match (a stale bar never overwrites news), and the list of conflicts.
import { api, getAll } from "../js/api.js";
import { h, field } from "../js/dom.js";
import { go } from "../js/router.js";
import * as look from "./lookups.js";
import { options } from "./widgets.js";

const MAX_ROWS = 2000; // a Gantt chart of more is unreadable anyway; the schedule pages 200 at a time

/** A project select that reopens the screen (`path`) for the chosen project, keeping the other parameters. */
export function projectPicker(path, selected, params = {}) {
  const pairs = look.known("projects").map((p) => [p.id, p.name]).sort((a, b) => a[1].localeCompare(b[1]));
  const select = h("select", { name: "project_id" }, options(pairs, selected, "Choose a project"));
  select.addEventListener("change", () => go(path, { ...params, project_id: select.value }));
  return h("form", { class: "row planning-scope", "aria-label": "Which project", onsubmit: (e) => e.preventDefault() },
    field("Project", select));
}

/** The project's rows whose plan or actuals touch [from, to] (every page of the schedule). */
export function loadSchedule(projectId, from, to) {
  return getAll(`/v1/projects/${encodeURIComponent(projectId)}/schedule`, { from, to }, MAX_ROWS);
}

/** PATCH the plan of a row; its version is the If-Match, as the item view does. */
export async function savePlan(row, change) {
  const res = await api("PATCH", `/v1/items/${encodeURIComponent(row.ref)}`, { body: change, ifMatch: `"${row.version}"` });
  return res.data;
}

/** Why a save failed, in words. */
export function saveError(err) {
  if (err.status === 412 || err.status === 409) return "someone changed it meanwhile; the plan is reloaded";
  return err.message;
}

/** The conflicts of the shown rows: a heading and a list (or a line saying there are none). */
export function conflictList(rows) {
  const found = rows.filter((r) => (r.conflicts || []).length);
  const heading = h("h2", { id: "planning-conflicts", text: `Conflicts (${found.reduce((n, r) => n + r.conflicts.length, 0)})` });
  if (!found.length) return h("section", { class: "planning-conflicts", "aria-labelledby": heading.id }, heading, h("p", { class: "muted", text: "No conflicts in this window." }));
  const items = found.flatMap((row) => row.conflicts.map((c) => h("li", { class: "conflict" },
    h("a", { href: `#/items/${encodeURIComponent(row.ref)}`, text: `${row.ref} ${row.title}` }), ": ", c.message)));
  return h("section", { class: "planning-conflicts", "aria-labelledby": heading.id }, heading, h("ul", { "aria-label": "Conflicts" }, items));
}

/** The key of what plan and actual bars look like. */
export function legend() {
  return h("p", { class: "planning-legend muted" },
    h("span", { class: "swatch plan", "aria-hidden": "true" }), " Planned ",
    h("span", { class: "swatch actual", "aria-hidden": "true" }), " Actual ",
    h("span", { class: "swatch conflict", "aria-hidden": "true" }), " In conflict");
}
