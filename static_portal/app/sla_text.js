// An item's SLA targets in words ("First response: due in 2 h 5 min"), from `item.sla` as the API
// keeps it (src/tandem/domain/sla.py, services/sla_clocks.py): {policy, clocks: {first_response:
// {due_at, warning_at, met_at, pauses, breached, …}, resolution: {…}}}. Pure, for node's test runner.

export const TARGET_NAMES = { first_response: "First response", resolution: "Resolution" };
const ORDER = ["first_response", "resolution"];

/** 125 minutes → "2 h 5 min"; days past one day; never "0 min". */
export function formatDuration(ms) {
  const minutes = Math.floor(Math.abs(ms) / 60000);
  if (minutes < 1) return "less than a minute";
  const d = Math.floor(minutes / 1440);
  const hrs = Math.floor((minutes % 1440) / 60);
  const min = minutes % 60;
  if (d) return hrs ? `${d} d ${hrs} h` : `${d} d`;
  if (hrs) return min ? `${hrs} h ${min} min` : `${hrs} h`;
  return `${min} min`;
}

const paused = (clock) => Array.isArray(clock.pauses) && clock.pauses.length > 0 && !clock.pauses[clock.pauses.length - 1]?.[1];

/**
 * slaTargets(sla, now) → [{key, name, state, text, dueAt}]
 * state: met | paused | overdue | warning | running | none (the order the API sets the clocks in).
 */
export function slaTargets(sla, now = Date.now()) {
  const clocks = (sla && typeof sla === "object" && sla.clocks) || {};
  const keys = [...ORDER.filter((k) => clocks[k]), ...Object.keys(clocks).filter((k) => !ORDER.includes(k))];
  const at = typeof now === "number" ? now : new Date(now).getTime();
  return keys.map((key) => {
    const clock = clocks[key] || {};
    const name = TARGET_NAMES[key] || key.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
    const base = { key, name, dueAt: clock.due_at || null };
    if (clock.met_at) return { ...base, state: "met", text: clock.breached ? "Met, late" : "Met" };
    if (paused(clock)) return { ...base, state: "paused", text: "Paused while waiting on the customer" };
    const due = clock.due_at ? new Date(clock.due_at).getTime() : NaN;
    if (!Number.isFinite(due)) return { ...base, state: "none", text: "No due time" };
    if (at >= due) return { ...base, state: "overdue", text: `Overdue by ${formatDuration(at - due)}` };
    const warning = clock.warning_at ? new Date(clock.warning_at).getTime() : NaN;
    const state = Number.isFinite(warning) && at >= warning ? "warning" : "running";
    return { ...base, state, text: `Due in ${formatDuration(due - at)}` };
  });
}
