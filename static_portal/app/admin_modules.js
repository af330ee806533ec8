// Admin → Settings (`#/admin/modules`): the module switches (issue 15) and the workspace's own settings. A module
// switched off leaves the workspace, the portal and the widget at once; switched on again, everything is back.
import { api } from "../js/api.js";
import { h, notice, uid } from "../js/dom.js";
import { MODULES, moduleStates, modulesPatch } from "../js/modules.js";
import { state, page } from "./state.js";
import { modulesChanged } from "./modules_ui.js";

const conflict = (err) => (err.status === 412 ? "Changed by someone else meanwhile: reload the page." : err.message);

function switchRow(m, on) {
  const input = h("input", { type: "checkbox", role: "switch", id: uid(`mod-${m.name}`), name: m.name, checked: on });
  const help = h("p", { class: "muted module-help", id: `${input.id}-help`, text: m.description });
  input.setAttribute("aria-describedby", help.id);
  return { input, el: h("div", { class: "module-switch", dataset: { module: m.name } },
    h("div", { class: "check" }, input, h("label", { for: input.id, text: m.label })), help) };
}

/** `redraw(message)`: show this screen again (its admin tabs follow the modules) with a message. */
export async function modulesView(nav, redraw, message = "") {
  let res;
  try {
    res = await api("GET", "/v1/settings");
  } catch (err) {
    return page("Settings", nav, notice("error", err.message));
  }
  const before = moduleStates(res.data.modules);
  const rows = MODULES.map((m) => ({ m, ...switchRow(m, before[m.name]) }));
  const out = h("div", { "aria-live": "polite" }, message ? notice("ok", message) : "");
  const seeAll = h("input", { type: "checkbox", id: uid("asa"), checked: !!res.data.agents_see_all });
  const wsOut = h("div", { "aria-live": "polite" });
  const save = async (body, where, then) => {
    try {
      res = await api("PATCH", "/v1/settings", { ifMatch: res.etag, body });
      state.settings = res.data;
      await then();
    } catch (err) {
      where.replaceChildren(notice("error", conflict(err)));
    }
  };
  page("Settings", nav,
    h("form", { class: "card", "aria-label": "Modules", novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      const after = Object.fromEntries(rows.map((r) => [r.m.name, r.input.checked]));
      const changes = modulesPatch(before, after);
      if (!Object.keys(changes).length) return out.replaceChildren(notice("info", "Nothing changed."));
      return save({ modules: changes }, out, async () => {
        await modulesChanged();
        await redraw("Modules saved.");
      });
    } },
    h("h2", { text: "Modules" }),
    h("p", { class: "muted", text: "Switch off what this help desk does not use: its screens disappear and its API answers 404 module_disabled. Nothing is deleted; switching a module on brings it back as it was." }),
    rows.map((r) => r.el), out, h("button", { type: "submit", text: "Save modules" })),
    h("form", { class: "card", "aria-label": "Workspace", novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      return save({ agents_see_all: seeAll.checked }, wsOut, async () => wsOut.replaceChildren(notice("ok", "Saved.")));
    } },
    h("h2", { text: "Workspace" }),
    h("div", { class: "field check" }, seeAll, h("label", { for: seeAll.id, text: "Agents see every project (open help desk)" })),
    wsOut, h("button", { type: "submit", text: "Save" })));
}
