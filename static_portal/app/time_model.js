// The pure part of the time screens: weeks (Monday first, as plain YYYY-MM-DD strings computed in UTC
// so a time zone can never shift a day), durations as h:mm, and the timesheet form's values → API bodies.
// No DOM here: tests/js/time_model.test.js runs it under node.
import { holds } from "./roles_model.js";

const DAY_MS = 86_400_000;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
export const MAX_MINUTES = 1440; // the API's bounds for one timesheet: 1 minute to a day

const toDate = (day) => new Date(`${day}T00:00:00Z`);
const toDay = (d) => d.toISOString().slice(0, 10);

export const isDay = (s) => DATE_RE.test(String(s || "")) && !Number.isNaN(toDate(s).getTime()) && toDay(toDate(s)) === s;

/** Today as YYYY-MM-DD in the browser's own calendar (the day a person means by "today"). */
export function today(now = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function addDays(day, n) {
  return toDay(new Date(toDate(day).getTime() + n * DAY_MS));
}

/** The week holding `day`: {start (Monday), end (Sunday), days: [7 × YYYY-MM-DD]}. */
export function weekOf(day) {
  const d = toDate(day);
  const start = addDays(day, -((d.getUTCDay() + 6) % 7));
  const days = Array.from({ length: 7 }, (_, i) => addDays(start, i));
  return { start, end: days[6], days };
}

/** The Monday `n` weeks after (or before, n < 0) the week holding `day`. */
export const shiftWeek = (day, n) => addDays(weekOf(day).start, 7 * n);

/** "Mon 3 Jun" — a day heading that reads the same in every time zone. */
export function dayLabel(day, locale) {
  return toDate(day).toLocaleDateString(locale, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
}

/** 90 → "1:30", 5 → "0:05", 0 → "0:00". */
export function formatMinutes(minutes) {
  const m = Math.max(0, Math.round(Number(minutes) || 0));
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}`;
}

/** A running clock: 3725 → "1:02:05". */
export function formatElapsed(seconds) {
  const s = Math.max(0, Math.floor(Number(seconds) || 0));
  const pad = (n) => String(n).padStart(2, "0");
  return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/** What a person types as a duration → minutes, or null: "1:30", "0:05", "90" (minutes), "1h30", "1.5h", "45m". */
export function parseDuration(text) {
  const s = String(text ?? "").trim().toLowerCase().replace(/\s+/g, "");
  let m;
  if ((m = s.match(/^(\d{1,2}):([0-5]\d)$/))) return Number(m[1]) * 60 + Number(m[2]);
  if ((m = s.match(/^(\d+)m?$/))) return Number(m[1]);
  if ((m = s.match(/^(\d+)h(?:(\d{1,2})m?)?$/))) return Number(m[1]) * 60 + Number(m[2] || 0);
  if ((m = s.match(/^(\d*\.\d+|\d+)h$/))) return Math.round(Number(m[1]) * 60);
  return null;
}

/**
 * The form's raw values → {ok: true, value} with the fields the API takes, or {ok: false, errors: {field: message}}.
 * values: {date, duration (text), billable (bool), note, percent_complete (text, "" = none), status ("" = no change)}.
 */
export function readSheetForm(values) {
  const errors = {};
  const minutes = parseDuration(values.duration);
  if (!isDay(values.date)) errors.date = "Choose a date.";
  if (minutes === null) errors.minutes = "Write the time as h:mm (1:30) or minutes (90).";
  else if (minutes < 1 || minutes > MAX_MINUTES) errors.minutes = "Between 0:01 and 24:00.";
  const pctText = String(values.percent_complete ?? "").trim();
  const pct = pctText === "" ? null : Number(pctText);
  if (pct !== null && !(Number.isInteger(pct) && pct >= 0 && pct <= 100)) errors.percent_complete = "A whole number from 0 to 100, or empty.";
  const note = String(values.note ?? "");
  if (note.length > 2000) errors.note = "At most 2000 characters.";
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { date: values.date, minutes, billable: !!values.billable, note, percent_complete: pct, status: values.status || null } };
}

/** POST /v1/timesheets body for an item: optional fields left out when empty (the API's defaults apply). */
export function createBody(itemRef, value) {
  const body = { item_ref: itemRef, date: value.date, minutes: value.minutes, billable: value.billable, note: value.note };
  if (value.percent_complete !== null) body.percent_complete = value.percent_complete;
  if (value.status) body.status = value.status;
  return body;
}

/** PATCH /v1/timesheets/{id} body: only what differs from the sheet (null clears % complete or the status). */
export function patchBody(sheet, value) {
  const patch = {};
  for (const key of ["date", "minutes", "billable", "note", "percent_complete", "status"]) {
    const before = sheet[key] ?? (key === "note" ? "" : null);
    if (value[key] !== before) patch[key] = value[key];
  }
  return patch;
}

/** Totals of a week's sheets: {byDay: {day: minutes}, week, billable} (rejected ones count for nothing). */
export function totals(sheets, days) {
  const perDay = Object.fromEntries(days.map((d) => [d, 0]));
  let week = 0;
  let billable = 0;
  for (const s of sheets) {
    if (s.state === "rejected" || !(s.date in perDay)) continue;
    perDay[s.date] += s.minutes;
    week += s.minutes;
    if (s.billable) billable += s.minutes;
  }
  return { byDay: perDay, week, billable };
}

/** Sheets grouped by day for the week's table, each day's rows oldest first. */
export function byDay(sheets, days) {
  const out = Object.fromEntries(days.map((d) => [d, []]));
  for (const s of sheets) if (s.date in out) out[s.date].push(s);
  for (const rows of Object.values(out)) rows.sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
  return out;
}

/** Sheets the owner may still change or delete (approved ones are locked, submitted ones await a decision). */
export const editable = (sheet) => sheet.state === "draft" || sheet.state === "rejected";
export const submittable = editable;

/** The timer's seconds now, from what the API said at `readAt` (ms) — a paused timer does not move. */
export function elapsedNow(timer, readAt, now = Date.now()) {
  if (!timer) return 0;
  const extra = timer.state === "running" ? Math.max(0, Math.floor((now - readAt) / 1000)) : 0;
  return timer.elapsed_seconds + extra;
}

/** Ids of the projects whose `managers` list this person (projects gain `managers` with the approval work). */
export function managedProjects(projects, userId) {
  return new Set((projects || []).filter((p) => (p.managers || []).includes(userId)).map((p) => p.id));
}

/**
 * May this caller decide on this submitted sheet? Holders of time.approve (admins) decide all; a manager those of their projects. Another
 * person's sheet in the list means the API chose it for the caller. The caller's own sheet outside the projects
 * they manage is never theirs to decide: the list answers agents their own sheets when it does not know
 * `approvable`, and those must not get Approve buttons.
 */
export function mayDecide(sheet, me, managed) {
  if (holds(me, "time.approve")) return true;
  if (sheet.project_id && managed.has(sheet.project_id)) return true;
  return sheet.user_id !== me.id;
}
