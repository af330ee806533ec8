// Admin screens: item types and their web forms, users, roles, teams, projects, organisations and customers,
// portal settings, rules, macros, SLA policies, hooks, inbound webhooks, API keys, CSV import, and the settings with
// the module switches. #/admin/<section>[/<id>]. Each section is offered to those whose role holds the privilege it
// needs (roles_model.js ADMIN_SECTIONS); a switched-off module's sections leave the tabs (issue 15).
import { api } from "../js/api.js";
import { h, field, notice, humanize, uid } from "../js/dom.js";
import { go } from "../js/router.js";
import { state, page, loadDirectory } from "./state.js";
import { PRIORITIES, options, projectPairs } from "./widgets.js";
import { peopleView } from "./admin_people.js";
import { portalView } from "./admin_portal.js";
import { rulesView } from "./admin_rules.js";
import { usersView } from "./admin_users.js";
import { teamsView } from "./admin_teams.js";
import { projectsView } from "./admin_projects.js";
import { macrosView } from "./admin_macros.js";
import { slaView } from "./admin_sla.js";
import { hooksView } from "./admin_hooks.js";
import { inboundView } from "./admin_inbound.js";
import { keysView } from "./admin_keys.js";
import { importView } from "./admin_import.js";
import { modulesView } from "./admin_modules.js";
import { hiddenBy, kinds, offPage } from "./modules_ui.js";
import { rolesView } from "./admin_roles.js";
import { adminSections } from "./roles_model.js";

const FIELD_TYPES = ["text", "long_text", "number", "date", "single_choice", "multi_choice", "checkbox", "email", "file"];

const shownSection = (to) => !hiddenBy({ path: `/admin/${to}`, params: new URLSearchParams() });

function adminNav(section, sections) {
  const link = (to, label) => (shownSection(to) ? h("a", { href: `#/admin/${to}`, "aria-current": section === to ? "page" : null, text: label }) : null);
  return h("nav", { class: "tabs", "aria-label": "Admin sections" }, sections.map(([to, label]) => link(to, label)));
}

export async function adminView(section, id) {
  const sections = adminSections(state.me);
  if (!sections.length) return page("Admin", notice("error", "Your role does not manage the help desk's configuration."));
  if (!section) return go(`/admin/${sections[0][0]}`);
  const nav = adminNav(section, sections);
  if (!sections.some(([key]) => key === section)) return page("Admin", nav, notice("error", "Your role does not manage this section."));
  if (!shownSection(section)) return offPage(hiddenBy({ path: `/admin/${section}`, params: new URLSearchParams() }), nav);
  if (section === "modules") {
    const again = (message) => modulesView(adminNav(section, adminSections(state.me)), again, message); // its tabs follow the switches
    return modulesView(nav, again);
  }
  if (section === "roles") return rolesView(nav, id);
  if (section === "types") return id ? typeEditor(nav, id) : typesList(nav);
  if (section === "users") return usersView(nav, id);
  if (section === "teams") return teamsView(nav);
  if (section === "projects") return projectsView(nav, id);
  if (section === "people") return peopleView(nav);
  if (section === "portal") return portalView(nav);
  if (section === "rules") return rulesView(nav, id);
  if (section === "macros") return macrosView(nav, id);
  if (section === "sla") return slaView(nav, id);
  if (section === "hooks") return hooksView(nav);
  if (section === "inbound") return inboundView(nav);
  if (section === "keys") return keysView(nav);
  if (section === "import") return importView(nav);
  return page("Admin", nav, notice("error", "Unknown section."));
}

function typesList(nav) {
  const name = h("input", { type: "text", name: "name", required: true, maxlength: 100 });
  const kind = h("select", { name: "kind" }, options(kinds(), "ticket"));
  const out = h("div", { "aria-live": "polite" });
  const nameField = field("Name", name);
  page("Item types & forms", nav,
    h("section", { class: "card" },
      h("table", { class: "items-table" },
        h("thead", {}, h("tr", {}, ["Name", "Kind", "Inbound address", "Form fields", "Public", "Survey"].map((t) => h("th", { scope: "col", text: t })))),
        h("tbody", {}, state.types.map((t) => h("tr", {},
          h("td", { "data-label": "Name" }, h("a", { href: `#/admin/types/${encodeURIComponent(t.id)}`, text: t.name })),
          h("td", { "data-label": "Kind", text: humanize(t.kind) }),
          h("td", { "data-label": "Inbound address", text: t.inbound_address || "—" }),
          h("td", { "data-label": "Form fields", text: String((t.form?.fields || []).length) }),
          h("td", { "data-label": "Public", text: t.public ? "yes" : "no" }),
          h("td", { "data-label": "Survey", text: t.survey ? "yes" : "no" })))))),
    h("form", { class: "card narrow", "aria-label": "New item type", novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      nameField.setError(name.value.trim() ? "" : "A name is required.");
      if (!name.value.trim()) return name.focus();
      try {
        const { data } = await api("POST", "/v1/item-types", { body: { name: name.value.trim(), kind: kind.value } });
        await loadDirectory();
        go(`/admin/types/${data.id}`);
      } catch (err) {
        out.replaceChildren(notice("error", err.message));
      }
    } }, h("h2", { text: "New item type" }), nameField, field("Kind", kind), out, h("button", { type: "submit", text: "Create type" })));
}

