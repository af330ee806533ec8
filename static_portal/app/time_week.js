// #/time: the signed-in person's timesheet week (Monday to Sunday, ?week=any day of it): rows per day with the
// item, time as h:mm, billable and state, totals per day and for the week; add time by hand (item picker), edit
// or delete drafts, submit one or every draft of the week; the running timer with its controls on top.
import { h, notice } from "../js/dom.js";
import { defineView } from "../js/view.js";
import { page } from "./state.js";
import * as look from "./lookups.js";
import { byDay, dayLabel, editable, formatMinutes, isDay, shiftWeek, today, totals, weekOf } from "./time_model.js";
import { deleteSheet, itemInfos, submitSheet, weekSheets } from "./time_api.js";
import { sheetForm } from "./timesheet_form.js";
import { timerCard } from "./item_timer.js";
import { itemPicker } from "./item_picker.js";
import { approvalsAllowed, itemCell } from "./time_approvals.js";

const STATES = { draft: "Draft", submitted: "Submitted", approved: "Approved", rejected: "Rejected" };
const COLUMNS = ["Item", "Time", "Billable", "State", "Note", "Actions"];

export const stateBadge = (sheet) => h("span", { class: ["badge", "sheet-state", `sheet-${sheet.state}`], text: STATES[sheet.state] || sheet.state });

