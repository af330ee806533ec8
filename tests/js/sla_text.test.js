// SLA targets with the time left, from the clocks the API keeps on the item.
import { test } from "node:test";
import assert from "node:assert/strict";
import { slaTargets, formatDuration } from "../../static_portal/app/sla_text.js";

const NOW = Date.parse("2031-05-20T10:00:00Z");

test("a running target says how long is left and turns to warning after its warning time", () => {
  const sla = { policy: "Gold", clocks: {
    resolution: { due_at: "2031-05-20T12:05:00Z", warning_at: "2031-05-20T11:00:00Z", pauses: [] },
    first_response: { due_at: "2031-05-20T10:30:00Z", warning_at: "2031-05-20T09:50:00Z", pauses: [] },
  } };
  const [first, resolution] = slaTargets(sla, NOW);
  assert.deepEqual([first.key, first.state, first.text], ["first_response", "warning", "Due in 30 min"]);
  assert.deepEqual([resolution.name, resolution.state, resolution.text], ["Resolution", "running", "Due in 2 h 5 min"]);
});

test("overdue, met and paused targets say so", () => {
  const sla = { clocks: {
    first_response: { due_at: "2031-05-20T08:45:00Z", pauses: [] },
    resolution: { due_at: null, pauses: [["2031-05-20T09:00:00Z", null]] },
    other: { met_at: "2031-05-19T10:00:00Z", breached: true },
  } };
  const texts = slaTargets(sla, NOW).map((t) => `${t.state}: ${t.text}`);
  assert.deepEqual(texts, ["overdue: Overdue by 1 h 15 min", "paused: Paused while waiting on the customer", "met: Met, late"]);
});

test("no clocks, no targets; durations never say 0 min", () => {
  assert.deepEqual(slaTargets({}, NOW), []);
  assert.deepEqual(slaTargets(null, NOW), []);
  assert.equal(formatDuration(20_000), "less than a minute");
  assert.equal(formatDuration(3 * 86_400_000 + 4 * 3_600_000), "3 d 4 h");
});
