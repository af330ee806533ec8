// The "Views" section beside the item list (it replaced the browser-local saved filters): the caller's views
// and those shared with it, "Save view" for the list as it is shown, and — when the list was opened to change
// a view's filters — "Save filters to …" for a view the caller may change. Views live on the server
// (/v1/views), so they follow a person to every browser and can be shared.
import { api, getAll } from "../js/api.js";
import { h, field, notice } from "../js/dom.js";
import { go } from "../js/router.js";
import * as look from "./lookups.js";
import { options } from "./widgets.js";
import { listParams } from "./list_query.js";
import { sortViews, visibilityText, visibilityBody, canEdit, listAsView, legacyView } from "./views_model.js";

/** Every view the caller sees (its own and those shared with it); a failure reads as none. */
export async function loadViews() {
  try {
    return await getAll("/v1/views", {}, 1000);
  } catch {
    return [];
  }
}

/** The owners' names of these views, in one request. */
export const resolveOwners = (views) => look.people.resolve(views.map((v) => v.owner_id));

/** The choices of "Who sees it": only me, everyone, or one of the tenant's teams. */
export function visibilityPairs() {
  return [["private", "Only me"], ["everyone", "Everyone"], ...look.known("teams").map((t) => [`team:${t.id}`, `Team: ${t.name}`])];
}

/** "Private", "Shared with everyone" for one's own views; "Shared by Andy Agent" for a colleague's. */
export function viewNote(view) {
  const me = look.session.me;
  if (view.owner_id === me?.id) return visibilityText(view, look.teamName);
  const team = view.team_id ? ` with team ${look.teamName(view.team_id) || "(a team)"}` : "";
  return `Shared by ${look.people.name(view.owner_id, "a colleague")}${team}`;
}

/** Links to the views, the caller's own first; `current` (an id) is marked as the one shown. */
export function viewsList(views, { current } = {}) {
  if (!views.length) return h("p", { class: "muted", text: "No views yet." });
  return h("ul", { class: "views", "aria-label": "Saved views" }, sortViews(views, look.session.me?.id).map((v) =>
    h("li", { dataset: { view: v.id } },
      h("a", { href: `#/views/${encodeURIComponent(v.id)}`, "aria-current": current === v.id ? "page" : null, text: v.name }),
      " ",
      h("span", { class: ["muted", "view-note", v.shared ? "shared" : null], text: viewNote(v) }))));
}

/** Field errors of a refused save, next to their fields; anything else in `out`. */
export function showError(err, out, fields) {
  const found = err.fieldErrors ? err.fieldErrors() : {};
  let placed = false;
  for (const [name, wrap] of Object.entries(fields)) {
    const message = found[name];
    wrap.setError(message || "");
    if (message) placed = true;
  }
  out.replaceChildren(placed ? notice("error", "Check the highlighted field.") : notice("error", err.message));
}

/**
 * "Save view": the list as shown (filters, order; a view's columns and grouping when the list came from one)
 * under a name, private or shared; the new view opens.
 */
function saveViewForm({ query, params, base }) {
  const name = h("input", { type: "text", name: "view_name", maxlength: 200, autocomplete: "off" });
  const who = h("select", { name: "visibility" }, options(visibilityPairs(), "private"));
  const fields = { name: field("View name", name), team_id: field("Who sees it", who) };
  const out = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "secondary", text: "Save view" });
  return h("form", { class: "stack", "aria-label": "Save view", onsubmit: async (e) => {
    e.preventDefault();
    if (!name.value.trim()) {
      fields.name.setError("Give the view a name.");
      return name.focus();
    }
    const body = { name: name.value.trim(), ...visibilityBody(who.value), ...listAsView(query, params) };
    if (base) Object.assign(body, { columns: base.columns, group_by: base.group_by });
    submit.disabled = true;
    try {
      const res = await api("POST", "/v1/views", { body });
      go(`/views/${encodeURIComponent(res.data.id)}`);
    } catch (err) {
      showError(err, out, fields);
      submit.disabled = false;
    }
  } }, fields.name, fields.team_id, out, submit);
}

/** The list opened from a view: what it is, the way back, and saving the changed filters to it. */
function fromView({ base, query, params }) {
  const out = h("div", { "aria-live": "polite" });
  const save = canEdit(base, look.session.me)
    ? h("button", { type: "button", text: `Save filters to “${base.name}”`, onclick: async (e) => {
        e.target.disabled = true;
        try {
          await api("PATCH", `/v1/views/${encodeURIComponent(base.id)}`, { body: listAsView(query, params), ifMatch: `"${base.version}"` });
          go(`/views/${encodeURIComponent(base.id)}`);
        } catch (err) {
          out.replaceChildren(notice("error", err.status === 412 ? "The view changed meanwhile: open it again and redo the change." : err.message));
          e.target.disabled = false;
        }
      } })
    : null;
  return h("div", { class: "stack from-view" },
    h("p", {}, "Filters of the view ", h("a", { href: `#/views/${encodeURIComponent(base.id)}`, text: base.name })),
    save, out);
}

// Before views, filters were saved in the browser (localStorage, per tenant): offered once as private views.
const legacyKey = () => `tandem.savedFilters.${look.session.me?.tenant?.id}`;

function legacyFilters() {
  try {
    const list = JSON.parse(localStorage.getItem(legacyKey()) || "[]");
    return Array.isArray(list) ? list.filter((f) => f && typeof f.name === "string" && f.params && typeof f.params === "object") : [];
  } catch {
    return [];
  }
}

/** "Turn them into private views": each becomes a view and leaves the browser's list (a retry redoes none). */
function legacyOffer(queues, params) {
  const old = legacyFilters();
  if (!old.length) return null;
  const out = h("div", { "aria-live": "polite" });
  const n = old.length;
  return h("div", { class: "stack from-view" },
    h("p", { text: `${n} filter${n === 1 ? " was" : "s were"} saved in this browser only, before views existed.` }),
    h("button", { type: "button", class: "secondary", text: "Turn them into private views", onclick: async (e) => {
      e.target.disabled = true;
      try {
        for (const f of old) {
          await api("POST", "/v1/views", { body: legacyView(f, queues) });
          localStorage.setItem(legacyKey(), JSON.stringify(legacyFilters().filter((g) => g.name !== f.name)));
        }
        localStorage.removeItem(legacyKey());
        go("/list", listParams(params));
      } catch (err) {
        out.replaceChildren(notice("error", err.message));
        e.target.disabled = false;
      }
    } }),
    out);
}

/** The section itself. `query` is the list's `GET /v1/items` query; `base` the view the list was opened from. */
export function viewsPanel({ views, query, params, base, queues = [] }) {
  return h("section", { class: "card", "aria-label": "Views" },
    h("h2", { text: "Views" }),
    base ? fromView({ base, query, params }) : null,
    legacyOffer(queues, params),
    viewsList(views, { current: base?.id }),
    saveViewForm({ query, params, base }));
}
