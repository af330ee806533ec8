// SLA policy form ↔ API JSON (pure; tests/js/admin_sla_model.test.js). Targets are edited in hours (what admins
// think in) and stored in minutes; working days are 0 = Monday … 6 = Sunday as in domain/sla_calendar.py.

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** "1.5" hours → 90 minutes; empty → null (no target); anything else is passed on for the API to refuse. */
export function minutesFromHours(text) {
  const s = String(text ?? "").trim().replace(",", ".");
  if (s === "") return null;
  const n = Number(s);
  return Number.isFinite(n) ? Math.round(n * 60) : s;
}

export function hoursFromMinutes(minutes) {
  if (minutes == null) return "";
  return String(Math.round((minutes / 60) * 100) / 100);
}

/** Dates typed one per line or separated by commas/spaces → a sorted list without repeats. */
export function datesFromText(text) {
  return [...new Set(String(text ?? "").split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean))].sort();
}

const DEFAULT_CALENDAR = { timezone: "UTC", working_days: [0, 1, 2, 3, 4], start: "09:00", end: "17:00", holiday_country: null, holiday_subdivision: null, extra_holidays: [] };

/** A stored policy (or nothing, for a new one) → the form's plain values. */
export function slaToForm(policy) {
  const p = policy || {};
  const cal = { ...DEFAULT_CALENDAR, ...(p.calendar || {}) };
  const match = p.match || {};
  return {
    name: p.name || "",
    first_response_hours: hoursFromMinutes(p.first_response_minutes),
    resolution_hours: hoursFromMinutes(p.resolution_minutes),
    warning_percent: String(p.warning_percent ?? 80),
    enabled: p.enabled ?? true,
    position: String(p.position ?? 0),
    timezone: cal.timezone,
    working_days: cal.working_days.map(Number),
    around_the_clock: cal.start === "00:00" && cal.end === "24:00",
    start: cal.start,
    end: cal.end,
    holiday_country: cal.holiday_country || "",
    holiday_subdivision: cal.holiday_subdivision || "",
    extra_holidays: cal.extra_holidays.join("\n"),
    type_ids: match.type_ids || [],
    priorities: match.priorities || [],
    organization_ids: match.organization_ids || [],
  };
}

const intOr = (s, fallback) => {
  const t = String(s ?? "").trim();
  return t === "" ? fallback : Number.isInteger(Number(t)) ? Number(t) : t;
};

/** The form's values → the API's body (create or full update). */
export function slaFromForm(f) {
  return {
    name: String(f.name || "").trim(),
    first_response_minutes: minutesFromHours(f.first_response_hours),
    resolution_minutes: minutesFromHours(f.resolution_hours),
    warning_percent: intOr(f.warning_percent, 80),
    enabled: !!f.enabled,
    position: intOr(f.position, 0),
    calendar: {
      timezone: String(f.timezone || "UTC").trim(),
      working_days: [...f.working_days].map(Number).sort((a, b) => a - b),
      start: f.around_the_clock ? "00:00" : f.start,
      end: f.around_the_clock ? "24:00" : f.end,
      holiday_country: String(f.holiday_country || "").trim().toUpperCase() || null,
      holiday_subdivision: String(f.holiday_subdivision || "").trim().toUpperCase() || null,
      extra_holidays: datesFromText(f.extra_holidays),
    },
    match: { type_ids: [...f.type_ids], priorities: [...f.priorities], organization_ids: [...f.organization_ids] },
  };
}

/** What the form must hold before it is sent: [{field: API path, message}]. */
export function checkSla(body) {
  const errors = [];
  if (!body.name) errors.push({ field: "name", message: "A name is required." });
  if (body.first_response_minutes == null && body.resolution_minutes == null) {
    errors.push({ field: "first_response_minutes", message: "Give at least one target." });
  }
  for (const key of ["first_response_minutes", "resolution_minutes"]) {
    const v = body[key];
    if (v != null && !(Number.isInteger(v) && v >= 1)) errors.push({ field: key, message: "A number of hours, at least one minute." });
  }
  if (!body.calendar.working_days.length) errors.push({ field: "calendar.working_days", message: "Choose at least one working day." });
  return errors;
}

/** "first response 4 h, resolution 16 h" (business hours) for the list. */
export function describeTargets(policy) {
  const show = (m) => `${hoursFromMinutes(m)} h`;
  return [
    policy.first_response_minutes ? `first response ${show(policy.first_response_minutes)}` : "",
    policy.resolution_minutes ? `resolution ${show(policy.resolution_minutes)}` : "",
  ].filter(Boolean).join(", ") || "no targets";
}
