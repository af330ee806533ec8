// Item list with filters in the URL (shareable) and saved filters kept in this browser.
// Saved filter definitions are not secrets, so localStorage is fine for them (never for tokens).
import { get } from "../js/api.js";
import { pager } from "../js/paging.js";
import { h, field, notice, formatDate } from "../js/dom.js";
import { go } from "../js/router.js";
import { state, page, userName, resolveCustomers, projectName } from "./state.js";
import { statusBadge, priorityBadge, assigneeText, options, statusPairs, projectPairs, typePairs, assigneePairs } from "./widgets.js";

const FILTERS = ["kind", "status", "assignee", "project_id", "type_id"];
const savedKey = () => `tandem.savedFilters.${state.me.tenant.id}`;

export function savedFilters() {
  try {
    const list = JSON.parse(localStorage.getItem(savedKey()) || "[]");
    return Array.isArray(list) ? list.filter((f) => f && typeof f.name === "string" && f.params && typeof f.params === "object") : [];
  } catch {
    return [];
  }
}

function storeFilters(list) {
  localStorage.setItem(savedKey(), JSON.stringify(list));
}

function filterForm(params) {
  const kind = params.get("kind") || "";
  const controls = {
    kind: h("select", { name: "kind" }, options([["ticket", "Tickets"], ["task", "Tasks"]], kind, "All kinds")),
    status: h("select", { name: "status" }, options(statusPairs(kind), params.get("status") || "", "Any status")),
    assignee: h("select", { name: "assignee" }, options(assigneePairs(), params.get("assignee") || "", "Anyone")),
    project_id: h("select", { name: "project_id" }, options(projectPairs(), params.get("project_id") || "", "Any project")),
    type_id: h("select", { name: "type_id" }, options(typePairs(kind), params.get("type_id") || "", "Any type")),
  };
  const labels = { kind: "Kind", status: "Status", assignee: "Assignee", project_id: "Project", type_id: "Type" };
  const apply = () => go("/list", Object.fromEntries(FILTERS.map((k) => [k, controls[k].value])));
  controls.kind.addEventListener("change", () => {
    controls.status.value = "";
    controls.type_id.value = "";
    apply();
  });
  return h(
    "form",
    { class: "card filters", "aria-label": "Filters", onsubmit: (e) => (e.preventDefault(), apply()) },
    h("div", { class: "filter-grid" }, FILTERS.map((k) => field(labels[k], controls[k]))),
    h("div", { class: "row" }, h("button", { type: "submit", text: "Apply filters" }), h("a", { class: "button secondary", href: "#/list", text: "Clear" })),
  );
}

function savedPanel(params) {
  const list = savedFilters();
  const name = h("input", { type: "text", name: "filter_name", maxlength: 60 });
  const current = Object.fromEntries(FILTERS.filter((k) => params.get(k)).map((k) => [k, params.get(k)]));
  return h(
    "section",
    { class: "card", "aria-label": "Saved filters" },
    h("h2", { text: "Saved filters" }),
    list.length
      ? h("ul", { class: "saved" }, list.map((f, i) =>
          h("li", {},
            h("a", { href: `#/list?${new URLSearchParams(f.params)}`, text: f.name }),
            " ",
            h("button", { type: "button", class: "link", "aria-label": `Delete saved filter ${f.name}`, text: "delete", onclick: () => {
              storeFilters(savedFilters().filter((_, j) => j !== i));
              go("/list", current);
            } }))))
      : h("p", { class: "muted", text: "None yet." }),
    h("form", { class: "row", "aria-label": "Save this filter", onsubmit: (e) => {
      e.preventDefault();
      if (!name.value.trim()) return name.focus();
      storeFilters([...savedFilters().filter((f) => f.name !== name.value.trim()), { name: name.value.trim(), params: current }]);
      go("/list", current);
    } }, field("Save current filters as", name), h("button", { type: "submit", class: "secondary", text: "Save" })),
  );
}

function row(item) {
  return h(
    "tr",
    { dataset: { ref: item.ref } },
    h("td", { class: "ref", "data-label": "Ref", text: item.ref }),
    h("td", { "data-label": "Title" }, h("a", { href: `#/items/${encodeURIComponent(item.ref)}`, text: item.title || "(no title)" })),
    h("td", { "data-label": "Status" }, statusBadge(item)),
    h("td", { "data-label": "Priority" }, priorityBadge(item.priority)),
    h("td", { "data-label": "Assignee", text: assigneeText(item) }),
    h("td", { "data-label": "Requester", text: userName(item.requester) }),
    h("td", { "data-label": "Project", text: projectName(item.project_id) }),
    h("td", { "data-label": "Due", text: formatDate(item.due_date) }),
    h("td", { "data-label": "Updated", text: formatDate(item.updated_at) }),
  );
}

export async function listView(route) {
  const params = route.params;
  const tbody = h("tbody", {});
  const more = h("button", { type: "button", class: "secondary", hidden: true, text: "Load more" });
  const out = h("div", { "aria-live": "polite" });
  const table = h(
    "table",
    { class: "items-table" },
    h("caption", { class: "sr-only", text: "Items" }),
    h("thead", {}, h("tr", {}, ["Ref", "Title", "Status", "Priority", "Assignee", "Requester", "Project", "Due", "Updated"].map((t) => h("th", { scope: "col", text: t })))),
    tbody,
  );
  // On a phone the filters fold away so the results come first; on wider screens they stay open.
  const active = FILTERS.filter((k) => params.get(k)).length;
  const filters = h(
    "details",
    { class: "filters-box", open: matchMedia("(min-width: 901px)").matches },
    h("summary", { text: `Filters${active ? ` (${active} active)` : ""} and saved filters` }),
    filterForm(params),
    savedPanel(params),
  );
  page("Items", h("div", { class: "list-layout" }, filters, h("section", { class: "card table-card", "aria-label": "Results" }, out, table, more)));
  const query = Object.fromEntries(FILTERS.map((k) => [k, params.get(k)]));
  const load = pager({
    button: more,
    fetchPage: (cursor) => get("/v1/items", { ...query, limit: 50, cursor }),
    render: async (items) => {
      await resolveCustomers(items.map((i) => i.requester));
      tbody.append(...items.map(row));
      if (!tbody.children.length) out.replaceChildren(h("p", { class: "muted", text: "No items match these filters." }));
    },
    onError: (err) => out.replaceChildren(notice("error", err.message)),
  });
  await load();
}
