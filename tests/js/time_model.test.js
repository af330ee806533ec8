// The time screens' pure rules: weeks, h:mm, what a person types as a duration, form values → API bodies,
// totals, and who gets Approve buttons.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  addDays, byDay, createBody, editable, elapsedNow, formatElapsed, formatMinutes, isDay, managedProjects, mayDecide,
  parseDuration, patchBody, readSheetForm, shiftWeek, today, totals, weekOf,
} from "../../static_portal/app/time_model.js";

test("a week runs Monday to Sunday whatever day of it is given, across months and years", () => {
  assert.deepEqual(weekOf("2024-06-05"), {
    start: "2024-06-03", end: "2024-06-09",
    days: ["2024-06-03", "2024-06-04", "2024-06-05", "2024-06-06", "2024-06-07", "2024-06-08", "2024-06-09"],
  });
  assert.equal(weekOf("2024-06-03").start, "2024-06-03"); // a Monday is its own week's start
  assert.equal(weekOf("2024-06-09").start, "2024-06-03"); // a Sunday ends the week, it does not start one
  assert.deepEqual([weekOf("2025-01-01").start, weekOf("2025-01-01").end], ["2024-12-30", "2025-01-05"]);
  assert.equal(weekOf("2024-03-01").start, "2024-02-26"); // leap year February
});

test("previous and next week move by seven days from the week's Monday; days add across DST changes", () => {
  assert.equal(shiftWeek("2024-06-05", -1), "2024-05-27");
  assert.equal(shiftWeek("2024-06-05", 1), "2024-06-10");
  assert.equal(shiftWeek("2024-12-31", 1), "2025-01-06");
  assert.equal(addDays("2024-03-30", 2), "2024-04-01"); // Europe's clocks change on 31 March: still one day each
  assert.equal(addDays("2024-10-26", 2), "2024-10-28");
});

test("today is the browser's calendar day, not the UTC one", () => {
  assert.equal(today(new Date(2024, 0, 5, 23, 59)), "2024-01-05");
  assert.equal(today(new Date(2024, 11, 31, 0, 1)), "2024-12-31");
});

test("isDay accepts real calendar dates only", () => {
  assert.ok(isDay("2024-02-29"));
  assert.ok(!isDay("2023-02-29"));
  assert.ok(!isDay("2024-13-01"));
  assert.ok(!isDay("3 June"));
  assert.ok(!isDay(null));
});

test("minutes read as h:mm, and a running clock as h:mm:ss", () => {
  assert.equal(formatMinutes(0), "0:00");
  assert.equal(formatMinutes(5), "0:05");
  assert.equal(formatMinutes(90), "1:30");
  assert.equal(formatMinutes(1440), "24:00");
  assert.equal(formatMinutes(undefined), "0:00");
  assert.equal(formatElapsed(0), "0:00:00");
  assert.equal(formatElapsed(3725), "1:02:05");
  assert.equal(formatElapsed(59.9), "0:00:59");
});

test("a duration may be typed as h:mm, minutes, hours or hours and minutes; nonsense is refused", () => {
  const cases = { "1:30": 90, "0:05": 5, " 2:00 ": 120, 90: 90, "45m": 45, "2h": 120, "1h30": 90, "1h 30m": 90, "1.5h": 90, ".25h": 15 };
  for (const [text, minutes] of Object.entries(cases)) assert.equal(parseDuration(text), minutes, text);
  for (const bad of ["", "1:75", "abc", "1:3", "-5", "1,5h", "1:30:00", null]) assert.equal(parseDuration(bad), null, String(bad));
});

const form = (over = {}) => ({ date: "2024-06-05", duration: "1:30", billable: true, note: "Fixed it", percent_complete: "", status: "", ...over });

test("the form's values become the fields the API takes; empty % complete and status mean none", () => {
  const read = readSheetForm(form());
  assert.deepEqual(read, { ok: true, value: { date: "2024-06-05", minutes: 90, billable: true, note: "Fixed it", percent_complete: null, status: null } });
  assert.deepEqual(createBody("T-7", read.value), { item_ref: "T-7", date: "2024-06-05", minutes: 90, billable: true, note: "Fixed it" });
  const full = readSheetForm(form({ percent_complete: "50", status: "done", billable: false })).value;
  assert.deepEqual(createBody("T-7", full), { item_ref: "T-7", date: "2024-06-05", minutes: 90, billable: false, note: "Fixed it", percent_complete: 50, status: "done" });
});

