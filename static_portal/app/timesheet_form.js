// The timesheet form, shared by a stopped timer (prefilled from the draft the API answers), a manual entry on
// the week screen and the edit of a draft: date, duration (h:mm), billable, note, % complete and a status change
// from the item's own lifecycle. New time is saved as a draft or submitted at once; a draft is saved in place.
import { newKey } from "../js/api.js";
import { h, field, notice } from "../js/dom.js";
import * as look from "./lookups.js";
import { options } from "./widgets.js";
import { createBody, formatMinutes, patchBody, readSheetForm, today } from "./time_model.js";
import { createSheet, submitSheet, updateSheet } from "./time_api.js";

/**
 * sheetForm({item: {ref, title, kind}, initial, sheet?, title?, onDone(result), onCancel?}) → <form>
 * `initial` prefills (a timer's draft); `sheet` makes it an edit of that draft. onDone gets {sheet, submitted,
 * error?}: `error` when the time was saved but its submission was refused (it stays a draft).
 */
export function sheetForm({ item, initial = {}, sheet = null, title, onDone, onCancel }) {
  const start = { ...initial, ...(sheet || {}) };
  const c = {
    date: h("input", { type: "date", name: "date", required: true, value: start.date || today() }),
    minutes: h("input", { type: "text", name: "duration", inputmode: "numeric", autocomplete: "off", required: true, size: 6, value: start.minutes ? formatMinutes(start.minutes) : "" }),
    billable: h("input", { type: "checkbox", name: "billable", checked: start.billable !== false }),
    note: h("textarea", { name: "note", rows: 2, maxlength: 2000, value: start.note || "" }),
    percent_complete: h("input", { type: "number", name: "percent_complete", min: 0, max: 100, step: 1, value: start.percent_complete ?? "" }),
    status: h("select", { name: "status" }, options(look.statusesOf(item.kind).map((s) => [s.key, s.name]), start.status || "", "No change")),
  };
  const wraps = {
    date: field("Date", c.date, { required: true }),
    minutes: field("Time spent", c.minutes, { required: true, help: "h:mm, e.g. 1:30 (or minutes: 90)" }),
    billable: checkField("Billable", c.billable),
    note: field("Note", c.note),
    percent_complete: field("% complete", c.percent_complete, { help: "Set on the item when submitted" }),
    status: field("Change status to", c.status, { help: "Applied to the item when submitted" }),
  };
  const out = h("div", { "aria-live": "polite" });
  const key = newKey(); // one per form: a double click or a retry creates one timesheet
  const buttons = sheet
    ? [h("button", { type: "submit", text: "Save changes" })]
    : [h("button", { type: "submit", class: "secondary", text: "Save draft" }), h("button", { type: "submit", value: "submit", text: "Submit" })];
  if (onCancel) buttons.push(h("button", { type: "button", class: "link", text: sheet ? "Cancel" : "Discard", onclick: onCancel }));

  const save = async (submit) => {
    out.replaceChildren();
    Object.values(wraps).forEach((w) => w.setError(""));
    const read = readSheetForm({ date: c.date.value, duration: c.minutes.value, billable: c.billable.checked, note: c.note.value,
      percent_complete: c.percent_complete.value, status: c.status.value });
    if (!read.ok) {
      for (const [k, msg] of Object.entries(read.errors)) wraps[k]?.setError(msg);
      return form.querySelector("[aria-invalid='true']")?.focus();
    }
    buttons.forEach((b) => (b.disabled = true));
    try {
      if (sheet) {
        const patch = patchBody(sheet, read.value);
        onDone({ sheet: Object.keys(patch).length ? await updateSheet(sheet.id, patch) : sheet, submitted: false });
      } else {
        const saved = await createSheet(createBody(item.ref, read.value), { key });
        if (!submit) return onDone({ sheet: saved, submitted: false });
        try {
          onDone({ sheet: await submitSheet(saved.id), submitted: true });
        } catch (err) {
          onDone({ sheet: saved, submitted: false, error: err });
        }
      }
    } catch (err) {
      for (const [k, msg] of Object.entries(err.fieldErrors ? err.fieldErrors() : {})) wraps[k]?.setError(String(msg));
      out.append(notice("error", err.message));
      buttons.forEach((b) => (b.disabled = false));
    }
  };
  const heading = title || `Time on ${item.ref}${item.title ? ` — ${item.title}` : ""}`;
  const form = h("form", { class: "card sheet-form", "aria-label": heading, novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    save(e.submitter?.value === "submit");
  } },
  h("h3", { text: heading }),
  h("div", { class: "field-grid" }, wraps.date, wraps.minutes, wraps.percent_complete, wraps.status),
  wraps.billable, wraps.note, out, h("div", { class: "row" }, buttons));
  return form;
}

/** A checkbox with its label beside it (field() stacks them). */
function checkField(label, control) {
  const wrap = field(label, control);
  wrap.classList.add("check");
  wrap.prepend(control);
  return wrap;
}
