// The item list: queues with counts, search, sort (last activity first by default), filters, saved views,
// a page at a time ("Load more"), bulk changes of the selected rows, "Assign to me", keyboard shortcuts, and
// live refresh in place (rows are updated, added and removed without losing selection, focus or scroll).
// `#/list?view=ID` is the list opened to change a saved view's filters: the view's filters that the address
// cannot carry (a queue's categories, unassigned, an organisation) apply underneath, like a queue's.
import { api, get } from "../js/api.js";
import { pager } from "../js/paging.js";
import { h, notice, formatDate, relativeTime } from "../js/dom.js";
import { go } from "../js/router.js";
import { defineView } from "../js/view.js";
import { bindKeys, LIST_SHORTCUTS, step } from "../js/keys.js";
import { page } from "./state.js";
import * as look from "./lookups.js";
import { statusBadge, priorityBadge, assigneeText } from "./widgets.js";
import { itemsQuery, listParams } from "./list_query.js";
import { queueBar, toolbar, filtersBox } from "./list_controls.js";
import { bulkBar } from "./bulk.js";
import { viewsPanel, loadViews, resolveOwners } from "./views_panel.js";
import { baseFilters } from "./views_model.js";
import { foldersPanel } from "./folders.js";

const PAGE = 50;
const WINDOW_MAX = 200; // a live refresh re-reads at most this many of the rows shown
const COLUMNS = ["Ref", "Title", "Status", "Priority", "Assignee", "Requester", "Project", "Due", "Last activity", "Actions"];

/** The saved view whose filters the list shows, or null (none asked, or it is gone or not shared with the caller). */
async function loadBaseView(id) {
  if (!id) return null;
  try {
    return await get(`/v1/views/${encodeURIComponent(id)}`);
  } catch {
    return null;
  }
}

async function loadQueues() {
  try {
    return (await get("/v1/queues")).items || [];
  } catch {
    return []; // the list works without its queues
  }
}

/** The names a page of items shows (requesters, assigned people), in one request. */
export function resolveNames(items) {
  return look.people.resolve(items.flatMap((i) => [i.requester, ...look.userIdsOf(i.assignees)]));
}

const meRef = () => `user:${look.session.me.id}`;
export const isMine = (item) => (item.assignees || []).includes(meRef());

/** Take an item: the caller becomes its assignee (teams it is with stay). Answers the changed item. */
export async function assignToMe(item) {
  const teams = (item.assignees || []).filter((a) => String(a).startsWith("team:"));
  const res = await api("PATCH", `/v1/items/${encodeURIComponent(item.ref)}`, { body: { assignees: [...teams, meRef()] }, ifMatch: `"${item.version}"` });
  return res.data;
}

