// #/time/approvals: the submitted timesheets the caller may decide (admins: all; a project's managers: those of
// their projects), each approved or rejected with a reason the owner reads. The list asks the API for
// `approvable=true` and still keeps only the rows `mayDecide` allows, so a plain agent never gets a button the
// API would refuse, whatever the API version.
import { h, field, notice } from "../js/dom.js";
import { defineView } from "../js/view.js";
import { page } from "./state.js";
import * as look from "./lookups.js";
import { dayLabel, formatMinutes, managedProjects, mayDecide } from "./time_model.js";
import { approvable, approveSheet, itemInfos, rejectSheet } from "./time_api.js";
import { holds } from "./roles_model.js";

const COLUMNS = ["Person", "Item", "Date", "Time", "Billable", "Note", "Decision"];
export const itemCell = (ref, info) => [h("a", { href: `#/items/${encodeURIComponent(ref)}`, class: "ref", text: ref }), info?.title ? ` ${info.title}` : ""];

/** Whether to offer the approval queue: admins, and managers of any project (once projects list them). */
export async function approvalsAllowed() {
  const me = look.session.me;
  if (!me || me.role === "customer") return false;
  if (holds(me, "time.approve")) return true;
  const projects = await look.projects().catch(() => []);
  return managedProjects(projects, me.id).size > 0;
}

export function approvalsView() {
  const tbody = h("tbody", {});
  const flash = h("div", { "aria-live": "polite" });
  const empty = h("p", { class: "muted", hidden: true });
  const say = (n) => flash.replaceChildren(n || "");
  let force = true;

  const decided = async (run, what) => {
    force = true;
    try {
      await run();
      say(notice("ok", what));
    } catch (err) {
      say(notice("error", err.status === 409 ? "Someone decided on it meanwhile; the list is up to date now." : err.message));
    }
    await view.refresh().catch(() => {});
  };

  const rejectForm = (sheet, who, cell) => {
    const reason = h("textarea", { name: "reason", rows: 2, maxlength: 1000, required: true });
    const wrap = field("Reason", reason, { required: true, help: "The owner reads it and corrects the time" });
    const form = h("form", { class: "reject-form", "aria-label": `Reject ${who}`, novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      wrap.setError("");
      if (!reason.value.trim()) return (wrap.setError("Say why, so the time can be corrected."), reason.focus());
      form.querySelectorAll("button").forEach((b) => (b.disabled = true));
      decided(() => rejectSheet(sheet.id, reason.value.trim()), `Rejected ${who}.`);
    } }, wrap, h("div", { class: "row" },
      h("button", { type: "submit", class: "danger", text: "Reject" }),
      h("button", { type: "button", class: "link", text: "Cancel", onclick: () => cell.replaceChildren(h("div", { class: "row" }, buttons(sheet, who, cell))) })));
    cell.replaceChildren(form);
    reason.focus();
  };

  const buttons = (sheet, who, cell) => [
    h("button", { type: "button", "aria-label": `Approve ${who}`, text: "Approve", onclick: (e) => {
      e.target.disabled = true;
      decided(() => approveSheet(sheet.id), `Approved ${who}.`);
    } }),
    h("button", { type: "button", class: "secondary", "aria-label": `Reject ${who}`, text: "Reject", onclick: () => rejectForm(sheet, who, cell) }),
  ];

  const row = (sheet, info) => {
    const person = look.people.name(sheet.user_id, "someone");
    const who = `${formatMinutes(sheet.minutes)} of ${person} on ${sheet.item_ref}, ${dayLabel(sheet.date)}`;
    const cell = h("td", { class: "actions", "data-label": "Decision" });
    cell.append(h("div", { class: "row" }, buttons(sheet, who, cell)));
    return h("tr", { dataset: { id: sheet.id } },
      h("td", { "data-label": "Person", text: person }),
      h("td", { class: "title", "data-label": "Item" }, itemCell(sheet.item_ref, info)),
      h("td", { "data-label": "Date" }, h("time", { datetime: sheet.date, text: dayLabel(sheet.date) })),
      h("td", { class: "minutes", "data-label": "Time", text: formatMinutes(sheet.minutes) }),
      h("td", { "data-label": "Billable", text: sheet.billable ? "Yes" : "No" }),
      h("td", { "data-label": "Note", text: sheet.note || "" }),
      cell);
  };

  const fill = (data) => {
    if (!force && (tbody.contains(document.activeElement) || tbody.querySelector("form"))) return;
    force = false;
    tbody.replaceChildren(...data.rows.map((s) => row(s, data.items[s.item_ref])));
    empty.hidden = data.rows.length > 0;
    empty.textContent = data.allowed ? "Nothing waits for your decision." : "Nothing waits for your decision. Admins and the managers of a project approve its time.";
  };

  const view = defineView({
    load: async () => {
      const me = look.session.me;
      const [sheets, projects] = await Promise.all([approvable(), look.projects().catch(() => [])]);
      const managed = managedProjects(projects, me.id);
      const rows = sheets.filter((s) => s.state === "submitted" && mayDecide(s, me, managed))
        .sort((a, b) => a.date.localeCompare(b.date) || String(a.created_at).localeCompare(String(b.created_at)));
      const [items] = await Promise.all([itemInfos(rows.map((s) => s.item_ref)), look.people.resolve(rows.map((s) => s.user_id))]);
      return { rows, items, allowed: holds(me, "time.approve") || managed.size > 0 };
    },
    render: (data) => {
      page("Approvals", flash,
        h("p", {}, "Submitted time waiting for a decision. Approved time is locked; rejected time goes back to its owner with your reason. ",
          h("a", { href: "#/time", text: "My time" })),
        h("section", { class: "card table-card", "aria-label": "Submitted time" },
          empty,
          h("table", { class: "items-table approvals-table" },
            h("caption", { class: "sr-only", text: "Submitted timesheets" }),
            h("thead", {}, h("tr", {}, COLUMNS.map((t) => h("th", { scope: "col", text: t })))), tbody)));
      fill(data);
    },
    update: fill,
  });
  return view;
}
