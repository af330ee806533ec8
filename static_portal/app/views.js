// A saved view (#/views/ID): its items (GET /v1/views/ID/items: the view's filters and order, as the caller may
// see them) in its columns, under group headings when it groups, a page at a time; CSV and XLSX downloads of
// exactly its columns; its settings (views_settings.js); "Change filters" opens the item list on its filters.
// What is shown is what is saved, so a download always matches the screen.
import { get, fetchFile } from "../js/api.js";
import { pager } from "../js/paging.js";
import { h, notice, humanize, saveFile } from "../js/dom.js";
import { defineView } from "../js/view.js";
import { page } from "./state.js";
import * as look from "./lookups.js";
import { columnLabel, groupKey, listAddressOf, visibilityText } from "./views_model.js";
import { loadViews, resolveOwners, viewsList } from "./views_panel.js";
import { settingsForm } from "./views_settings.js";
import { resolveCellNames, cellOf, groupLabel } from "./views_cells.js";

const PAGE = 50;
const WINDOW_MAX = 200; // a live refresh re-reads at most this many of the rows shown
const TYPES = { csv: "text/csv", xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" };

/** The columns and groupings a view may use, as the API lists them (asked once a session). */
export const viewColumns = () => look.cached("view-columns", () => get("/v1/views/columns"));

const path = (id, tail = "") => `/v1/views/${encodeURIComponent(id)}${tail}`;

/** The view's filters in words ("Kind: Ticket · Assignee: whoever looks"). */
function filterText(f, orgs) {
  const parts = [
    f.kind && `Kind: ${humanize(f.kind)}`,
    f.status && `Status: ${look.statusName(f.kind, f.status)}`,
    f.status_category?.length && `Status category: ${f.status_category.map(humanize).join(", ")}`,
    f.assignee && `Assignee: ${f.assignee === "me" ? "whoever looks at the view" : look.refName(f.assignee)}`,
    f.unassigned && "Unassigned",
    f.requester && `Requester: ${look.people.name(f.requester, "a customer")}`,
    f.project_id && `Project: ${look.projectName(f.project_id) || "a project"}`,
    f.type_id && `Type: ${look.typeName(f.type_id) || "a type"}`,
    f.organization_id && `Organisation: ${orgs.get(f.organization_id) || "an organisation"}`,
    f.q && `Search: “${f.q}”`,
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : "none: every item you may see";
}

function ownerText(view) {
  const mine = view.owner_id === look.session.me?.id;
  return `${visibilityText(view, look.teamName)} · ${mine ? "your view" : `by ${look.people.name(view.owner_id, "a colleague")}`}`;
}

/** Names the rows and the view's own filters use, in a few requests. */
async function resolveNames(view, items) {
  const f = view.filters || {};
  const [orgs] = await Promise.all([
    resolveCellNames([...items, { organization_id: f.organization_id }], [...view.columns, ...(f.organization_id ? ["organization_id"] : [])], view.group_by),
    look.people.resolve([view.owner_id, f.requester, ...look.userIdsOf([f.assignee])]),
  ]);
  return orgs;
}

export function savedView(id) {
  const out = h("div", { "aria-live": "polite" });
  const results = h("div", {});
  let view = null;
  let orgs = new Map();
  let shown = new Map(); // ref → version, of the rows in the table
  let views = []; // the Views section's list
  let rendered = false;

  /** A fresh table from `first` (a page), with its own "Load more". */
  const startTable = async (first) => {
    shown = new Map();
    const groups = new Map(); // group key → {tbody, heading, count}
    const more = h("button", { type: "button", class: "secondary", hidden: true, text: "Load more" });
    const span = view.columns.length;
    const table = h("table", { class: "items-table view-table" },
      h("caption", { class: "sr-only", text: `Items: ${view.name}` }),
      h("thead", {}, h("tr", {}, view.columns.map((c) => h("th", { scope: "col", text: columnLabel(c) })))));
    const bodyFor = (item) => {
      const key = view.group_by ? groupKey(item, view.group_by) : "";
      if (!groups.has(key)) {
        const heading = view.group_by ? h("th", { scope: "rowgroup", colspan: span, class: "group-heading" }) : null;
        const tbody = h("tbody", { dataset: { group: key } }, heading ? h("tr", { class: "group" }, heading) : null);
        groups.set(key, { tbody, heading, label: view.group_by ? groupLabel(item, view.group_by, orgs) : "", count: 0 });
        table.append(tbody);
      }
      return groups.get(key);
    };
    const addRows = (items) => {
      for (const item of items) {
        if (shown.has(item.ref)) continue; // already shown (moved up meanwhile)
        shown.set(item.ref, item.version);
        const group = bodyFor(item);
        group.count += 1;
        group.tbody.append(h("tr", { dataset: { ref: item.ref } },
          view.columns.map((c) => h("td", { class: c === "ref" ? "ref" : null, "data-label": columnLabel(c) }, cellOf(item, c, orgs)))));
      }
      for (const g of groups.values()) if (g.heading) g.heading.textContent = `${g.label} (${g.count})`;
      out.querySelector(".muted")?.remove();
      if (!shown.size) out.replaceChildren(h("p", { class: "muted", text: "No items match this view." }));
    };
    results.replaceChildren(table, more);
    let pending = first;
    const loadMore = pager({
      button: more,
      key: (item) => item.ref,
      fetchPage: async (cursor) => {
        if (!cursor && pending) {
          const p = pending;
          pending = null;
          return p;
        }
        const next = await get(path(id, "/items"), { limit: PAGE, cursor });
        const names = await resolveCellNames(next.items || [], view.columns, view.group_by);
        for (const [k, v] of names) orgs.set(k, v);
        return next;
      },
      render: addRows,
      onError: (err) => out.replaceChildren(notice("error", err.message)),
    });
    await loadMore();
  };

  const exportButton = (format) => h("button", { type: "button", class: "secondary", text: `Export ${format.toUpperCase()}`, onclick: async (e) => {
    e.target.disabled = true;
    try {
      const file = await fetchFile(path(id, "/export"), { query: { format }, accept: TYPES[format], fallbackName: `${view.name}.${format}` });
      saveFile(file.blob, file.name);
      const cut = file.headers.get("X-Tandem-Truncated") === "true";
      out.replaceChildren(notice(cut ? "info" : "ok", cut ? `Downloaded ${file.name}: it stops at the export's row limit, narrow the filters for the rest.` : `Downloaded ${file.name}.`));
    } catch (err) {
      out.replaceChildren(notice("error", err.status === 413 ? "The file would be too large: choose fewer columns or narrower filters." : err.message));
    } finally {
      e.target.disabled = false;
    }
  } });

  /** `full`: the lookups and the views list too (the first time, and after the view itself changed). */
  const load = async (full = !rendered) => {
    let fresh;
    try {
      fresh = await get(path(id));
    } catch (err) {
      if (err.status === 404) return { missing: true };
      throw err;
    }
    const lists = full ? [look.staff(), look.teams(), look.projects(), look.itemTypes()].map((p) => p.catch(() => [])) : [];
    const limit = rendered ? Math.min(WINDOW_MAX, Math.max(PAGE, shown.size)) : PAGE;
    const [first, catalog, seen] = await Promise.all([get(path(id, "/items"), { limit }), viewColumns(), full ? loadViews() : null, ...lists]);
    const [names] = await Promise.all([resolveNames(fresh, first.items || []), seen ? resolveOwners(seen) : null]);
    return { view: fresh, first, limit, catalog, views: seen, orgs: names };
  };

  const render = async (data) => {
    rendered = true;
    if (data.missing) {
      page("View not found", notice("error", "This view does not exist, or it is not shared with you."), h("p", {}, h("a", { href: "#/list", text: "Back to items" })));
      return;
    }
    view = data.view;
    orgs = data.orgs;
    if (data.views) views = data.views;
    const reload = async (message) => {
      const fresh = await load(true);
      await render(fresh);
      if (message) out.replaceChildren(notice("ok", message));
    };
    page(view.name,
      h("p", { class: "muted view-meta", text: ownerText(view) }),
      h("p", { class: "view-filters" }, h("strong", { text: "Filters: " }), filterText(view.filters || {}, orgs)),
      h("div", { class: "row view-actions" }, exportButton("csv"), exportButton("xlsx"),
        h("a", { class: "button secondary", href: `#/list?${new URLSearchParams(listAddressOf(view))}`, text: "Change filters" })),
      h("div", { class: "list-layout" },
        h("div", { class: "stack" },
          settingsForm({ view, catalog: data.catalog, onSaved: reload }),
          h("section", { class: "card", "aria-label": "Views" }, h("h2", { text: "Views" }), viewsList(views, { current: view.id }))),
        h("section", { class: "card table-card", "aria-label": "Results" }, out, results)));
    out.replaceChildren();
    await startTable(data.first);
  };

  return defineView({
    load,
    render,
    update: async (data) => {
      if (data.missing || !view) return;
      // Settings changed elsewhere: the table follows the saved view; the form keeps what is being typed.
      const changed = data.view.version !== view.version;
      const items = data.first.items || [];
      const same = !changed && items.length === Math.min(shown.size, data.limit) && items.every((i) => shown.get(i.ref) === i.version);
      if (same) return;
      if (changed) view = { ...data.view };
      for (const [k, v] of data.orgs) orgs.set(k, v);
      await startTable(data.first);
    },
  });
}
