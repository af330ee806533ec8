// Status board: a column per status of the kind; dragging a card (or choosing from its "Move to"
// menu, for keyboards) PATCHes the status with If-Match so a stale card never overwrites news.
import { api, getAll } from "../js/api.js";
import { h, field, notice } from "../js/dom.js";
import { go } from "../js/router.js";
import { page, statusesOf, resolveCustomers } from "./state.js";
import { priorityBadge, assigneeText, options, projectPairs } from "./widgets.js";

const DRAG_TYPE = "application/x-tandem-ref";

function progress(item) {
  const pct = Math.max(0, Math.min(100, Number(item.percent_complete) || 0));
  return h("div", { class: "progress-row" },
    h("progress", { max: 100, value: pct, "aria-label": `${pct}% complete` }),
    h("span", { class: "muted", text: `${pct}%` }));
}

export async function boardView(route) {
  const kind = route.params.get("kind") || "ticket";
  const project = route.params.get("project_id") || "";
  const out = h("div", { "aria-live": "polite", class: "board-status" });
  const kindSel = h("select", { name: "kind" }, options([["ticket", "Tickets"], ["task", "Tasks"]], kind));
  const projSel = h("select", { name: "project_id" }, options(projectPairs(), project, "All projects"));
  const reload = () => go("/board", { kind: kindSel.value, project_id: projSel.value });
  kindSel.addEventListener("change", reload);
  projSel.addEventListener("change", reload);
  const statuses = statusesOf(kind);
  const byRef = new Map();
  const columns = new Map();

  const move = async (ref, status) => {
    const entry = byRef.get(ref);
    if (!entry || entry.item.status === status) return;
    const { item, card } = entry;
    out.replaceChildren(notice("info", `Moving ${ref}…`));
    try {
      const res = await api("PATCH", `/v1/items/${encodeURIComponent(ref)}`, { body: { status }, ifMatch: `"${item.version}"` });
      entry.item = res.data;
      columns.get(res.data.status)?.append(card);
      card.querySelector("select").value = res.data.status;
      recount();
      const name = statuses.find((s) => s.key === res.data.status)?.name || res.data.status;
      out.replaceChildren(notice("ok", `${ref} moved to ${name}.`));
    } catch (err) {
      const why = err.status === 412 ? "someone changed it meanwhile; the board is reloaded" : err.message;
      out.replaceChildren(notice("error", `${ref} was not moved: ${why}.`));
      card.querySelector("select").value = item.status;
      if (err.status === 412) setTimeout(reload, 1200);
    }
  };

  const card = (item) => {
    const sel = h("select", { "aria-label": `Move ${item.ref} to`, class: "move" }, options(statuses.map((s) => [s.key, s.name]), item.status));
    sel.addEventListener("change", () => move(item.ref, sel.value));
    const el = h(
      "article",
      { class: "kcard", draggable: "true", dataset: { ref: item.ref }, "aria-label": `${item.ref}: ${item.title}` },
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
    byRef.set(item.ref, { item, card: el });
    return el;
  };

  const counters = new Map();
  const recount = () => {
    for (const [key, list] of columns) counters.get(key).textContent = String(list.children.length);
  };

  const board = h(
    "div",
    { class: "board", role: "list" },
    statuses.map((s) => {
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
    }),
  );

  page(
    "Board",
    h("form", { class: "row board-filters", "aria-label": "Board scope", onsubmit: (e) => (e.preventDefault(), reload()) }, field("Kind", kindSel), field("Project", projSel)),
    out,
    board,
  );
  try {
    const items = await getAll("/v1/items", { kind, project_id: project }, 500);
    await resolveCustomers(items.map((i) => i.requester));
    for (const item of items) (columns.get(item.status) || columns.values().next().value)?.append(card(item));
    recount();
    board.dataset.ready = "true";
  } catch (err) {
    out.replaceChildren(notice("error", err.message));
  }
}