/** One editable row of the form builder. */
function fieldRow(def, rows, redraw) {
  const key = h("input", { type: "text", value: def.key || "", pattern: "[a-z][a-z0-9_]*", maxlength: 40 });
  const label = h("input", { type: "text", value: def.label || "" });
  const type = h("select", {}, options(FIELD_TYPES.map((t) => [t, humanize(t)]), def.type || "text"));
  const required = h("input", { type: "checkbox", checked: !!def.required, id: uid("req") });
  const help = h("input", { type: "text", value: def.help || "" });
  const opts = h("input", { type: "text", value: (def.options || []).join(", ") });
  const row = h("fieldset", { class: "form-row" }, h("legend", { text: def.label || def.key || "New field" }),
    h("div", { class: "field-grid" }, field("Key", key, { help: "snake_case; use due_date (Date) for the due date" }), field("Label", label), field("Type", type),
      field("Options", opts, { help: "Comma-separated, for choice fields" }), field("Help text", help)),
    h("div", { class: "row" },
      h("div", { class: "check" }, required, h("label", { for: required.id, text: "Required" })),
      h("button", { type: "button", class: "secondary", text: "Move up", "aria-label": `Move ${def.key || "field"} up`, onclick: () => shift(-1) }),
      h("button", { type: "button", class: "secondary", text: "Move down", "aria-label": `Move ${def.key || "field"} down`, onclick: () => shift(1) }),
      h("button", { type: "button", class: "danger", text: "Remove", "aria-label": `Remove ${def.key || "field"}`, onclick: () => (rows.splice(rows.indexOf(api_), 1), redraw()) })));
  const api_ = {
    el: row,
    read: () => ({
      key: key.value.trim(), label: label.value.trim() || key.value.trim(), type: type.value, required: required.checked, help: help.value.trim(),
      options: opts.value.split(",").map((s) => s.trim()).filter(Boolean),
    }),
  };
  const shift = (d) => {
    const i = rows.indexOf(api_);
    const j = i + d;
    if (j < 0 || j >= rows.length) return;
    [rows[i], rows[j]] = [rows[j], rows[i]];
    redraw();
  };
  return api_;
}

async function typeEditor(nav, id) {
  let res;
  try {
    res = await api("GET", `/v1/item-types/${encodeURIComponent(id)}`);
  } catch (err) {
    return page("Item type", nav, notice("error", err.message));
  }
  const t = res.data;
  const name = h("input", { type: "text", value: t.name, maxlength: 100 });
  const inbound = h("input", { type: "email", value: t.inbound_address || "" });
  const pub = h("input", { type: "checkbox", checked: t.public, id: uid("pub") });
  const survey = h("input", { type: "checkbox", checked: t.survey, id: uid("survey") });
  const project = h("select", {}, options(projectPairs(), t.defaults?.project_id || "", "No default project"));
  const priority = h("select", {}, options(PRIORITIES.map((p) => [p, humanize(p)]), t.defaults?.priority || "normal"));
  const rows = [];
  const list = h("div", { class: "form-rows" });
  const redraw = () => list.replaceChildren(...rows.map((r) => r.el));
  for (const f of t.form?.fields || []) rows.push(fieldRow(f, rows, redraw));
  redraw();
  const out = h("div", { "aria-live": "polite" });
  page(`Type: ${t.name}`, nav, h("form", { class: "card", novalidate: true, "aria-label": "Item type", onsubmit: async (e) => {
    e.preventDefault();
    const body = {
      name: name.value.trim(), inbound_address: inbound.value.trim() || null, public: pub.checked, survey: survey.checked,
      defaults: { ...(t.defaults || {}), project_id: project.value || null, priority: priority.value },
      form: { fields: rows.map((r) => r.read()) },
    };
    try {
      const saved = await api("PATCH", `/v1/item-types/${encodeURIComponent(t.id)}`, { body, ifMatch: res.etag });
      res = saved;
      await loadDirectory();
      out.replaceChildren(notice("ok", "Saved."));
    } catch (err) {
      out.replaceChildren(notice("error", err.status === 412 ? "Changed by someone else meanwhile: reload the page." : `${err.message} ${err.details?.field ? `(${err.details.field})` : ""}`));
    }
  } },
    h("div", { class: "field-grid" }, field("Name", name), field("Inbound email address", inbound, { help: `Mail to this address becomes a ${t.kind} of this type` }),
      field("Default project", project), field("Default priority", priority)),
    h("div", { class: "row" }, h("div", { class: "check" }, pub, h("label", { for: pub.id, text: "Offer this form in the portal" })),
      h("div", { class: "check" }, survey, h("label", { for: survey.id, text: "This is a survey" }))),
    h("h2", { text: "Web form fields" }),
    list,
    h("button", { type: "button", class: "secondary", text: "Add a field", onclick: () => {
      rows.push(fieldRow({ key: "", label: "", type: "text" }, rows, redraw));
      redraw();
      rows[rows.length - 1].el.querySelector("input").focus();
    } }),
    out,
    h("div", { class: "row" }, h("button", { type: "submit", text: "Save type" }), h("a", { class: "button secondary", href: "#/admin/types", text: "Back" }))));
}

