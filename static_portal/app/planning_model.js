// The Gantt chart's and the calendar's arithmetic, without the DOM (tested under node in tests/js/).
// Dates are whole days "YYYY-MM-DD", both ends of a plan included (the API's convention); computed in UTC so a
// daylight-saving change never shifts a day.

const DAY_MS = 86_400_000;
const ISO = /^\d{4}-\d{2}-\d{2}$/;

export const isDay = (value) => typeof value === "string" && ISO.test(value);

const toMs = (day) => Date.parse(`${day}T00:00:00Z`);
const fromMs = (ms) => new Date(ms).toISOString().slice(0, 10);

export function addDays(day, n) {
  return fromMs(toMs(day) + n * DAY_MS);
}

/** Whole days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a, b) {
  return Math.round((toMs(b) - toMs(a)) / DAY_MS);
}

/** The Monday of the week `day` is in. */
export function mondayOf(day) {
  const weekday = (new Date(toMs(day)).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

/** Today in the browser's own calendar (what a person planning means by "today"). */
export function today(now = new Date()) {
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 10);
}

/** The plan of a row as a span of days: a start alone is a one-day plan, a finish alone too; none: null. */
export function planSpan(row) {
  const start = row.planned_start || row.planned_finish;
  const finish = row.planned_finish || row.planned_start;
  return start ? { start, finish } : null;
}

/** What really happened: started (and maybe finished). Work still going on runs to `now`. */
export function actualSpan(row, now) {
  if (!row.actual_start && !row.actual_finish) return null;
  const start = row.actual_start || row.actual_finish;
  const finish = row.actual_finish || (now > start ? now : start);
  return { start, finish, ongoing: !row.actual_finish };
}

/** Rows in plan order: by planned (else actual) start, undated last, then by reference number. */
export function sortRows(rows) {
  const key = (r) => r.planned_start || r.planned_finish || r.actual_start || "9999-12-31";
  const num = (r) => Number(String(r.ref).split("-")[1]) || 0;
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : num(a) - num(b)));
}

/**
 * The plan after a drag of `delta` days: "move" shifts both ends, "start" and "finish" move one end (never past
 * the other). Null when nothing changes.
 */
export function dragPlan(row, mode, delta) {
  const span = planSpan(row);
  if (!span || !delta) return null;
  let { start, finish } = span;
  if (mode === "move") {
    start = addDays(start, delta);
    finish = addDays(finish, delta);
  } else if (mode === "start") {
    start = addDays(start, delta);
    if (start > finish) start = finish;
  } else if (mode === "finish") {
    finish = addDays(finish, delta);
    if (finish < start) finish = start;
  }
  if (start === span.start && finish === span.finish) return null;
  return { planned_start: start, planned_finish: finish };
}

/** Days of a window [from, to] as x offsets: day i of the window starts at i * width. */
export function scale(from, to, width) {
  const days = daysBetween(from, to) + 1;
  return {
    days,
    width: days * width,
    x: (day) => daysBetween(from, day) * width,
    /** The bar of a span clipped to the window, or null when it lies outside. */
    bar(span) {
      if (!span || span.finish < from || span.start > to) return null;
      const start = span.start < from ? from : span.start;
      const finish = span.finish > to ? to : span.finish;
      return { x: daysBetween(from, start) * width, width: (daysBetween(start, finish) + 1) * width };
    },
  };
}

/**
 * Dependency lines: for each row with predecessors shown in the chart, from the predecessor's plan end to this
 * row's plan start. `places` maps a ref to {row index, bar} of what is drawn.
 */
export function links(rows, places) {
  const out = [];
  for (const row of rows) {
    const to = places.get(row.ref);
    if (!to) continue;
    for (const ref of row.predecessors || []) {
      const from = places.get(ref);
      if (from) out.push({ from: ref, to: row.ref, a: from, b: to, broken: (row.conflicts || []).some((c) => c.ref === ref) });
    }
  }
  return out;
}

/** An SVG path from the end of bar `a` to the start of bar `b` (rows `height` tall), with a short elbow. */
export function linkPath(a, b, height) {
  const y1 = a.row * height + height * 0.35;
  const y2 = b.row * height + height * 0.35;
  const x1 = a.bar.x + a.bar.width;
  const x2 = b.bar.x;
  const out = x1 + 6;
  if (x2 - 6 >= out) return `M ${x1} ${y1} H ${out} V ${y2} H ${x2}`;
  const mid = y2 > y1 ? y2 - height / 2 : y2 + height / 2;
  return `M ${x1} ${y1} H ${out} V ${mid} H ${x2 - 6} V ${y2} H ${x2}`;
}

/** The calendar's events of a row: its plan (draggable) and what really happened (not draggable). */
export function calendarEvents(rows, now) {
  const events = [];
  for (const row of rows) {
    const plan = planSpan(row);
    const conflict = (row.conflicts || []).length > 0;
    if (plan) {
      events.push({
        id: `plan:${row.ref}`, title: `${row.ref} ${row.title}`, start: plan.start, end: addDays(plan.finish, 1),
        allDay: true, editable: true, classNames: ["plan", conflict ? "conflict" : ""].filter(Boolean),
        extendedProps: { ref: row.ref, kind: "plan", row },
      });
    }
    const actual = actualSpan(row, now);
    if (actual) {
      events.push({
        id: `actual:${row.ref}`, title: `${row.ref} ${row.title} (actual${actual.ongoing ? ", ongoing" : ""})`,
        start: actual.start, end: addDays(actual.finish, 1), allDay: true, editable: false,
        classNames: ["actual"], extendedProps: { ref: row.ref, kind: "actual", row },
      });
    }
  }
  return events;
}

/** A calendar event's new place as a PATCH: the calendar's end is the day after the last one. */
export function planFromEvent(startStr, endStr) {
  const start = String(startStr).slice(0, 10);
  const finish = endStr ? addDays(String(endStr).slice(0, 10), -1) : start;
  return { planned_start: start, planned_finish: finish < start ? start : finish };
}

/** How a bar reads to a screen reader (and in its tooltip). */
export function describe(row, now) {
  const plan = planSpan(row);
  const actual = actualSpan(row, now);
  const parts = [`${row.ref} ${row.title}`];
  parts.push(plan ? `planned ${plan.start} to ${plan.finish}` : "not planned");
  if (actual) parts.push(actual.ongoing ? `started ${actual.start}` : `done ${actual.start} to ${actual.finish}`);
  const n = (row.conflicts || []).length;
  if (n) parts.push(n === 1 ? "1 conflict" : `${n} conflicts`);
  return parts.join(", ");
}
