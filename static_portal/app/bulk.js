// Changing many items at once: the selected rows' refs go to `POST /v1/items/bulk` with the chosen
// changes; each item is checked and changed on its own, so the answer says which ones failed and why.
import { api } from "../js/api.js";
import { h, field, notice } from "../js/dom.js";
import { options, statusPairs, priorityPairs, projectPairs, assigneePairs } from "./widgets.js";

export const UNASSIGN = "__nobody__";

/** Comma- or space-separated tags → a clean list. */
export function tagList(text) {
  return [...new Set(String(text || "").split(/[,\s]+/).map((t) => t.trim()).filter(Boolean))];
}

/** The request body from the form's values; null when nothing would change. */
export function bulkBody(refs, values) {
  const set = {};
  if (values.status) set.status = values.status;
  if (values.priority) set.priority = values.priority;
  if (values.project_id) set.project_id = values.project_id;
  if (values.assignee === UNASSIGN) set.assignees = [];
  else if (values.assignee) set.assignees = [values.assignee];
  const body = { refs: [...refs] };
  if (Object.keys(set).length) body.set = set;
  const add = tagList(values.add_tags);
  const remove = tagList(values.remove_tags);
  if (add.length) body.add_tags = add;
  if (remove.length) body.remove_tags = remove;
  if (values.macro_id) body.macro_id = values.macro_id;
  return Object.keys(body).length > 1 ? body : null;
}

/** "3 items changed." / "2 items changed; 1 was not:" */
export function bulkSummary(results) {
  const ok = results.filter((r) => r.ok).length;
  const failed = results.length - ok;
  const items = (n) => `${n} item${n === 1 ? "" : "s"}`;
  if (!failed) return `${items(ok)} changed.`;
  return `${items(ok)} changed; ${failed} ${failed === 1 ? "was" : "were"} not:`;
}

/**
 * bulkBar({macros, selected: () => Set of refs, onDone(results)}) → element with .update()
 * Hidden while nothing is selected.
 */
export function bulkBar({ macros, selected, onDone, onClear }) {
  const c = {
    status: h("select", { name: "status" }, options(statusPairs(), "", "Keep")),
    assignee: h("select", { name: "assignee" }, options([[UNASSIGN, "Nobody (unassign)"], ...assigneePairs()], "", "Keep")),
    priority: h("select", { name: "priority" }, options(priorityPairs(), "", "Keep")),
    project_id: h("select", { name: "project_id" }, options(projectPairs(), "", "Keep")),
    add_tags: h("input", { type: "text", name: "add_tags", autocomplete: "off" }),
    remove_tags: h("input", { type: "text", name: "remove_tags", autocomplete: "off" }),
    macro_id: h("select", { name: "macro_id" }, options(macros.map((m) => [m.id, m.name]), "", "None")),
  };
  const count = h("strong", { class: "bulk-count", "aria-live": "polite" });
  const out = h("div", { class: "bulk-out", "aria-live": "polite" });
  const submit = h("button", { type: "submit", text: "Apply" });
  const clear = h("button", { type: "button", class: "secondary", text: "Clear selection", onclick: () => {
    out.replaceChildren();
    onClear();
  } });
  const form = h("form", { class: "card bulk", "aria-label": "Change the selected items", hidden: true, novalidate: true },
    h("div", { class: "row" }, count, h("span", { class: "spacer" }), clear),
    h("div", { class: "bulk-grid" },
      field("Status", c.status), field("Assignee", c.assignee), field("Priority", c.priority), field("Project", c.project_id),
      field("Add tags", c.add_tags, { help: "Separate tags with commas" }), field("Remove tags", c.remove_tags),
      macros.length ? field("Apply macro", c.macro_id) : null),
    h("div", { class: "row" }, submit),
    out);

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    out.replaceChildren();
    const refs = selected();
    const body = bulkBody(refs, Object.fromEntries(Object.entries(c).map(([k, el]) => [k, el.value])));
    if (!body) return out.append(notice("error", "Choose at least one change first."));
    submit.disabled = true;
    try {
      const { data } = await api("POST", "/v1/items/bulk", { body });
      const results = data?.items || [];
      const failed = results.filter((r) => !r.ok);
      out.append(notice(failed.length ? "error" : "ok", bulkSummary(results)));
      if (failed.length) {
        out.append(h("ul", { class: "bulk-failures", "aria-label": "Items not changed" },
          failed.map((r) => h("li", { dataset: { ref: r.ref }, text: `${r.ref}: ${r.error?.message || "not changed"}` }))));
      }
      for (const el of Object.values(c)) el.value = "";
      await onDone(results);
    } catch (err) {
      out.append(notice("error", err.message));
    } finally {
      submit.disabled = false;
    }
  });

  form.update = () => {
    const n = selected().size;
    form.hidden = n === 0 && !out.childElementCount;
    count.textContent = `${n} selected`;
    submit.textContent = `Apply to ${n} item${n === 1 ? "" : "s"}`;
    submit.disabled = n === 0;
  };
  return form;
}
