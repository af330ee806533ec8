// The time report screen's pure parts (static_portal/app/reports_model.js).
import { test } from "node:test";
import assert from "node:assert/strict";

import { fileNameOf, hoursText, monthOf, optionsFrom, queryOf, statementHref } from "../../static_portal/app/reports_model.js";

test("the default report is this month by project, and the route's options win", () => {
  const today = new Date(2026, 1, 14); // 14 February 2026
  assert.deepEqual(monthOf(today), { from: "2026-02-01", to: "2026-02-28" });
  assert.deepEqual(optionsFrom(new URLSearchParams(""), today), { group_by: "project", from: "2026-02-01", to: "2026-02-28" });
  const chosen = optionsFrom(new URLSearchParams("group_by=week&from=2026-01-05&to=&billable=true"), today);
  assert.deepEqual(chosen, { group_by: "week", from: "2026-01-05", to: "", billable: "true" });
  assert.equal(optionsFrom(new URLSearchParams("group_by=colour"), today).group_by, "project");
  // An open end the person chose stays open
  const open = optionsFrom(new URLSearchParams("from=all&to=2026-01-31"), today);
  assert.deepEqual([open.from, open.to], ["", "2026-01-31"]);
});

test("the API query leaves empty options out and adds the download format", () => {
  const query = queryOf({ group_by: "user", from: "2026-01-05", to: "", billable: "true", state: "" }, { format: "csv" });
  assert.deepEqual(query, { group_by: "user", from: "2026-01-05", billable: "true", format: "csv" });
});

test("minutes read as hours and minutes", () => {
  assert.equal(hoursText(135), "2:15");
  assert.equal(hoursText(5), "0:05");
  assert.equal(hoursText(null), "0:00");
});

test("an organisation's statement covers the report's period, else this month", () => {
  const today = new Date(2026, 2, 3);
  assert.equal(statementHref("o1", { from: "2026-01-01", to: "2026-01-31" }, today),
    "/v1/reports/time/statement?organization_id=o1&from=2026-01-01&to=2026-01-31&format=html");
  assert.match(statementHref("o 2", { state: "approved" }, today), /organization_id=o\+2&from=2026-03-01&to=2026-03-31&format=html&state=approved$/);
});

test("a download keeps the server's file name", () => {
  assert.equal(fileNameOf("attachment; filename*=UTF-8''time-by-project%202026.csv", "x.csv"), "time-by-project 2026.csv");
  assert.equal(fileNameOf('attachment; filename="report.xlsx"', "x.xlsx"), "report.xlsx");
  assert.equal(fileNameOf(null, "x.csv"), "x.csv");
});
