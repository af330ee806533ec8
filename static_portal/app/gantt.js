// Gantt chart of a project (#/gantt?project_id=…&from=YYYY-MM-DD): a row per item with its plan bar and, under
// it, what really happened; finish-to-start dependencies drawn as arrows; conflicts marked on the bar and listed.
// Dragging a plan bar moves it, dragging its ends resizes it (arrow keys do the same: ← → move a day,
// Shift+← → change the finish); the new plan is PATCHed with If-Match, then the schedule (and its conflicts) is
// read again. Hand-written SVG: it draws plan and actual bars and obeys the page's CSP (no inline styles).
import { h, notice } from "../js/dom.js";
import { go } from "../js/router.js";
import { defineView } from "../js/view.js";
import { page } from "./state.js";
import * as look from "./lookups.js";
import * as plan from "./planning_model.js";
import { conflictList, legend, loadSchedule, projectPicker, saveError, savePlan } from "./planning_common.js";

const SVG = "http://www.w3.org/2000/svg";
const DAY = 28; // px per day
const ROW = 36;
const HEAD = 40;
const SPAN = 42; // days shown
const STEP = 14; // days per Earlier / Later

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null && v !== false) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function header(from, to, sc, now) {
  const g = svg("g", { class: "gantt-head" });
  for (let i = 0; i < sc.days; i++) {
    const day = plan.addDays(from, i);
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    const x = i * DAY;
    if (weekday === 0 || weekday === 6) g.append(svg("rect", { class: "weekend", x, y: 0, width: DAY, height: "100%" }));
    if (day.endsWith("-01") || i === 0) g.append(svg("text", { class: "month", x: x + 3, y: 14 }, day.slice(0, 7)));
    g.append(svg("text", { class: weekday === 1 ? "day monday" : "day", x: x + DAY / 2, y: 32, "text-anchor": "middle" }, String(Number(day.slice(8)))));
  }
  if (now >= from && now <= to) g.append(svg("line", { class: "today", x1: sc.x(now) + DAY / 2, x2: sc.x(now) + DAY / 2, y1: 0, y2: "100%" }));
  return g;
}

