// The Gantt chart's and the calendar's arithmetic: days, drags, bars in a window, dependency lines, events.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as plan from "../../static_portal/app/planning_model.js";

const row = (ref, fields = {}) => ({ ref, title: `Task ${ref}`, version: 1, predecessors: [], conflicts: [], ...fields });

test("days add across months and years, and the week starts on Monday", () => {
  assert.equal(plan.addDays("2031-02-27", 3), "2031-03-02");
  assert.equal(plan.addDays("2031-01-01", -1), "2030-12-31");
  assert.equal(plan.daysBetween("2031-03-30", "2031-04-02"), 3);
  assert.equal(plan.mondayOf("2031-03-09"), "2031-03-03"); // a Sunday
  assert.equal(plan.mondayOf("2031-03-03"), "2031-03-03");
  assert.equal(plan.today(new Date("2031-03-03T12:00:00Z")).length, 10);
});

test("dragging moves both ends, or one end without passing the other; no move is no change", () => {
  const r = row("K-1", { planned_start: "2031-03-04", planned_finish: "2031-03-06" });
  assert.deepEqual(plan.dragPlan(r, "move", 3), { planned_start: "2031-03-07", planned_finish: "2031-03-09" });
  assert.deepEqual(plan.dragPlan(r, "finish", 2), { planned_start: "2031-03-04", planned_finish: "2031-03-08" });
  assert.deepEqual(plan.dragPlan(r, "start", 5), { planned_start: "2031-03-06", planned_finish: "2031-03-06" });
  assert.deepEqual(plan.dragPlan(r, "finish", -9), { planned_start: "2031-03-04", planned_finish: "2031-03-04" });
  assert.equal(plan.dragPlan(r, "move", 0), null);
  assert.equal(plan.dragPlan(row("K-2"), "move", 2), null); // nothing planned: nothing to drag
  // A start alone is a one-day plan that a drag gives both ends
  assert.deepEqual(plan.dragPlan(row("K-3", { planned_start: "2031-03-04" }), "move", 1),
    { planned_start: "2031-03-05", planned_finish: "2031-03-05" });
});

test("bars are clipped to the window and left out beyond it", () => {
  const sc = plan.scale("2031-03-03", "2031-03-09", 10);
  assert.equal(sc.days, 7);
  assert.deepEqual(sc.bar({ start: "2031-03-04", finish: "2031-03-05" }), { x: 10, width: 20 });
  assert.deepEqual(sc.bar({ start: "2031-02-20", finish: "2031-03-03" }), { x: 0, width: 10 });
  assert.deepEqual(sc.bar({ start: "2031-03-08", finish: "2031-04-01" }), { x: 50, width: 20 });
  assert.equal(sc.bar({ start: "2031-03-10", finish: "2031-03-12" }), null);
  assert.equal(sc.bar(null), null);
});

test("actual work still going on runs to today; rows sort by plan, undated last", () => {
  assert.deepEqual(plan.actualSpan(row("K-1", { actual_start: "2031-03-02" }), "2031-03-05"),
    { start: "2031-03-02", finish: "2031-03-05", ongoing: true });
  assert.deepEqual(plan.actualSpan(row("K-1", { actual_start: "2031-03-02", actual_finish: "2031-03-03" }), "2031-03-05"),
    { start: "2031-03-02", finish: "2031-03-03", ongoing: false });
  assert.equal(plan.actualSpan(row("K-1"), "2031-03-05"), null);
  const sorted = plan.sortRows([row("K-10"), row("K-9", { planned_start: "2031-03-05" }), row("K-2", { planned_start: "2031-03-05" }),
    row("K-3", { actual_start: "2031-03-01" })]);
  assert.deepEqual(sorted.map((r) => r.ref), ["K-3", "K-2", "K-9", "K-10"]);
});

test("dependency lines join drawn bars only, marked when the dependency is broken", () => {
  const rows = [row("K-1"), row("K-2", { predecessors: ["K-1", "K-7"], conflicts: [{ code: "starts_before_predecessor", ref: "K-1" }] })];
  const places = new Map([["K-1", { row: 0, bar: { x: 0, width: 30 } }], ["K-2", { row: 1, bar: { x: 60, width: 20 } }]]);
  const [only, ...rest] = plan.links(rows, places);
  assert.equal(rest.length, 0); // K-7 is not in the chart
  assert.deepEqual([only.from, only.to, only.broken], ["K-1", "K-2", true]);
  assert.match(plan.linkPath(only.a, only.b, 36), /^M 30 [\d.]+ H 36 V [\d.]+ H 60$/);
  // A successor starting left of its predecessor's end gets a path that goes around
  assert.match(plan.linkPath({ row: 0, bar: { x: 0, width: 80 } }, { row: 1, bar: { x: 20, width: 10 } }, 36), / H 14 V [\d.]+ H 20$/);
});

test("the calendar shows a draggable plan and a fixed actual; its end is the day after the last", () => {
  const events = plan.calendarEvents([row("K-4", { planned_start: "2031-03-10", planned_finish: "2031-03-12",
    actual_start: "2031-03-11", actual_finish: "2031-03-13", conflicts: [{ code: "x" }] })], "2031-03-20");
  assert.deepEqual(events.map((e) => [e.id, e.start, e.end, e.editable, e.classNames.join(" ")]), [
    ["plan:K-4", "2031-03-10", "2031-03-13", true, "plan conflict"],
    ["actual:K-4", "2031-03-11", "2031-03-14", false, "actual"],
  ]);
  assert.deepEqual(plan.planFromEvent("2031-03-17", "2031-03-20"), { planned_start: "2031-03-17", planned_finish: "2031-03-19" });
  assert.deepEqual(plan.planFromEvent("2031-03-17", null), { planned_start: "2031-03-17", planned_finish: "2031-03-17" });
});

test("a bar reads as its plan, what happened and its conflicts", () => {
  const text = plan.describe(row("K-4", { planned_start: "2031-03-10", planned_finish: "2031-03-12", actual_start: "2031-03-11",
    conflicts: [{}, {}] }), "2031-03-12");
  assert.equal(text, "K-4 Task K-4, planned 2031-03-10 to 2031-03-12, started 2031-03-11, 2 conflicts");
  assert.equal(plan.describe(row("K-5"), "2031-03-12"), "K-5 Task K-5, not planned");
});
