// The time report screen's pure parts (tests/js/reports_model.test.js): its options ↔ the route and the API
// query, the default period, and minutes shown as hours.

export const GROUPS = [
  ["project", "Project"], ["portfolio", "Portfolio"], ["organization", "Organisation"], ["user", "Person"],
  ["billable", "Billable"], ["day", "Day"], ["week", "Week"], ["month", "Month"],
];
export const STATES = [["", "All but rejected"], ["draft", "Draft"], ["submitted", "Submitted"], ["approved", "Approved"], ["rejected", "Rejected"]];
export const OPTION_KEYS = ["group_by", "from", "to", "project_id", "organization_id", "user_id", "billable", "state"];

const pad = (n) => String(n).padStart(2, "0");

/** The calendar month of `today` (a Date, local time) as {from, to} dates. */
export function monthOf(today) {
  const y = today.getFullYear();
  const m = today.getMonth() + 1;
  const last = new Date(y, m, 0).getDate();
  return { from: `${y}-${pad(m)}-01`, to: `${y}-${pad(m)}-${pad(last)}` };
}

/** The report's options from the route's parameters: group by project and this month unless they say otherwise
 * (`from=all` / `to=all`: an open end). */
export function optionsFrom(params, today = new Date()) {
  const month = monthOf(today);
  const options = { group_by: "project", from: month.from, to: month.to };
  for (const key of OPTION_KEYS) {
    const value = params.get(key);
    if (value !== null) options[key] = value;
  }
  if (!GROUPS.some(([key]) => key === options.group_by)) options.group_by = "project";
  // "all" is an open end the person chose (an absent date means this month's).
  for (const key of ["from", "to"]) if (options[key] === "all") options[key] = "";
  return options;
}

/** The API query of these options: empty ones left out (an empty period is all time). */
export function queryOf(options, extra = {}) {
  const query = {};
  for (const key of OPTION_KEYS) if (options[key]) query[key] = options[key];
  return { ...query, ...extra };
}

/** 135 → "2:15" (hours and minutes, as the statement prints them). */
export function hoursText(minutes) {
  const m = Math.max(0, Math.round(Number(minutes) || 0));
  return `${Math.floor(m / 60)}:${pad(m % 60)}`;
}

/** The printable statement of one organisation for the report's period (a whole month when the report has none). */
export function statementHref(organizationId, options, today = new Date()) {
  const month = monthOf(today);
  const params = new URLSearchParams({ organization_id: organizationId, from: options.from || month.from, to: options.to || month.to, format: "html" });
  if (options.state) params.set("state", options.state);
  return `/v1/reports/time/statement?${params}`;
}

/** A download's file name from Content-Disposition (RFC 6266 filename* or filename), else the fallback. */
export function fileNameOf(disposition, fallback) {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition || "");
  if (star) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      return fallback;
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition || "");
  return plain ? plain[1] : fallback;
}
