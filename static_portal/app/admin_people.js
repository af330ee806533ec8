// Admin: organisations and customers — list and create (users and teams have screens of their own).
import { api, getAll } from "../js/api.js";
import { h, field, notice } from "../js/dom.js";
import { page, loadDirectory } from "./state.js";
import { options } from "./widgets.js";

function table(headers, rows) {
  return h("table", { class: "items-table" },
    h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col", text: t })))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((c, i) => h("td", { "data-label": headers[i] }, c))))));
}

/** A small create form: fields = [[name, label, control]]; body(values) → JSON for POST path. */
function createForm(title, path, fields, body, done) {
  const out = h("div", { "aria-live": "polite" });
  const wraps = fields.map(([, label, control]) => field(label, control));
  return h("form", { class: "card", novalidate: true, "aria-label": title, onsubmit: async (e) => {
    e.preventDefault();
    out.replaceChildren();
    wraps.forEach((w) => w.setError(""));
    const values = Object.fromEntries(fields.map(([n, , c]) => [n, c.multiple ? [...c.selectedOptions].map((o) => o.value) : c.value.trim()]));
    try {
      await api("POST", path, { body: body(values) });
      await done();
    } catch (err) {
      const errs = err.fieldErrors();
      fields.forEach(([n], i) => errs[n] && wraps[i].setError(String(errs[n])));
      out.append(notice("error", err.message));
    }
  } }, h("h2", { text: title }), h("div", { class: "field-grid" }, wraps), out, h("button", { type: "submit", text: "Create" }));
}

export async function peopleView(nav) {
  const reload = async () => {
    await loadDirectory();
    await peopleView(nav);
  };
  let orgs = [];
  let customers = [];
  try {
    [orgs, customers] = await Promise.all([getAll("/v1/organizations", {}, 500), getAll("/v1/customers", {}, 200)]);
  } catch {
    /* agents without rights see empty lists */
  }
  const orgName = (id) => orgs.find((o) => o.id === id)?.name || "";
  page("Organisations & customers", nav,
    h("section", { class: "card", "aria-label": "Organisations" }, h("h2", { text: "Organisations" }),
      table(["Name", "Email domains"], orgs.map((o) => [o.name, (o.domains || []).join(", ")]))),
    createForm("New organisation", "/v1/organizations", [
      ["name", "Name", h("input", { type: "text" })],
      ["domains", "Email domains", h("input", { type: "text", placeholder: "customer-a.example, …" })],
    ], (v) => ({ name: v.name, domains: v.domains.split(",").map((s) => s.trim()).filter(Boolean) }), reload),
    h("section", { class: "card", "aria-label": "Customers" }, h("h2", { text: "Customers" }),
      table(["Name", "Email", "Organisation"], customers.map((c) => [c.name, c.email, orgName(c.organization_id)]))),
    createForm("New customer", "/v1/customers", [
      ["name", "Name", h("input", { type: "text" })],
      ["email", "Email", h("input", { type: "email" })],
      ["organization_id", "Organisation", h("select", {}, options(orgs.map((o) => [o.id, o.name]), "", "By email domain"))],
      ["password", "Initial password (optional)", h("input", { type: "password", autocomplete: "new-password" })],
    ], (v) => Object.fromEntries(Object.entries(v).filter(([, x]) => x)), reload),
  );
}
