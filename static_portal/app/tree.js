// Portfolio → project → item tree. Items load when a project is opened; an item dragged onto
// another project moves there (PATCH project_id with If-Match), as SPEC C2's tree does.
import { api, get } from "../js/api.js";
import { h, notice } from "../js/dom.js";
import { defineView } from "../js/view.js";
import { page } from "./state.js";
import * as look from "./lookups.js";
import { statusBadge } from "./widgets.js";

const DRAG_TYPE = "application/x-tandem-item";

function itemRow(item, out) {
  const li = h("li", { draggable: "true", dataset: { ref: item.ref } },
    h("span", { class: "ref", text: item.ref }), " ",
    h("a", { href: `#/items/${encodeURIComponent(item.ref)}`, draggable: "false", text: item.title || "(no title)" }), " ",
    statusBadge(item));
  li.addEventListener("dragstart", (e) => {
    e.dataTransfer.setData(DRAG_TYPE, JSON.stringify({ ref: item.ref, version: item.version }));
    e.dataTransfer.effectAllowed = "move";
  });
  li.item = item;
  return li;
}

function projectNode(project, out) {
  const list = h("ul", { class: "tree-items" });
  let loaded = false;
  const load = async () => {
    loaded = true;
    list.replaceChildren(h("li", { class: "muted", text: "Loading…" }));
    try {
      const data = await get("/v1/items", { project_id: project.id, limit: 100 });
      list.replaceChildren(...(data.items || []).map((i) => itemRow(i, out)));
      if (!list.children.length) list.append(h("li", { class: "muted", text: "No items." }));
      if (data.next_cursor) list.append(h("li", {}, h("a", { href: `#/list?project_id=${encodeURIComponent(project.id)}`, text: "All items of this project →" })));
    } catch (err) {
      list.replaceChildren(h("li", {}, notice("error", err.message)));
    }
  };
  const summary = h("summary", {}, h("span", { text: `📁 ${project.name}` }));
  const node = h("details", { class: "tree-project", dataset: { project: project.id } }, summary, list);
  node.addEventListener("toggle", () => node.open && !loaded && load());
  summary.addEventListener("dragover", (e) => {
    if ([...e.dataTransfer.types].includes(DRAG_TYPE)) {
      e.preventDefault();
      summary.classList.add("over");
    }
  });
  summary.addEventListener("dragleave", () => summary.classList.remove("over"));
  summary.addEventListener("drop", async (e) => {
    e.preventDefault();
    summary.classList.remove("over");
    let moved;
    try {
      moved = JSON.parse(e.dataTransfer.getData(DRAG_TYPE));
    } catch {
      return;
    }
    try {
      await api("PATCH", `/v1/items/${encodeURIComponent(moved.ref)}`, { body: { project_id: project.id }, ifMatch: `"${moved.version}"` });
      out.replaceChildren(notice("ok", `${moved.ref} moved to ${project.name}.`));
      document.querySelectorAll(`.tree-items li[data-ref="${CSS.escape(moved.ref)}"]`).forEach((li) => li.remove());
      node.open = true;
      await load();
    } catch (err) {
      out.replaceChildren(notice("error", `${moved.ref} was not moved: ${err.message}`));
    }
  });
  return node;
}

export function treeView() {
  return defineView({
    load: () => Promise.all([look.portfolios(), look.projects()]),
    render: ([portfolios, projects]) => renderTree(portfolios, projects),
    update: null, // opened projects keep what they loaded; the tree is reloaded by navigating to it again
  });
}

function renderTree(portfolios, allProjects) {
  const out = h("div", { "aria-live": "polite" });
  const groups = [...portfolios.map((p) => ({ id: p.id, name: p.name })), { id: null, name: "Without portfolio" }];
  page(
    "Portfolios and projects",
    h("p", { class: "muted", text: "Open a project to see its items; drag an item onto another project to move it." }),
    out,
    h("div", { class: "tree" },
      groups.map((g) => {
        const projects = allProjects.filter((p) => (p.portfolio_id || null) === g.id);
        if (!projects.length && g.id === null) return null;
        return h("section", { class: "card tree-portfolio", "aria-label": g.name },
          h("h2", { text: `🗂 ${g.name}` }),
          projects.length ? projects.map((p) => projectNode(p, out)) : h("p", { class: "muted", text: "No projects." }));
      })),
  );
}