test("the form names each wrong field: date, time out of the API's bounds, % complete", () => {
  assert.deepEqual(Object.keys(readSheetForm(form({ date: "", duration: "soon", percent_complete: "101" })).errors).sort(), ["date", "minutes", "percent_complete"]);
  assert.ok(readSheetForm(form({ duration: "0:00" })).errors.minutes);
  assert.ok(readSheetForm(form({ duration: "24:01" })).errors.minutes);
  assert.ok(readSheetForm(form({ percent_complete: "12.5" })).errors.percent_complete);
  assert.ok(readSheetForm(form({ note: "x".repeat(2001) })).errors.note);
  assert.equal(readSheetForm(form({ duration: "24:00", percent_complete: "0" })).ok, true);
});

test("an edit sends only what changed, and null to clear % complete or the status change", () => {
  const sheet = { id: "s1", date: "2024-06-05", minutes: 90, billable: true, note: "", percent_complete: 40, status: "open" };
  const same = readSheetForm(form({ note: "", percent_complete: "40", status: "open" })).value;
  assert.deepEqual(patchBody(sheet, same), {});
  const changed = readSheetForm(form({ duration: "2:00", note: "", percent_complete: "", status: "" })).value;
  assert.deepEqual(patchBody(sheet, changed), { minutes: 120, percent_complete: null, status: null });
});

test("totals per day and per week leave out rejected time and days outside the week", () => {
  const { days } = weekOf("2024-06-05");
  const sheets = [
    { date: "2024-06-03", minutes: 30, billable: true, state: "draft" },
    { date: "2024-06-03", minutes: 45, billable: false, state: "approved" },
    { date: "2024-06-05", minutes: 60, billable: true, state: "rejected" },
    { date: "2024-06-09", minutes: 15, billable: true, state: "submitted" },
    { date: "2024-06-10", minutes: 600, billable: true, state: "draft" },
  ];
  const sum = totals(sheets, days);
  assert.equal(sum.byDay["2024-06-03"], 75);
  assert.equal(sum.byDay["2024-06-05"], 0);
  assert.equal(sum.byDay["2024-06-09"], 15);
  assert.equal(sum.week, 90);
  assert.equal(sum.billable, 45);
  const grouped = byDay(sheets, days);
  assert.equal(grouped["2024-06-03"].length, 2);
  assert.equal(grouped["2024-06-05"].length, 1); // still listed, with its reason, so it can be corrected
  assert.ok(!("2024-06-10" in grouped));
});

test("drafts and rejected sheets can change; submitted and approved ones cannot", () => {
  assert.deepEqual(["draft", "submitted", "approved", "rejected"].map((state) => editable({ state })), [true, false, false, true]);
});

test("a running timer's clock moves from what the API said; a paused one does not", () => {
  const readAt = 1_000_000;
  assert.equal(elapsedNow({ state: "running", elapsed_seconds: 100 }, readAt, readAt + 5_500), 105);
  assert.equal(elapsedNow({ state: "paused", elapsed_seconds: 100 }, readAt, readAt + 60_000), 100);
  assert.equal(elapsedNow(null, readAt, readAt), 0);
});

test("Approve buttons: admins on all, managers on their projects', nobody on their own sheet outside them", () => {
  const projects = [{ id: "p1", managers: ["m"] }, { id: "p2" }, { id: "p3", managers: ["x"] }];
  const managed = managedProjects(projects, "m");
  assert.deepEqual([...managed], ["p1"]);
  const own = { user_id: "m", project_id: "p2" };
  assert.equal(mayDecide(own, { id: "m", role: "admin" }, managed), true);
  assert.equal(mayDecide(own, { id: "m", role: "agent" }, managed), false);
  assert.equal(mayDecide({ user_id: "m", project_id: "p1" }, { id: "m", role: "agent" }, managed), true);
  // Another person's sheet is in the list only when the API chose it for the caller
  assert.equal(mayDecide({ user_id: "z", project_id: "p2" }, { id: "m", role: "agent" }, managed), true);
  assert.equal(mayDecide({ user_id: "a", project_id: null }, { id: "a", role: "agent" }, new Set()), false);
});
