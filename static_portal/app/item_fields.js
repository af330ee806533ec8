// The item's editable fields (status, priority, assignees, …) and the answers to its type's own form
// fields. Both send only what changed, with If-Match, so a concurrent edit of another field is kept.
// A form the agent has started editing is marked dirty: live refreshes leave it alone.
import { api } from "../js/api.js";
import { h, field, notice } from "../js/dom.js";
import { buildForm } from "../js/forms.js";
import * as look from "./lookups.js";
import { options, projectPairs, assigneePairs, priorityPairs } from "./widgets.js";
import { folderSelect } from "./folders.js";

const trackDirty = (form) => {
  const mark = () => (form.dataset.dirty = "true");
  form.addEventListener("input", mark);
  form.addEventListener("change", mark);
  return form;
};

const conflict = "Someone changed this item meanwhile. Reload to see their change, then edit again.";

export function editForm(item, etag, onSaved) {
  const c = {
    title: h("input", { type: "text", name: "title", value: item.title || "", maxlength: 300 }),
    status: h("select", { name: "status" }, options(look.statusesOf(item.kind).map((s) => [s.key, s.name]), item.status)),
    priority: h("select", { name: "priority" }, options(priorityPairs(item.priority), item.priority)),
    assignees: h("select", { name: "assignees", multiple: true, size: 4 }, options(assigneePairs(), null)),
    project_id: h("select", { name: "project_id" }, options(projectPairs(), item.project_id || "", "No project")),
    folder_id: folderSelect(item.project_id, item.folder_id || ""),
    due_date: h("input", { type: "date", name: "due_date", value: item.due_date || "" }),
    percent_complete: h("input", { type: "number", name: "percent_complete", min: 0, max: 100, step: 1, value: item.percent_complete ?? 0 }),
    description: h("textarea", { name: "description", rows: 5, value: item.description || "" }),
  };
  for (const o of c.assignees.options) o.selected = (item.assignees || []).includes(o.value);
  c.project_id.addEventListener("change", () => c.folder_id.forProject(c.project_id.value)); // a folder is of one project
  const out = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", text: "Save changes" });
  const wraps = {
    title: field("Title", c.title),
    status: field("Status", c.status),
    priority: field("Priority", c.priority),
    assignees: field("Assignees", c.assignees, { help: "Ctrl/⌘-click to choose several" }),
    project_id: field("Project", c.project_id),
    folder_id: field("Folder", c.folder_id, { help: "A sub-folder of the item's project" }),
    due_date: field("Due date", c.due_date),
    percent_complete: field("% complete", c.percent_complete),
    description: field("Description", c.description),
  };
  const defaults = { assignees: [], percent_complete: 0, description: "" };
  const form = h("form", { class: "card item-fields", "aria-label": "Item fields", novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    out.replaceChildren();
    Object.values(wraps).forEach((w) => w.setError(""));
    const pct = Number(c.percent_complete.value);
    if (!Number.isFinite(pct) || pct < 0 || pct > 100) return wraps.percent_complete.setError("Between 0 and 100.");
    if (!c.title.value.trim()) return wraps.title.setError("A title is required.");
    const next = {
      title: c.title.value.trim(),
      status: c.status.value,
      priority: c.priority.value,
      assignees: [...c.assignees.selectedOptions].map((o) => o.value),
      project_id: c.project_id.value || null,
      folder_id: c.folder_id.value || null,
      due_date: c.due_date.value || null,
      percent_complete: pct,
      description: c.description.value,
    };
    const patch = Object.fromEntries(Object.entries(next).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(item[k] ?? defaults[k] ?? null)));
    if (!Object.keys(patch).length) return out.append(notice("info", "Nothing changed."));
    submit.disabled = true;
    try {
      await api("PATCH", `/v1/items/${encodeURIComponent(item.ref)}`, { body: patch, ifMatch: etag });
      delete form.dataset.dirty;
      onSaved("Saved.");
    } catch (err) {
      for (const [k, msg] of Object.entries(err.fieldErrors ? err.fieldErrors() : {})) wraps[k]?.setError(String(msg));
      out.append(notice("error", err.status === 412 ? conflict : err.message));
      if (err.status === 412) out.append(h("button", { type: "button", class: "secondary", text: "Reload", onclick: () => (delete form.dataset.dirty, onSaved("")) }));
    } finally {
      submit.disabled = false;
    }
  } },
  h("h2", { text: "Fields" }),
  h("div", { class: "field-grid" }, Object.values(wraps)),
  out,
  submit);
  return trackDirty(form);
}

/** Field errors of a failed PATCH keyed as the form knows them ("fields.x" → "x"). */
function answerErrors(err) {
  const found = err.fieldErrors ? err.fieldErrors() : {};
  return Object.fromEntries(Object.entries(found).map(([k, v]) => [k.replace(/^fields\./, ""), v]));
}

/** The answers to the type's own fields, editable; answers to fields the type no longer has are listed. */
export function answersForm(item, type, etag, onSaved) {
  const defs = (type?.form?.fields || []).filter((f) => f.type !== "file");
  const answers = item.fields || {};
  const others = Object.entries(answers).filter(([k]) => !defs.some((d) => d.key === k));
  if (!defs.length && !others.length) return null;
  const built = buildForm({ fields: defs }, { fieldsOnly: true, values: answers });
  const out = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", text: "Save custom fields" });
  const form = h("form", { class: "card answers", "aria-label": "Custom fields", novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    out.replaceChildren();
    const got = built.collect();
    if (!got.ok) return (out.append(notice("error", "Please correct the highlighted fields.")), got.firstInvalid.focus());
    const next = { ...answers };
    for (const d of defs) {
      if (Object.prototype.hasOwnProperty.call(got.payload.fields, d.key)) next[d.key] = got.payload.fields[d.key];
      else delete next[d.key];
    }
    if (JSON.stringify(next) === JSON.stringify(answers)) return out.append(notice("info", "Nothing changed."));
    submit.disabled = true;
    try {
      await api("PATCH", `/v1/items/${encodeURIComponent(item.ref)}`, { body: { fields: next }, ifMatch: etag });
      delete form.dataset.dirty;
      onSaved("Custom fields saved.");
    } catch (err) {
      built.showErrors(answerErrors(err));
      out.append(notice("error", err.status === 412 ? conflict : err.message));
    } finally {
      submit.disabled = false;
    }
  } },
  h("h2", { text: "Custom fields" }),
  defs.length ? h("div", { class: "field-grid" }, built.elements) : null,
  others.length ? h("dl", { class: "facts custom" }, others.map(([k, v]) => [h("dt", { text: k.replace(/_/g, " ") }), h("dd", { text: Array.isArray(v) ? v.join(", ") : String(v) })])) : null,
  out,
  defs.length ? submit : null);
  return trackDirty(form);
}