export function timeWeekView(route) {
  const asked = route.params.get("week");
  const week = weekOf(isDay(asked) ? asked : today());
  const tbody = h("tbody", {});
  const tfoot = h("tfoot", {});
  const editor = h("div", {});
  const flash = h("div", { "aria-live": "polite" });
  const submitAll = h("button", { type: "button", class: "secondary", hidden: true });
  const say = (n) => flash.replaceChildren(n || "");
  const clock = timerCard({ onSheet: () => view.refresh() });
  let shown = null;
  let force = false; // after the person's own change the table is redrawn even where their focus is

  /** Run a change, say how it went, then read the week again. */
  const change = async (button, run, done) => {
    if (button) button.disabled = true;
    force = true;
    try {
      await run();
      say(notice("ok", done));
    } catch (err) {
      say(notice("error", err.message));
    }
    await view.refresh().catch(() => {});
  };

  const openEditor = (form) => {
    editor.replaceChildren(form);
    form.querySelector("input, select, textarea")?.focus();
  };
  const closeEditor = () => editor.replaceChildren();
  const saved = (result, what) => {
    closeEditor();
    force = true;
    say(result.error ? notice("error", `Saved as a draft, but not submitted: ${result.error.message}`) : notice("ok", what));
    view.refresh().catch(() => {});
  };

  const edit = (sheet, info) => openEditor(sheetForm({
    item: info || { ref: sheet.item_ref, kind: "" }, sheet, title: `Edit time on ${sheet.item_ref}, ${dayLabel(sheet.date)}`,
    onCancel: closeEditor, onDone: (r) => saved(r, "Time saved."),
  }));

  const addTime = () => {
    const date = week.days.includes(today()) ? today() : week.start;
    openEditor(h("section", { class: "card", "aria-label": "Add time" },
      h("h3", { text: "Add time" }),
      itemPicker({ onPick: (item) => openEditor(sheetForm({ item, initial: { date }, onCancel: closeEditor,
        onDone: (r) => saved(r, r.submitted ? "Time submitted for approval." : "Time saved as a draft.") })) }),
      h("button", { type: "button", class: "link", text: "Cancel", onclick: closeEditor })));
  };

  const row = (sheet, info) => {
    const what = `${sheet.item_ref}, ${dayLabel(sheet.date)}`;
    const acts = editable(sheet) ? [
      h("button", { type: "button", class: "link", "aria-label": `Edit time on ${what}`, text: "Edit", onclick: () => edit(sheet, info) }),
      h("button", { type: "button", class: "link", "aria-label": `Submit time on ${what}`, text: "Submit",
        onclick: (e) => change(e.target, () => submitSheet(sheet.id), `Time on ${sheet.item_ref} submitted for approval.`) }),
      h("button", { type: "button", class: "link", "aria-label": `Delete time on ${what}`, text: "Delete", onclick: (e) => {
        if (confirm(`Delete ${formatMinutes(sheet.minutes)} on ${what}?`)) change(e.target, () => deleteSheet(sheet.id), "Time deleted.");
      } }),
    ] : [];
    return h("tr", { dataset: { id: sheet.id, state: sheet.state } },
      h("td", { class: "title", "data-label": "Item" }, itemCell(sheet.item_ref, info)),
      h("td", { class: "minutes", "data-label": "Time", text: formatMinutes(sheet.minutes) }),
      h("td", { "data-label": "Billable", text: sheet.billable ? "Yes" : "No" }),
      h("td", { "data-label": "State" }, stateBadge(sheet), sheet.state === "rejected" && sheet.reason ? h("span", { class: "muted", text: ` ${sheet.reason}` }) : null),
      h("td", { "data-label": "Note", text: sheet.note || "" }),
      h("td", { class: "actions", "data-label": "Actions" }, acts.length ? h("div", { class: "row" }, acts) : null));
  };

  const fillTable = (data) => {
    if (!force && shown && tbody.contains(document.activeElement)) return; // a live refresh leaves a focused row alone
    force = false;
    const days = byDay(data.sheets, week.days);
    const sum = totals(data.sheets, week.days);
    tbody.replaceChildren(...week.days.flatMap((day) => [
      h("tr", { class: "day-row", dataset: { day } },
        h("th", { scope: "rowgroup", text: dayLabel(day) }),
        h("td", { class: ["minutes", days[day].length ? null : "muted"], "data-label": "Day total", "aria-label": `Total ${dayLabel(day)}`, text: formatMinutes(sum.byDay[day]) }),
        h("td", { colspan: 4 })),
      ...days[day].map((s) => row(s, data.items[s.item_ref])),
    ]));
    tfoot.replaceChildren(h("tr", {},
      h("th", { scope: "row", text: "Week total" }),
      h("td", { class: "minutes", "aria-label": "Week total", text: formatMinutes(sum.week) }),
      h("td", { colspan: 4, class: "muted", text: `${formatMinutes(sum.billable)} billable` })));
    const drafts = data.sheets.filter((s) => s.state === "draft");
    submitAll.hidden = !drafts.length;
    submitAll.disabled = false;
    submitAll.textContent = `Submit all drafts (${drafts.length})`;
    submitAll.onclick = () => change(submitAll, async () => {
      for (const s of drafts) await submitSheet(s.id);
    }, `${drafts.length} ${drafts.length === 1 ? "timesheet" : "timesheets"} submitted for approval.`);
    shown = data;
  };

  const view = defineView({
    load: async () => {
      const sheets = await weekSheets(look.session.me.id, week);
      const [items, approver] = await Promise.all([itemInfos(sheets.map((s) => s.item_ref)), shown ? shown.approver : approvalsAllowed()]);
      return { sheets, items, approver };
    },
    render: (data) => {
      const link = (day, text) => h("a", { href: `#/time?week=${day}`, text });
      page("My time", flash,
        h("nav", { class: "row week-nav", "aria-label": "Weeks" },
          link(shiftWeek(week.start, -1), "← Previous week"), link(weekOf(today()).start, "This week"), link(shiftWeek(week.start, 1), "Next week →"),
          data.approver ? h("a", { href: "#/time/approvals", text: "Approvals" }) : null),
        clock.element,
        h("section", { class: "card table-card", "aria-labelledby": "week-title" },
          h("h2", { id: "week-title", text: `Week of ${dayLabel(week.start)} – ${dayLabel(week.end)} ${week.end.slice(0, 4)}` }),
          h("div", { class: "row" }, h("button", { type: "button", text: "Add time", onclick: addTime }), submitAll),
          editor,
          h("table", { class: "items-table week-table" },
            h("caption", { class: "sr-only", text: "Timesheets of the week" }),
            h("thead", {}, h("tr", {}, COLUMNS.map((t) => h("th", { scope: "col", text: t })))), tbody, tfoot)));
      fillTable(data);
      clock.refresh().catch((err) => say(notice("error", err.message)));
    },
    update: (data) => {
      fillTable(data);
      return clock.refresh().catch(() => {});
    },
    dispose: () => clock.dispose(),
  });
  return view;
}