function cells(item, ctl) {
  const take = isMine(item)
    ? null
    : h("button", { type: "button", class: "link", "aria-label": `Assign ${item.ref} to me`, text: "Assign to me", onclick: (e) => ctl.take(item, e.target) });
  return [
    h("td", { class: "ref", "data-label": "Ref", text: item.ref }),
    h("td", { class: "title", "data-label": "Title" }, h("a", { href: `#/items/${encodeURIComponent(item.ref)}`, text: item.title || "(no title)" }),
      (item.tags || []).length ? h("span", { class: "tags muted", text: ` ${item.tags.map((t) => `#${t}`).join(" ")}` }) : null),
    h("td", { "data-label": "Status" }, statusBadge(item)),
    h("td", { "data-label": "Priority" }, priorityBadge(item.priority)),
    h("td", { "data-label": "Assignee", text: assigneeText(item) }),
    h("td", { "data-label": "Requester", text: look.people.name(item.requester) }),
    h("td", { "data-label": "Project", text: look.projectName(item.project_id) }),
    h("td", { "data-label": "Due", text: formatDate(item.due_date) }),
    h("td", { "data-label": "Last activity" }, h("time", { datetime: item.updated_at, title: formatDate(item.updated_at), text: relativeTime(item.updated_at) })),
    h("td", { class: "actions", "data-label": "Actions" }, take),
  ];
}

function fillRow(tr, item, ctl) {
  tr.item = item;
  tr.dataset.version = String(item.version);
  while (tr.children.length > 1) tr.lastChild.remove();
  tr.append(...cells(item, ctl));
}

function makeRow(item, ctl) {
  const box = h("input", { type: "checkbox", "aria-label": `Select ${item.ref}`, checked: ctl.selected.has(item.ref) });
  box.addEventListener("change", () => ctl.toggle(item.ref, box.checked));
  const tr = h("tr", { dataset: { ref: item.ref } }, h("td", { class: "select" }, box));
  tr.box = box;
  fillRow(tr, item, ctl);
  return tr;
}

export function listView(route) {
  const params = route.params;
  const viewId = params.get("view") || "";
  const queueId = viewId ? "" : params.get("queue") || "";
  const selected = new Set();
  const rows = new Map(); // ref → <tr>
  const tbody = h("tbody", {});
  const more = h("button", { type: "button", class: "secondary", hidden: true, text: "Load more" });
  const out = h("div", { "aria-live": "polite" });
  const searchInput = h("input", { type: "search", name: "q", autocomplete: "off" });
  const all = h("input", { type: "checkbox", "aria-label": "Select all items on this page" });
  let queue = null; // the open queue, or the view's underlying filters: itemsQuery() reads both alike
  let base = null;
  let queues = null;
  let bar = null;
  let nav = null;
  let rendered = false;
  let cursorIndex = -1;
  let unbind = () => {};

  const syncSelection = () => {
    const shown = [...rows.keys()];
    const count = shown.filter((r) => selected.has(r)).length;
    all.checked = shown.length > 0 && count === shown.length;
    all.indeterminate = count > 0 && count < shown.length;
    bar?.update();
  };
  const ctl = {
    selected,
    toggle(ref, on) {
      if (on) selected.add(ref);
      else selected.delete(ref);
      syncSelection();
    },
    async take(item, button) {
      button.disabled = true;
      try {
        const fresh = await assignToMe(item);
        out.replaceChildren(notice("ok", `${item.ref} is assigned to you.`));
        await view.refresh();
        rows.get(fresh.ref)?.querySelector("td.title a")?.focus();
      } catch (err) {
        out.replaceChildren(notice("error", err.status === 412 ? `${item.ref} changed meanwhile; the list is up to date now, try again.` : err.message));
        button.disabled = false;
        view.refresh();
      }
    },
  };
  all.addEventListener("change", () => {
    for (const [ref, tr] of rows) {
      tr.box.checked = all.checked;
      if (all.checked) selected.add(ref);
      else selected.delete(ref);
    }
    syncSelection();
  });

  const addRows = (items) => {
    for (const item of items) {
      if (rows.has(item.ref)) continue; // already shown (moved up by a live refresh)
      const tr = makeRow(item, ctl);
      rows.set(item.ref, tr);
      tbody.append(tr);
    }
    if (!rows.size) out.replaceChildren(h("p", { class: "muted", text: "No items match." }));
    syncSelection();
  };

  /** Bring the first `window` rows up to date with a fresh read of them, in place. */
  const reconcile = (items, windowSize) => {
    const active = document.activeElement;
    const anchor = [...tbody.children].find((tr) => tr.getBoundingClientRect().bottom > 0);
    const anchorTop = anchor?.getBoundingClientRect().top;
    const fresh = new Set(items.map((i) => i.ref));
    for (const tr of [...tbody.children].slice(0, windowSize)) {
      if (fresh.has(tr.dataset.ref) || tr.contains(active)) continue;
      rows.delete(tr.dataset.ref);
      selected.delete(tr.dataset.ref);
      tr.remove();
    }
    let added = 0;
    items.forEach((item, i) => {
      let tr = rows.get(item.ref);
      if (!tr) {
        tr = makeRow(item, ctl);
        tr.classList.add("fresh");
        rows.set(item.ref, tr);
        added += 1;
      } else if (tr.dataset.version !== String(item.version) && !tr.contains(active)) {
        fillRow(tr, item, ctl);
      }
      if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] || null);
    });
    if (active && active !== document.activeElement && active.isConnected) active.focus({ preventScroll: true });
    if (anchor?.isConnected && window.scrollY > 0) window.scrollBy(0, anchor.getBoundingClientRect().top - anchorTop);
    if (added) out.replaceChildren(notice("info", `${added} new item${added === 1 ? "" : "s"} in this list.`));
    else if (rows.size && out.querySelector(".muted")) out.replaceChildren();
    if (!rows.size) out.replaceChildren(h("p", { class: "muted", text: "No items match." }));
    syncSelection();
  };

  const currentRow = () => {
    const list = [...tbody.children];
    const focused = document.activeElement?.closest?.("tbody tr");
    const i = focused ? list.indexOf(focused) : -1;
    return i >= 0 ? i : Math.min(cursorIndex, list.length - 1);
  };
  const moveTo = (i) => {
    const list = [...tbody.children];
    list.forEach((tr) => tr.classList.remove("current"));
    if (!list[i]) return;
    cursorIndex = i;
    list[i].classList.add("current");
    list[i].querySelector("td.title a")?.focus();
  };
  const keys = {
    next: () => moveTo(step(currentRow(), 1, tbody.children.length)),
    previous: () => moveTo(step(currentRow(), -1, tbody.children.length)),
    open: () => {
      const tr = tbody.children[currentRow()];
      if (tr) go(`/items/${tr.dataset.ref}`);
    },
    select: () => tbody.children[currentRow()]?.box.click(),
    search: () => searchInput.focus(),
  };

  const view = defineView({
    load: async () => {
      const lists = rendered ? [] : [look.staff(), look.teams(), look.projects(), look.itemTypes()].map((p) => p.catch(() => []));
      const macros = rendered ? null : look.macros();
      const queuesLoad = loadQueues();
      const viewsLoad = rendered ? null : loadViews();
      if (queueId && !queue) {
        queues = await queuesLoad;
        queue = queues.find((q) => q.id === queueId) || null;
      }
      if (viewId && !rendered) {
        base = await loadBaseView(viewId);
        queue = base ? { filters: baseFilters(base) } : null;
      }
      const limit = rendered ? Math.min(WINDOW_MAX, Math.max(PAGE, rows.size)) : PAGE;
      const [fresh, first] = await Promise.all([queuesLoad, get("/v1/items", itemsQuery(params, queue, { limit })), ...lists]);
      const views = viewsLoad ? await viewsLoad : null;
      await Promise.all([
        look.people.resolve([...(first.items || []).flatMap((i) => [i.requester, ...look.userIdsOf(i.assignees)]), params.get("requester")]),
        views ? resolveOwners(views) : null,
      ]);
      return { queues: fresh, first, limit, views, macros: macros ? await macros : [] };
    },
    render: async (data) => {
      rendered = true;
      queues = data.queues;
      nav = queueBar(params, queues);
      bar = bulkBar({
        macros: data.macros,
        selected: () => selected,
        onClear: () => {
          selected.clear();
          for (const tr of rows.values()) tr.box.checked = false;
          syncSelection();
        },
        onDone: async (results) => {
          for (const r of results) if (r.ok) selected.delete(r.ref);
          for (const [ref, tr] of rows) tr.box.checked = selected.has(ref);
          await view.refresh();
        },
      });
      const table = h("table", { class: "items-table" },
        h("caption", { class: "sr-only", text: base ? `Items: ${base.name}` : queue ? `Items: ${queue.name}` : "Items" }),
        h("thead", {}, h("tr", {}, h("th", { scope: "col", class: "select" }, all), COLUMNS.map((t) => h("th", { scope: "col", text: t })))),
        tbody);
      const requester = params.get("requester");
      page("Items",
        nav,
        toolbar(params, searchInput),
        requester ? h("p", { class: "row chip" }, `Requested by ${look.people.name(requester, "one customer")}`,
          h("a", { href: `#/list?${new URLSearchParams(listParams(params, { requester: "" }))}`, text: "Show every requester" })) : null,
        h("div", { class: "list-layout" }, h("div", { class: "list-side" },
          params.get("project_id") ? foldersPanel(params.get("project_id"), params) : null,
          filtersBox(params, viewsPanel({ views: data.views || [], query: itemsQuery(params, queue), params, base, queues }))),
          h("section", { class: "card table-card", "aria-label": "Results" },
            queueId && !queue && queues.length ? notice("error", "This queue does not exist; showing all items.") : null,
            viewId && !base ? notice("error", "This view does not exist or is not shared with you; showing the filters in the address.") : null,
            bar, out, table, more)));
      let first = data.first;
      const loadMore = pager({
        button: more,
        key: (item) => item.ref,
        fetchPage: async (cursor) => {
          if (!cursor && first) {
            const p = first;
            first = null;
            return p;
          }
          const next = await get("/v1/items", itemsQuery(params, queue, { limit: PAGE, cursor }));
          await resolveNames(next.items || []);
          return next;
        },
        render: addRows,
        onError: (err) => out.replaceChildren(notice("error", err.message)),
      });
      await loadMore();
      unbind = bindKeys(document, LIST_SHORTCUTS, keys);
    },
    update: async (data) => {
      nav?.update(data.queues);
      reconcile(data.first.items || [], data.limit);
    },
    dispose: () => unbind(),
  });
  return view;
}
