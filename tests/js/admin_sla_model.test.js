// The SLA policy form's conversions (static_portal/app/admin_sla_model.js).
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  checkSla, datesFromText, describeTargets, hoursFromMinutes, minutesFromHours, slaFromForm, slaToForm,
} from "../../static_portal/app/admin_sla_model.js";

test("targets are typed in hours and stored in whole minutes", () => {
  assert.equal(minutesFromHours("1.5"), 90);
  assert.equal(minutesFromHours("0,25"), 15);
  assert.equal(minutesFromHours(" "), null);
  assert.equal(minutesFromHours("soon"), "soon"); // left for the API to refuse by name
  assert.equal(hoursFromMinutes(90), "1.5");
  assert.equal(hoursFromMinutes(null), "");
});

test("a stored policy goes through the form and back unchanged", () => {
  // Given a policy as the API returns it
  const stored = {
    id: "p1", version: 3, created_at: "2026-01-01T00:00:00Z",
    name: "VIP", first_response_minutes: 60, resolution_minutes: 480, warning_percent: 75, enabled: true, position: 2,
    calendar: { timezone: "Europe/Paris", working_days: [0, 1, 2, 3, 4], start: "08:00", end: "18:00",
      holiday_country: "FR", holiday_subdivision: null, extra_holidays: ["2026-12-24"] },
    match: { type_ids: ["t1"], priorities: ["urgent"], organization_ids: [] },
  };
  // When it is shown in the form and saved without a change
  const body = slaFromForm(slaToForm(stored));
  // Then the body carries every editable field as stored
  const { id, version, created_at: createdAt, ...editable } = stored;
  assert.ok(id && version && createdAt);
  assert.deepEqual(body, editable);
});

test("a new policy starts from the API's defaults and around the clock means 00:00–24:00", () => {
  const form = slaToForm(null);
  assert.deepEqual(form.working_days, [0, 1, 2, 3, 4]);
  assert.equal(form.warning_percent, "80");
  const body = slaFromForm({ ...form, name: "24/7", first_response_hours: "2", around_the_clock: true, working_days: new Set([6, 0, 3]) });
  assert.equal(body.calendar.start, "00:00");
  assert.equal(body.calendar.end, "24:00");
  assert.deepEqual(body.calendar.working_days, [0, 3, 6]);
  assert.equal(body.first_response_minutes, 120);
  assert.equal(body.resolution_minutes, null);
});

test("extra holidays may be typed one per line or with commas", () => {
  assert.deepEqual(datesFromText("2026-12-25, 2026-12-24\n2026-12-25"), ["2026-12-24", "2026-12-25"]);
});

test("the form check asks for a name, a target and a working day", () => {
  const body = slaFromForm({ ...slaToForm(null), working_days: [] });
  assert.deepEqual(checkSla(body).map((e) => e.field), ["name", "first_response_minutes", "calendar.working_days"]);
  assert.deepEqual(checkSla(slaFromForm({ ...slaToForm(null), name: "x", resolution_hours: "0.001" })).map((e) => e.field), ["resolution_minutes"]);
});

test("the list names the targets in hours", () => {
  assert.equal(describeTargets({ first_response_minutes: 90, resolution_minutes: 960 }), "first response 1.5 h, resolution 16 h");
  assert.equal(describeTargets({}), "no targets");
});
