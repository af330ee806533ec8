// The controls above the item list: queues with counts, the search box and sort order, and the filter
// form beside the views (views_panel.js). Every control changes the address (#/list?…), so a list is shareable.
import { h, field } from "../js/dom.js";
import { go } from "../js/router.js";
import { options, statusPairs, projectPairs, typePairs, assigneePairs } from "./widgets.js";
import { SORTS, FILTERS, listParams, sortOf, activeFilters } from "./list_query.js";
import { kinds } from "./modules_ui.js";

/** Queues as links ("My items 3"); the open one is marked current. update(queues) refreshes the counts. A queue
 * leaves the view the list was opened from (its filters are the queue's then). */
export function queueBar(params, queues) {
  const current = params.get("view") ? null : params.get("queue") || "";
  const counts = new Map();
  const link = (id, name, count) => {
    const badge = h("span", { class: "badge count", text: count === undefined ? "" : String(count), hidden: count === undefined });
    counts.set(id, badge);
    return h("a", { href: `#/list?${new URLSearchParams(listParams(params, { queue: id, view: "" }))}`, "aria-current": current === id ? "page" : null, dataset: { queue: id } }, name, " ", badge);
  };
  const nav = h("nav", { class: "queues", "aria-label": "Queues" },
    queues.map((q) => link(q.id, q.name, q.count)),
    link("", "All items"));
  nav.update = (fresh) => {
    for (const q of fresh) {
      const badge = counts.get(q.id);
      if (badge && q.count !== undefined) badge.textContent = String(q.count);
    }
  };
  return nav;
}

/** The list's own search box and sort control. */
export function toolbar(params, searchInput) {
  const sort = h("select", { name: "sort" }, options(SORTS, sortOf(params)));
  sort.addEventListener("change", () => go("/list", listParams(params, { sort: sort.value })));
  const q = params.get("q") || "";
  searchInput.value = q;
  return h("div", { class: "row list-toolbar" },
    h("form", { role: "search", "aria-label": "Search items", class: "row list-search", onsubmit: (e) => {
      e.preventDefault();
      go("/list", listParams(params, { q: searchInput.value.trim() }));
    } },
    field("Search items", searchInput, { help: "Words in the title, messages, requester's name or email, or the reference" }),
    h("button", { type: "submit", class: "secondary", text: "Search" }),
    q ? h("a", { class: "button secondary", href: `#/list?${new URLSearchParams(listParams(params, { q: "" }))}`, text: "Clear search" }) : null),
    field("Sort by", sort));
}

function filterForm(params) {
  const kind = params.get("kind") || "";
  const controls = {
    kind: h("select", { name: "kind" }, options(kinds({ plural: true }), kind, "All kinds")),
    status: h("select", { name: "status" }, options(statusPairs(kind), params.get("status") || "", "Any status")),
    assignee: h("select", { name: "assignee" }, options(assigneePairs(), params.get("assignee") || "", "Anyone")),
    project_id: h("select", { name: "project_id" }, options(projectPairs(), params.get("project_id") || "", "Any project")),
    type_id: h("select", { name: "type_id" }, options(typePairs(kind), params.get("type_id") || "", "Any type")),
  };
  const labels = { kind: "Kind", status: "Status", assignee: "Assignee", project_id: "Project", type_id: "Type" };
  const apply = () => go("/list", listParams(params, Object.fromEntries(FILTERS.map((k) => [k, controls[k].value]))));
  controls.kind.addEventListener("change", () => {
    controls.status.value = "";
    controls.type_id.value = "";
    apply();
  });
  const clear = listParams(params, Object.fromEntries(FILTERS.map((k) => [k, ""])));
  return h(
    "form",
    { class: "card filters", "aria-label": "Filters", onsubmit: (e) => (e.preventDefault(), apply()) },
    h("div", { class: "filter-grid" }, FILTERS.map((k) => field(labels[k], controls[k]))),
    h("div", { class: "row" }, h("button", { type: "submit", text: "Apply filters" }), h("a", { class: "button secondary", href: `#/list?${new URLSearchParams(clear)}`, text: "Clear" })),
  );
}

/** On a phone the filters fold away so the results come first; on wider screens they stay open. */
export function filtersBox(params, views) {
  const active = activeFilters(params);
  return h(
    "details",
    { class: "filters-box", open: matchMedia("(min-width: 901px)").matches },
    h("summary", { text: `Filters${active ? ` (${active} active)` : ""} and views` }),
    filterForm(params),
    views,
  );
}
