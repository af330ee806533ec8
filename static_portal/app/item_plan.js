// The item's plan in its side panel: planned start and finish, the constraints, the predecessors
// (finish-to-start), the actual dates, and the conflicts GET /v1/items/{ref} reports. Saves only what changed,
// with If-Match, like the other item forms.
import { api } from "../js/api.js";
import { h, field, notice } from "../js/dom.js";

const DATES = [
  ["planned_start", "Planned start"],
  ["planned_finish", "Planned finish"],
  ["start_no_earlier_than", "Start no earlier than"],
  ["finish_no_later_than", "Finish no later than"],
  ["actual_start", "Actual start"],
  ["actual_finish", "Actual finish"],
];

/** "k-1, K-2 K-3" → ["K-1", "K-2", "K-3"] (the API checks that they exist). */
export function refsOf(text) {
  return String(text || "").split(/[\s,;]+/).map((r) => r.trim().toUpperCase()).filter(Boolean);
}

export function planCard(item, etag, onSaved) {
  const c = Object.fromEntries(DATES.map(([k]) => [k, h("input", { type: "date", name: k, value: item[k] || "" })]));
  c.predecessors = h("input", { type: "text", name: "predecessors", value: (item.predecessors || []).join(", "), autocomplete: "off" });
  const wraps = Object.fromEntries(DATES.map(([k, label]) => [k, field(label, c[k])]));
  wraps.predecessors = field("Predecessors", c.predecessors, { help: "References this item waits for, e.g. K-3, K-7" });
  const out = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", text: "Save plan" });
  const conflicts = item.conflicts || [];
  const form = h("form", { class: "card item-plan", "aria-label": "Plan", novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    out.replaceChildren();
    Object.values(wraps).forEach((w) => w.setError(""));
    const next = Object.fromEntries(DATES.map(([k]) => [k, c[k].value || null]));
    next.predecessors = refsOf(c.predecessors.value);
    const patch = Object.fromEntries(Object.entries(next).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(item[k] ?? (k === "predecessors" ? [] : null))));
    if (!Object.keys(patch).length) return out.append(notice("info", "Nothing changed."));
    submit.disabled = true;
    try {
      await api("PATCH", `/v1/items/${encodeURIComponent(item.ref)}`, { body: patch, ifMatch: etag });
      delete form.dataset.dirty;
      onSaved("Plan saved.");
    } catch (err) {
      for (const [k, msg] of Object.entries(err.fieldErrors ? err.fieldErrors() : {})) wraps[k.replace(/\[\d+\]$/, "")]?.setError(String(msg));
      out.append(notice("error", err.status === 412 ? "Someone changed this item meanwhile. Reload to see their change, then edit again." : err.message));
    } finally {
      submit.disabled = false;
    }
  } },
  h("h2", { text: "Plan" }),
  conflicts.length ? h("ul", { class: "plan-conflicts", "aria-label": "Conflicts" }, conflicts.map((x) => h("li", { class: "notice error", text: x.message }))) : null,
  h("div", { class: "field-grid" }, Object.values(wraps)),
  out,
  submit);
  const mark = () => (form.dataset.dirty = "true");
  form.addEventListener("input", mark);
  form.addEventListener("change", mark);
  return form;
}
