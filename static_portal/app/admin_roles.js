// Admin: roles (issue 15) — the five built-ins (read-only) and the tenant's custom roles: a list, a new role
// form and one page per role with its privileges as checkboxes grouped as the API describes them. A custom role
// is renamed, re-described, given or stripped of privileges (its holders get them on their next request) and
// deleted once nobody holds it. #/admin/roles[/<id>].
import { api, get, getAll } from "../js/api.js";
import { h, field, notice, uid } from "../js/dom.js";
import { go } from "../js/router.js";
import { page } from "./state.js";
import { deleteButton, select, table } from "./admin_common.js";
import { groupPrivileges, roleChanges } from "./roles_model.js";

/** Checkboxes of the whole vocabulary, grouped; `read()` gives the checked names in vocabulary order. */
function privilegeBoxes(vocabulary, chosen, { disabled = false } = {}) {
  const boxes = [];
  const groups = groupPrivileges(vocabulary).map(({ group, privileges }) => h("fieldset", { class: "choices" },
    h("legend", { text: group }),
    privileges.map((p) => {
      const input = h("input", { type: "checkbox", id: uid("priv"), name: p.name, value: p.name, checked: chosen.includes(p.name), disabled });
      boxes.push(input);
      return h("div", { class: "check" }, input,
        h("label", { for: input.id }, h("code", { text: p.name }), ` — ${p.description}`));
    })));
  const el = h("div", { class: "privileges" }, groups);
  el.read = () => boxes.filter((b) => b.checked).map((b) => b.value);
  return el;
}

function roleRow(r) {
  return [h("a", { href: `#/admin/roles/${encodeURIComponent(r.id)}`, text: r.name }), r.builtin ? "Built-in" : "Custom",
    r.base === "admin" ? "Admin" : "Agent", String(r.privileges.length), r.description || ""];
}

function newRoleForm(vocabulary, say) {
  const name = h("input", { type: "text", maxlength: 200 });
  const description = h("input", { type: "text", maxlength: 4000 });
  const base = select([["agent", "Agent"], ["admin", "Admin"]], "agent");
  const boxes = privilegeBoxes(vocabulary, []);
  const nameField = field("Name", name, { required: true });
  return h("form", { class: "card", novalidate: true, "aria-label": "New role", onsubmit: async (e) => {
    e.preventDefault();
    nameField.setError(name.value.trim() ? "" : "A name is required.");
    if (!name.value.trim()) return name.focus();
    const body = { name: name.value.trim(), description: description.value.trim(), base: base.value, privileges: boxes.read() };
    try {
      const { data } = await api("POST", "/v1/roles", { body });
      return go(`/admin/roles/${encodeURIComponent(data.id)}`);
    } catch (err) {
      const errs = err.fieldErrors();
      if (errs.name) nameField.setError(String(errs.name));
      return say("error", err.message);
    }
  } }, h("h2", { text: "New role" }),
  h("div", { class: "field-grid" }, nameField, field("Description", description),
    field("Base", base, { help: "What the person's role shows (admin or agent); what they may do follows the privileges." })),
  boxes, h("button", { type: "submit", text: "Create role" }));
}

async function rolesList(nav) {
  let roles;
  let vocabulary;
  try {
    [roles, vocabulary] = await Promise.all([getAll("/v1/roles", {}, 200), get("/v1/roles/privileges")]);
  } catch (err) {
    return page("Roles", nav, notice("error", err.message));
  }
  const out = h("div", { "aria-live": "polite" });
  const say = (kind, text) => out.replaceChildren(notice(kind, text));
  return page("Roles", nav,
    h("section", { class: "card table-card", "aria-label": "Roles" },
      table("Roles", ["Name", "Kind", "Base", "Privileges", "Description"], roles.map(roleRow))),
    out, newRoleForm(vocabulary.items, say));
}

function roleForm(res, vocabulary, say, refresh) {
  const role = res.data;
  const fixed = role.builtin;
  const name = h("input", { type: "text", value: role.name, maxlength: 200, disabled: fixed });
  const description = h("input", { type: "text", value: role.description || "", maxlength: 4000, disabled: fixed });
  const boxes = privilegeBoxes(vocabulary, role.privileges, { disabled: fixed });
  const save = async (e) => {
    e.preventDefault();
    const body = roleChanges(role, { name: name.value, description: description.value, privileges: boxes.read() });
    if (!Object.keys(body).length) return say("ok", "No change.");
    try {
      await api("PATCH", `/v1/roles/${encodeURIComponent(role.id)}`, { body, ifMatch: res.etag });
      return refresh(`${role.name} saved: its holders have the new privileges on their next request.`);
    } catch (err) {
      return say("error", err.status === 412 ? "Changed by someone else meanwhile: reload the page." : err.message);
    }
  };
  const remove = async () => {
    try {
      await api("DELETE", `/v1/roles/${encodeURIComponent(role.id)}`, { ifMatch: res.etag });
      go("/admin/roles");
    } catch (err) {
      say("error", err.message);
    }
  };
  return h("form", { class: "card", novalidate: true, "aria-label": "Role", onsubmit: save },
    fixed ? notice("info", "A built-in role: read-only. Create a custom role to choose other privileges.") : null,
    h("div", { class: "field-grid" }, field("Name", name), field("Description", description),
      field("Base", h("input", { type: "text", value: role.base === "admin" ? "Admin" : "Agent", disabled: true }))),
    boxes,
    fixed ? null : h("div", { class: "row" }, h("button", { type: "submit", text: "Save role" }), deleteButton(role.name, remove)));
}

async function rolePage(nav, id, flash) {
  let res;
  let vocabulary;
  try {
    [res, vocabulary] = await Promise.all([api("GET", `/v1/roles/${encodeURIComponent(id)}`), get("/v1/roles/privileges")]);
  } catch (err) {
    return page("Role", nav, notice("error", err.message));
  }
  const messages = h("div", { "aria-live": "polite" }, flash ? notice("ok", flash) : null);
  const say = (kind, text) => messages.replaceChildren(notice(kind, text));
  return page(`Role: ${res.data.name}`, nav, h("p", {}, h("a", { href: "#/admin/roles", text: "← All roles" })), messages,
    roleForm(res, vocabulary.items, say, (text) => rolePage(nav, id, text)));
}

export function rolesView(nav, id) {
  return id ? rolePage(nav, id) : rolesList(nav);
}
