// A saved view's settings form: name (rename), who sees it, order, grouping and the column chooser; "Save
// changes" and "Delete view" for its owner or an admin, "Save as new view" for anyone who sees it. The allowed
// columns and groupings are the API's (GET /v1/views/columns), so the form offers nothing the API refuses.
import { api } from "../js/api.js";
import { h, field, notice } from "../js/dom.js";
import { go } from "../js/router.js";
import * as look from "./lookups.js";
import { options } from "./widgets.js";
import { SORTS } from "./list_query.js";
import { columnLabel, visibilityOf, visibilityBody, canEdit, toggleColumn, moveColumn, chooserOrder } from "./views_model.js";
import { visibilityPairs, showError } from "./views_panel.js";

/** The column chooser: a checkbox per allowed column (chosen ones first, in their order) and moves for those. */
function columnChooser(initial, allowed) {
  let columns = [...initial];
  const list = h("ul", { class: "column-chooser" });
  const box = h("fieldset", { class: "columns-field" }, h("legend", { text: "Columns" }), list);
  const draw = (focusKey, focusWhat) => {
    list.replaceChildren(...chooserOrder(columns, allowed).map((key) => {
      const on = columns.includes(key);
      const check = h("input", { type: "checkbox", name: "columns", value: key, checked: on, onchange: () => {
        columns = toggleColumn(columns, key, check.checked);
        draw(key, "check");
      } });
      const i = columns.indexOf(key);
      const move = (delta, word, arrow, disabled) => h("button", { type: "button", class: "link move", "aria-label": `Move ${columnLabel(key)} ${word}`, text: arrow, disabled, dataset: { move: word }, onclick: () => {
        columns = moveColumn(columns, key, delta);
        draw(key, word);
      } });
      return h("li", { dataset: { column: key } },
        h("label", {}, check, " ", columnLabel(key)),
        on ? h("span", { class: "moves" }, move(-1, "up", "↑", i === 0), move(1, "down", "↓", i === columns.length - 1)) : null);
    }));
    // Keep the keyboard where it was: the control that was used, in its new place.
    const li = focusKey ? list.querySelector(`li[data-column="${CSS.escape(focusKey)}"]`) : null;
    const target = li && (focusWhat === "check" ? li.querySelector("input") : li.querySelector(`button[data-move="${focusWhat}"]:not([disabled])`) || li.querySelector("input"));
    target?.focus();
  };
  draw();
  box.value = () => [...columns];
  return box;
}

/**
 * settingsForm({view, catalog, onSaved}) → the form. onSaved(message) reloads the screen after a change.
 */
export function settingsForm({ view, catalog, onSaved }) {
  const editable = canEdit(view, look.session.me);
  const name = h("input", { type: "text", name: "name", maxlength: 200, autocomplete: "off", value: view.name });
  const who = h("select", { name: "visibility" }, options(visibilityPairs(), visibilityOf(view)));
  const sort = h("select", { name: "sort" }, options(SORTS, view.sort));
  const group = h("select", { name: "group_by" }, options(catalog.groups.map((g) => [g, columnLabel(g)]), view.group_by || "", "No grouping"));
  const chooser = columnChooser(view.columns, catalog.columns);
  const fields = { name: field("View name", name), team_id: field("Who sees it", who), sort: field("Sort by", sort), group_by: field("Group by", group) };
  const out = h("div", { "aria-live": "polite" });
  const body = () => ({ name: name.value.trim(), ...visibilityBody(who.value), sort: sort.value, group_by: group.value || null, columns: chooser.value() });
  const busy = (on) => form.querySelectorAll("button").forEach((b) => (b.disabled = on));
  const send = async (work) => {
    if (!name.value.trim()) {
      fields.name.setError("Give the view a name.");
      return name.focus();
    }
    busy(true);
    try {
      await work();
    } catch (err) {
      showError(err, out, { ...fields, columns: { setError: () => {} } });
      if (err.status === 412) out.replaceChildren(notice("error", "Someone changed this view meanwhile: reload it and redo your change."));
    } finally {
      if (form.isConnected) busy(false);
    }
  };
  const save = () => send(async () => {
    await api("PATCH", `/v1/views/${encodeURIComponent(view.id)}`, { body: body(), ifMatch: `"${view.version}"` });
    await onSaved("View saved.");
  });
  const saveAs = () => send(async () => {
    const res = await api("POST", "/v1/views", { body: { ...body(), filters: view.filters } });
    go(`/views/${encodeURIComponent(res.data.id)}`);
  });
  const deleteBox = h("div", { class: "row" });
  const askDelete = () => deleteBox.replaceChildren(
    h("p", { role: "status", text: `Delete “${view.name}” for everyone who sees it?` }),
    h("button", { type: "button", class: "danger", text: "Yes, delete the view", onclick: () => send(async () => {
      await api("DELETE", `/v1/views/${encodeURIComponent(view.id)}`, { ifMatch: `"${view.version}"` });
      go("/list");
    }) }),
    h("button", { type: "button", class: "secondary", text: "Cancel", onclick: () => deleteBox.replaceChildren(deleteButton) }));
  const deleteButton = h("button", { type: "button", class: "secondary", text: "Delete view", onclick: askDelete });
  deleteBox.append(deleteButton);
  const form = h("form", { class: "card stack view-settings", "aria-label": "View settings", onsubmit: (e) => {
    e.preventDefault();
    if (editable) save();
    else saveAs();
  } },
  h("h2", { text: "View settings" }),
  editable ? null : h("p", { class: "muted", text: "Only its owner or an admin can change this view: save it as a new view to make your own." }),
  fields.name, fields.team_id, fields.sort, fields.group_by, chooser, out,
  h("div", { class: "row" },
    editable ? h("button", { type: "submit", text: "Save changes" }) : null,
    h("button", { type: editable ? "button" : "submit", class: editable ? "secondary" : null, text: "Save as new view", onclick: editable ? saveAs : null })),
  editable ? deleteBox : null);
  return form;
}
