// Status board: a column per status of the kind (the tenant's lifecycle from /v1/me); dragging a card
// (or choosing from its "Move to" menu, for keyboards) PATCHes the status with If-Match so a stale card
// never overwrites news. Live updates move, add and remove cards in place.
import { api, getAll } from "../js/api.js";
import { h, field, notice } from "../js/dom.js";
import { go } from "../js/router.js";
import { defineView } from "../js/view.js";
import { page } from "./state.js";
import * as look from "./lookups.js";
import { priorityBadge, assigneeText, options, projectPairs } from "./widgets.js";
import { resolveNames } from "./list.js";
import { kinds } from "./modules_ui.js";

const DRAG_TYPE = "application/x-tandem-ref";
const MAX_CARDS = 500;

function progress(item) {
  const pct = Math.max(0, Math.min(100, Number(item.percent_complete) || 0));
  return h("div", { class: "progress-row" },
    h("progress", { max: 100, value: pct, "aria-label": `${pct}% complete` }),
    h("span", { class: "muted", text: `${pct}%` }));
}

export function boardView(route) {
  const kind = route.params.get("kind") || "ticket";
  const project = route.params.get("project_id") || "";
  const out = h("div", { "aria-live": "polite", class: "board-status" });
  const statuses = look.statusesOf(kind);
  const byRef = new Map();
  const columns = new Map();
  const counters = new Map();
  let board = null;
  let reload = () => go("/board", { kind, project_id: project });

  const recount = () => {
    for (const [key, list] of columns) counters.get(key).textContent = String(list.children.length);
  };
  const columnOf = (item) => columns.get(item.status) || columns.values().next().value;

  const move = async (ref, status) => {
    const entry = byRef.get(ref);
    if (!entry || entry.item.status === status) return;
    const { item, card } = entry;
    out.replaceChildren(notice("info", `Moving ${ref}…`));
    try {
      const res = await api("PATCH", `/v1/items/${encodeURIComponent(ref)}`, { body: { status }, ifMatch: `"${item.version}"` });
      place(res.data);
      const name = statuses.find((s) => s.key === res.data.status)?.name || look.statusName(kind, res.data.status);
      out.replaceChildren(notice("ok", `${ref} moved to ${name}.`));
    } catch (err) {
      const why = err.status === 412 ? "someone changed it meanwhile; the board is reloaded" : err.message;
      out.replaceChildren(notice("error", `${ref} was not moved: ${why}.`));
      card.querySelector("select").value = item.status;
      if (err.status === 412) setTimeout(reload, 1200);
    }
  };

  const makeCard = (item) => {
    const sel = h("select", { "aria-label": `Move ${item.ref} to`, class: "move" }, options(statuses.map((s) => [s.key, s.name]), item.status));
    sel.addEventListener("change", () => move(item.ref, sel.value));
    const el = h(
      "article",
      { class: "kcard", draggable: "true", dataset: { ref: item.ref, version: String(item.version) }, "aria-label": `${item.ref}: ${item.title}` },
      h("div", { class: "kcard-top" }, h("span", { class: "ref", text: item.ref }), priorityBadge(item.priority)),
      h("a", { href: `#/items/${encodeURIComponent(item.ref)}`, class: "kcard-title", draggable: "false", text: item.title || "(no title)" }),
      h("div", { class: "muted kcard-assignee", text: assigneeText(item) }),
      item.due_date ? h("div", { class: "muted", text: `Due ${item.due_date}` }) : null,
      progress(item),
      sel,
    );
    el.addEventListener("dragstart", (e) => {
      e.dataTransfer.setData(DRAG_TYPE, item.ref);
      e.dataTransfer.setData("text/plain", item.ref);
      e.dataTransfer.effectAllowed = "move";
      el.classList.add("dragging");
    });
    el.addEventListener("dragend", () => el.classList.remove("dragging"));
    return el;
  };

  /** Show `item` where its status says: a new card, a fresh copy of a changed one (not while it has the focus), moved. */
  const place = (item) => {
    const entry = byRef.get(item.ref);
    let card = entry?.card;
    if (!card) card = makeCard(item);
    else if (entry.item.version !== item.version && !card.contains(document.activeElement)) {
      const fresh = makeCard(item);
      card.replaceWith(fresh);
      card = fresh;
    }
    byRef.set(item.ref, { item, card });
    const target = columnOf(item);
    if (card.parentElement !== target) target?.append(card);
    recount();
  };

  const column = (s) => {
    const list = h("div", { class: "kcol-cards", dataset: { status: s.key } });
    const count = h("span", { class: "badge", text: "0" });
    columns.set(s.key, list);
    counters.set(s.key, count);
    const col = h("section", { class: ["kcol", `cat-${s.category}`], role: "listitem", "aria-label": s.name, dataset: { status: s.key } }, h("h2", {}, s.name, count), list);
    col.addEventListener("dragover", (e) => {
      if ([...e.dataTransfer.types].includes(DRAG_TYPE)) {
        e.preventDefault();
        e.dataTransfer.dropEffect = "move";
        col.classList.add("over");
      }
    });
    col.addEventListener("dragleave", () => col.classList.remove("over"));
    col.addEventListener("drop", (e) => {
      e.preventDefault();
      col.classList.remove("over");
      const ref = e.dataTransfer.getData(DRAG_TYPE);
      if (ref) move(ref, s.key);
    });
    return col;
  };

  return defineView({
    load: async () => {
      const [items] = await Promise.all([
        getAll("/v1/items", { kind, project_id: project }, MAX_CARDS),
        look.projects().catch(() => []),
        look.teams().catch(() => []),
      ]);
      await resolveNames(items);
      return items;
    },
    render: (items) => {
      const kindSel = h("select", { name: "kind" }, options(kinds({ plural: true }), kind));
      const projSel = h("select", { name: "project_id" }, options(projectPairs(), project, "All projects"));
      reload = () => go("/board", { kind: kindSel.value, project_id: projSel.value });
      kindSel.addEventListener("change", reload);
      projSel.addEventListener("change", reload);
      board = h("div", { class: "board", role: "list" }, statuses.map(column));
      page(
        "Board",
        h("form", { class: "row board-filters", "aria-label": "Board scope", onsubmit: (e) => (e.preventDefault(), reload()) }, field("Kind", kindSel), field("Project", projSel)),
        out,
        board,
      );
      items.forEach(place);
      recount();
      board.dataset.ready = "true";
    },
    update: (items) => {
      const seen = new Set(items.map((i) => i.ref));
      for (const [ref, { card }] of byRef) {
        if (seen.has(ref) || card.contains(document.activeElement)) continue;
        card.remove();
        byRef.delete(ref);
      }
      items.forEach(place);
      recount();
    },
  });
}
