// A new item created by an agent (customers use the portal's forms).
import { api, newKey } from "../js/api.js";
import { h, field, notice, humanize } from "../js/dom.js";
import { go } from "../js/router.js";
import { state, page } from "./state.js";
import { PRIORITIES, options, projectPairs, typePairs, assigneePairs } from "./widgets.js";

export function newItemView(route) {
  const kind = route.params.get("kind") || "ticket";
  const c = {
    kind: h("select", { name: "kind" }, options([["ticket", "Ticket"], ["task", "Task"]], kind)),
    type_id: h("select", { name: "type_id" }, options(typePairs(kind), "")),
    title: h("input", { type: "text", name: "title", maxlength: 300, required: true }),
    description: h("textarea", { name: "description", rows: 5 }),
    priority: h("select", { name: "priority" }, options(PRIORITIES.map((p) => [p, humanize(p)]), "normal")),
    project_id: h("select", { name: "project_id" }, options(projectPairs(), "", "Type's default project")),
    assignees: h("select", { name: "assignees", multiple: true, size: 4 }, options(assigneePairs(), null)),
    due_date: h("input", { type: "date", name: "due_date" }),
  };
  c.kind.addEventListener("change", () => go("/new", { kind: c.kind.value }));
  const wraps = Object.fromEntries(Object.entries({
    kind: "Kind", type_id: "Type", title: "Title", description: "Description", priority: "Priority",
    project_id: "Project", assignees: "Assignees", due_date: "Due date",
  }).map(([k, label]) => [k, field(label, c[k], { required: k === "title" || k === "type_id" })]));
  const out = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", text: "Create" });
  const key = newKey();
  page(`New ${kind}`, h("form", { class: "card narrow", novalidate: true, "aria-label": "New item", onsubmit: async (e) => {
    e.preventDefault();
    out.replaceChildren();
    Object.values(wraps).forEach((w) => w.setError(""));
    if (!c.title.value.trim()) return (wraps.title.setError("A title is required."), c.title.focus());
    if (!c.type_id.value) return (wraps.type_id.setError("Choose a type (admins create types under Admin)."), c.type_id.focus());
    submit.disabled = true;
    try {
      const body = {
        kind: c.kind.value, type_id: c.type_id.value, title: c.title.value.trim(), description: c.description.value,
        priority: c.priority.value, assignees: [...c.assignees.selectedOptions].map((o) => o.value),
      };
      if (c.project_id.value) body.project_id = c.project_id.value;
      if (c.due_date.value) body.due_date = c.due_date.value;
      const { data } = await api("POST", "/v1/items", { body, idempotencyKey: key });
      go(`/items/${data.ref}`);
    } catch (err) {
      for (const [k, msg] of Object.entries(err.fieldErrors())) wraps[k]?.setError(String(msg));
      out.append(notice("error", err.message));
    } finally {
      submit.disabled = false;
    }
  } }, Object.values(wraps), out, submit));
  if (!state.types.some((t) => t.kind === kind)) out.append(notice("info", `There is no ${kind} type yet.`));
}
