// Admin: macros — bundles of the rules' actions that agents apply to an item in one click. List, create,
// edit and delete, with the same action pickers as the rule editor.
import { api, getAll } from "../js/api.js";
import { h, notice } from "../js/dom.js";
import { go } from "../js/router.js";
import { page } from "./state.js";
import { apiFieldErrors, checkActions, describeAction } from "./admin_rule_model.js";
import { adminDirectory, deleteButton, pathField, showFieldErrors, table } from "./admin_common.js";
import { actionsEditor } from "./admin_rule_editor.js";

async function macrosList(nav, flash) {
  let macros;
  let dir;
  try {
    [macros, dir] = await Promise.all([getAll("/v1/macros", {}, 1000), adminDirectory()]);
  } catch (err) {
    return page("Macros", nav, notice("error", err.message));
  }
  const out = h("div", { "aria-live": "polite" }, flash ? notice("ok", flash) : null);
  const remove = (m) => async () => {
    try {
      await api("DELETE", `/v1/macros/${encodeURIComponent(m.id)}`, { ifMatch: `"${m.version}"` });
      await macrosList(nav, `Macro ${m.name} deleted.`);
    } catch (err) {
      out.replaceChildren(notice("error", err.message));
    }
  };
  return page("Macros", nav, out,
    h("p", {}, h("a", { class: "button", href: "#/admin/macros/new", text: "New macro" })),
    h("section", { class: "card" },
      macros.length ? table("Macros", ["Name", "Does", ""], macros.map((m) => [
        h("a", { href: `#/admin/macros/${encodeURIComponent(m.id)}`, text: m.name }),
        m.actions.map((a) => describeAction(a, dir.names)).join("; ") || "nothing",
        deleteButton(m.name, remove(m)),
      ])) : h("p", { class: "muted", text: "No macros yet." })));
}

async function macroEditor(nav, id) {
  let macro = { name: "", actions: [] };
  let etag = null;
  let dir;
  try {
    const [loaded, d] = await Promise.all([id === "new" ? null : api("GET", `/v1/macros/${encodeURIComponent(id)}`), adminDirectory()]);
    if (loaded) [macro, etag] = [loaded.data, loaded.etag];
    dir = d;
  } catch (err) {
    return page("Macro", nav, notice("error", err.message));
  }
  const registry = new Map();
  const out = h("div", { "aria-live": "polite" });
  const name = h("input", { type: "text", value: macro.name, maxlength: 200, required: true });
  const actions = actionsEditor(dir, macro.actions, registry);
  async function submit(event) {
    event.preventDefault();
    out.replaceChildren();
    const body = { name: name.value.trim(), actions: actions.read() };
    const problems = [...(body.name ? [] : [{ field: "name", message: "A name is required." }]), ...checkActions(body.actions)];
    if (problems.length) {
      showFieldErrors(registry, problems);
      return out.replaceChildren(notice("error", "Some parts of the macro are missing: see the marked fields."));
    }
    try {
      if (etag) await api("PATCH", `/v1/macros/${encodeURIComponent(macro.id)}`, { body, ifMatch: etag });
      else await api("POST", "/v1/macros", { body });
      go("/admin/macros");
    } catch (err) {
      const left = showFieldErrors(registry, apiFieldErrors(err));
      out.replaceChildren(notice("error", left.length ? `${err.message} (${left.map((e) => e.field).join(", ")})` : err.message));
    }
  }
  return page(etag ? `Macro: ${macro.name}` : "New macro", nav,
    h("form", { novalidate: true, "aria-label": "Macro", onsubmit: submit },
      h("div", { class: "card" }, pathField(registry, "name", "Name", name, { required: true })),
      actions.el,
      out,
      h("div", { class: "row" }, h("button", { type: "submit", text: "Save macro" }), h("a", { class: "button secondary", href: "#/admin/macros", text: "Cancel" }))));
}

export function macrosView(nav, id) {
  return id ? macroEditor(nav, id) : macrosList(nav);
}