export function ganttView(route) {
  const projectId = route.params.get("project_id") || "";
  const asked = route.params.get("from");
  const now = plan.today();
  const from = plan.isDay(asked) ? asked : plan.addDays(plan.mondayOf(now), -7);
  const to = plan.addDays(from, SPAN - 1);
  const sc = plan.scale(from, to, DAY);
  const out = h("div", { class: "planning-status", "aria-live": "polite" });
  const labels = h("ol", { class: "gantt-labels", "aria-label": "Items" });
  const chart = h("div", { class: "gantt-chart" });
  const conflictsHost = h("div");
  let dragging = null;

  const reload = async () => draw(await loadSchedule(projectId, from, to));

  const save = async (row, change) => {
    out.replaceChildren(notice("info", `Saving ${row.ref}…`));
    try {
      const item = await savePlan(row, change);
      out.replaceChildren(notice("ok", `${row.ref} planned ${item.planned_start} to ${item.planned_finish}.`));
    } catch (err) {
      out.replaceChildren(notice("error", `${row.ref} was not moved: ${saveError(err)}.`));
    }
    await reload();
  };

  const planBar = (row, i, bar) => {
    const y = i * ROW;
    const conflict = (row.conflicts || []).length > 0;
    const rect = svg("rect", { class: "bar-rect", x: bar.x + 1, y: y + 6, width: Math.max(bar.width - 2, 4), height: 16, rx: 3 });
    const startHandle = svg("rect", { class: "handle handle-start", x: bar.x, y: y + 6, width: 7, height: 16 });
    const finishHandle = svg("rect", { class: "handle handle-finish", x: bar.x + bar.width - 7, y: y + 6, width: 7, height: 16 });
    const label = `${plan.describe(row, now)}. Drag to move, drag an end to change it; arrow keys move a day, Shift with arrows changes the finish.`;
    const g = svg("g", { class: conflict ? "bar plan conflict" : "bar plan", role: "button", tabindex: 0, "aria-label": label, "data-ref": row.ref },
      svg("title", {}, plan.describe(row, now)), rect, startHandle, finishHandle,
      conflict ? svg("text", { class: "conflict-mark", x: bar.x + bar.width + 4, y: y + 19, "aria-hidden": "true" }, "!") : null);
    const place = (change) => {
      const next = sc.bar(change ? { start: change.planned_start, finish: change.planned_finish } : plan.planSpan(row)) || { x: bar.x, width: 0 };
      rect.setAttribute("x", next.x + 1);
      rect.setAttribute("width", Math.max(next.width - 2, 4));
      startHandle.setAttribute("x", next.x);
      finishHandle.setAttribute("x", next.x + next.width - 7);
    };
    g.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      const mode = e.target === startHandle ? "start" : e.target === finishHandle ? "finish" : "move";
      dragging = { row, mode, x0: e.clientX, change: null };
      g.setPointerCapture?.(e.pointerId);
      g.classList.add("dragging");
    });
    g.addEventListener("pointermove", (e) => {
      if (!dragging || dragging.row !== row) return;
      dragging.change = plan.dragPlan(row, dragging.mode, Math.round((e.clientX - dragging.x0) / DAY));
      place(dragging.change);
    });
    const end = (e) => {
      if (!dragging || dragging.row !== row) return;
      const { change } = dragging;
      dragging = null;
      g.classList.remove("dragging");
      if (e.type === "pointerup" && change) save(row, change);
      else place(null);
    };
    g.addEventListener("pointerup", end);
    g.addEventListener("pointercancel", end);
    g.addEventListener("keydown", (e) => {
      const delta = { ArrowLeft: -1, ArrowRight: 1 }[e.key];
      if (!delta) return;
      e.preventDefault();
      const change = plan.dragPlan(row, e.shiftKey ? "finish" : "move", delta);
      if (change) save(row, change);
    });
    return g;
  };

  const draw = (data) => {
    const focused = chart.contains(document.activeElement) ? document.activeElement.getAttribute("data-ref") : null;
    const rows = plan.sortRows(data);
    const height = HEAD + Math.max(rows.length, 1) * ROW;
    const body = svg("g", { transform: `translate(0, ${HEAD})` });
    const places = new Map();
    labels.replaceChildren();
    rows.forEach((row, i) => {
      labels.append(h("li", { class: (row.conflicts || []).length ? "conflict" : null },
        h("a", { href: `#/items/${encodeURIComponent(row.ref)}`, text: row.ref }), " ", h("span", { text: row.title })));
      body.append(svg("line", { class: "row-line", x1: 0, x2: sc.width, y1: (i + 1) * ROW, y2: (i + 1) * ROW }));
      const actual = sc.bar(plan.actualSpan(row, now));
      if (actual) body.append(svg("rect", { class: plan.actualSpan(row, now).ongoing ? "bar actual ongoing" : "bar actual", x: actual.x + 1, y: i * ROW + 25, width: Math.max(actual.width - 2, 4), height: 7, rx: 2 }));
      const bar = sc.bar(plan.planSpan(row));
      if (bar) {
        places.set(row.ref, { row: i, bar });
        body.append(planBar(row, i, bar));
      }
    });
    const arrows = plan.links(rows, places).map((l) => svg("path", { class: l.broken ? "link broken" : "link", d: plan.linkPath(l.a, l.b, ROW), "marker-end": l.broken ? "url(#gantt-arrow-broken)" : "url(#gantt-arrow)", "data-from": l.from, "data-to": l.to }));
    const defs = svg("defs", {},
      svg("marker", { id: "gantt-arrow", viewBox: "0 0 6 6", refX: 6, refY: 3, markerWidth: 6, markerHeight: 6, orient: "auto" }, svg("path", { d: "M0,0 L6,3 L0,6 z", class: "arrow-head" })),
      svg("marker", { id: "gantt-arrow-broken", viewBox: "0 0 6 6", refX: 6, refY: 3, markerWidth: 6, markerHeight: 6, orient: "auto" }, svg("path", { d: "M0,0 L6,3 L0,6 z", class: "arrow-head broken" })));
    body.prepend(svg("g", { class: "links", "aria-hidden": "true" }, arrows));
    chart.replaceChildren(svg("svg", { class: "gantt", width: sc.width, height, viewBox: `0 0 ${sc.width} ${height}`, role: "group", "aria-label": `Gantt chart from ${from} to ${to}` }, defs, header(from, to, sc, now), body));
    if (!rows.length) labels.append(h("li", { class: "muted", text: "No planned items in this window." }));
    conflictsHost.replaceChildren(conflictList(rows));
    // Keyboard moves keep going: the bar that had the focus has it again after the redraw.
    if (focused) chart.querySelector(`[data-ref="${CSS.escape(focused)}"]`)?.focus();
  };

  const nav = () => h("div", { class: "row gantt-nav" },
    h("button", { type: "button", class: "secondary", onclick: () => go("/gantt", { project_id: projectId, from: plan.addDays(from, -STEP) }), text: "Earlier" }),
    h("button", { type: "button", class: "secondary", onclick: () => go("/gantt", { project_id: projectId }), text: "This week" }),
    h("button", { type: "button", class: "secondary", onclick: () => go("/gantt", { project_id: projectId, from: plan.addDays(from, STEP) }), text: "Later" }),
    h("span", { class: "muted", text: `${from} to ${to}` }));

  return defineView({
    load: async () => {
      await look.projects().catch(() => []);
      return projectId ? loadSchedule(projectId, from, to) : null;
    },
    render: (data) => {
      const picker = projectPicker("/gantt", projectId, { from: asked || undefined });
      if (!projectId) return page("Gantt chart", picker, h("p", { class: "muted", text: "Choose a project to see its plan." }));
      page("Gantt chart", picker, nav(), legend(), out,
        h("div", { class: "gantt-frame" }, h("div", { class: "gantt-label-col" }, h("div", { class: "gantt-label-head", text: "Item" }), labels), chart),
        h("p", { class: "muted help", text: "Items without dates in this window are not shown; plan them in the item view." }),
        conflictsHost);
      draw(data);
    },
    update: (data) => {
      if (projectId && !dragging) draw(data);
    },
  });
}
