// Time reports (`#/reports`): time grouped by project, portfolio, organisation, person, billable, day, week or
// month over a period, with filters; totals; CSV and XLSX downloads; an organisation's printable statement.
// Options live in the route (`#/reports?group_by=user&from=…`), so a reload or a shared link shows the same report.
import { ApiError, get, getAll, searchParams } from "../js/api.js";
import { field, h, notice } from "../js/dom.js";
import { go } from "../js/router.js";
import { defineView } from "../js/view.js";
import { page } from "./state.js";
import * as look from "./lookups.js";
import { GROUPS, STATES, fileNameOf, hoursText, optionsFrom, queryOf, statementHref } from "./reports_model.js";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const GROUP_NAMES = Object.fromEntries(GROUPS);

function select(name, choices, value) {
  return h("select", { name }, choices.map(([key, label]) => h("option", { value: key, selected: key === (value || ""), text: label })));
}

function optionsForm(options, lists) {
  const admin = look.may("time.read_all");
  const groupBy = select("group_by", GROUPS, options.group_by);
  const from = h("input", { type: "date", name: "from", value: options.from || "" });
  const to = h("input", { type: "date", name: "to", value: options.to || "" });
  const project = select("project_id", [["", "All projects"], ...lists.projects.map((p) => [p.id, p.name])], options.project_id);
  const org = select("organization_id", [["", "All organisations"], ...lists.organizations.map((o) => [o.id, o.name])], options.organization_id);
  const person = admin ? select("user_id", [["", "Everybody"], ...lists.staff.map((u) => [u.id, u.name || u.email])], options.user_id) : null;
  const billable = select("billable", [["", "Billable or not"], ["true", "Billable only"], ["false", "Not billable only"]], options.billable);
  const state = select("state", STATES, options.state);
  const controls = { group_by: groupBy, from, to, project_id: project, organization_id: org, user_id: person, billable, state };
  return h("form", { class: "card", "aria-label": "Report options", onsubmit: (e) => {
    e.preventDefault();
    const chosen = {};
    for (const [key, control] of Object.entries(controls)) if (control && control.value) chosen[key] = control.value;
    // An emptied date is an open end: say so in the route ("all"), or the default month would come back.
    chosen.from = from.value || "all";
    chosen.to = to.value || "all";
    go("/reports", chosen);
  } },
  h("div", { class: "field-grid" },
    field("Group by", groupBy), field("From", from, { help: "Empty: from the start" }), field("To", to),
    field("Project", project), field("Organisation", org), person ? field("Person", person) : null,
    field("Billable", billable), field("State", state)),
  h("div", { class: "row" }, h("button", { type: "submit", text: "Show report" }),
    admin ? null : h("span", { class: "muted", text: "Your own time." })));
}

/** An authenticated download (the session cookie rides along) saved under the server's file name. */
async function download(options, format, out) {
  const url = new URL("/v1/reports/time", location.origin);
  for (const [k, v] of searchParams(queryOf(options, { format }))) url.searchParams.append(k, v);
  out.replaceChildren();
  try {
    const res = await fetch(url, { headers: { Accept: format === "xlsx" ? XLSX : "text/csv" }, credentials: "same-origin", cache: "no-store" });
    if (!res.ok) {
      const e = (await res.json().catch(() => null))?.error || {};
      throw new ApiError(res.status, e.code, e.message || `HTTP ${res.status}`, e.details);
    }
    const blob = await res.blob();
    const link = document.createElement("a"); // not h(): its href check refuses blob: URLs, rightly for data
    link.href = URL.createObjectURL(blob);
    link.download = fileNameOf(res.headers.get("Content-Disposition"), `time-report.${format}`);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } catch (err) {
    out.append(notice("error", `The download failed: ${err.message}`));
  }
}

function reportTable(report, options) {
  const byOrg = report.group_by === "organization";
  const num = (minutes, key) => h("td", { class: "num", dataset: key ? { total: key } : undefined, title: `${minutes} min`, text: hoursText(minutes) });
  const row = (r) => h("tr", { dataset: { group: r.group ?? "" } },
    h("th", { scope: "row", text: r.name }), num(r.minutes), num(r.billable_minutes), h("td", { class: "num", text: String(r.count) }),
    byOrg ? h("td", {}, r.group ? h("a", { href: statementHref(r.group, options), target: "_blank", rel: "noopener", text: "Statement" }) : null) : null);
  const t = report.total;
  return h("div", { class: "card table-card" },
    h("table", { class: "items-table report-table" },
      h("caption", { class: "sr-only", text: `Time by ${GROUP_NAMES[report.group_by].toLowerCase()}` }),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col", text: GROUP_NAMES[report.group_by] }), h("th", { scope: "col", class: "num", text: "Hours" }),
        h("th", { scope: "col", class: "num", text: "Billable hours" }), h("th", { scope: "col", class: "num", text: "Timesheets" }),
        byOrg ? h("th", { scope: "col", text: "Statement" }) : null)),
      h("tbody", {}, report.rows.length ? report.rows.map(row) : h("tr", {}, h("td", { colspan: byOrg ? 5 : 4, class: "muted", text: "No time recorded for these options." }))),
      h("tfoot", {}, h("tr", { class: "total" },
        h("th", { scope: "row", text: "Total" }), num(t.minutes, "minutes"), num(t.billable_minutes, "billable"),
        h("td", { class: "num", dataset: { total: "count" }, text: String(t.count) }), byOrg ? h("td", {}) : null))));
}

export function reportsView(route) {
  const options = optionsFrom(route.params);
  const table = h("div", {});
  const out = h("div", { "aria-live": "polite" });
  const lists = async () => {
    const [projects, organizations, staff] = await Promise.all([
      look.projects().catch(() => []),
      look.cached("organizations", () => getAll("/v1/organizations", {}, 1000)).catch(() => []),
      look.may("time.read_all") ? look.staff().catch(() => []) : [],
    ]);
    return { projects, organizations, staff };
  };
  return defineView({
    load: () => Promise.all([get("/v1/reports/time", queryOf(options)), lists()]),
    render: ([report, known]) => {
      table.replaceChildren(reportTable(report, options));
      page("Time reports", optionsForm(options, known),
        h("div", { class: "row" },
          h("button", { type: "button", class: "secondary", onclick: () => download(options, "csv", out), text: "Download CSV" }),
          h("button", { type: "button", class: "secondary", onclick: () => download(options, "xlsx", out), text: "Download XLSX" })),
        out, table);
    },
    update: ([report]) => table.replaceChildren(reportTable(report, options)),
  });
}
