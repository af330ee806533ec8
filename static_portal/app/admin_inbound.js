// Admin: inbound webhook endpoints — create (type, mapping, a live preview of the item a sample JSON would
// become), list, rotate, delete. An endpoint's URL is a credential: the API shows it once (create, rotate),
// so this screen shows it right then with a copy button, and afterwards only its hint.
import { api, get, newKey } from "../js/api.js";
import { h, field, notice, uid } from "../js/dom.js";
import { state, page } from "./state.js";
import { options, projectPairs } from "./widgets.js";

const SAMPLE = {
  issue: { summary: "Payment failed", details: "Card declined twice." },
  customer: { "contact email": "buyer@example.com" },
  order: { id: "A-1001", total: 42.5 },
};

// The same grammar as the API's (domain/json_paths.py): $.a.b, $.a[0].b, $["key with space"].
const NAME = /^[A-Za-z_][A-Za-z0-9_-]*/;
export function parsePath(path) {
  if (typeof path !== "string" || !path.startsWith("$")) throw new Error("must start with $");
  const steps = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === ".") {
      const m = NAME.exec(path.slice(i + 1));
      if (!m) throw new Error(`a name must follow '.' at ${i}`);
      steps.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === "[") {
      const rest = path.slice(i + 1);
      const index = /^(0|[1-9][0-9]{0,5})\]/.exec(rest);
      const quoted = /^("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\]/.exec(rest);
      if (index) {
        steps.push(Number(index[1]));
        i += 1 + index[0].length;
      } else if (quoted) {
        const body = quoted[1].slice(1, -1).replace(/\\'/g, "'");
        steps.push(quoted[1][0] === "'" ? JSON.parse(`"${body.replace(/"/g, '\\"')}"`) : JSON.parse(`"${body}"`));
        i += 1 + quoted[0].length;
      } else {
        throw new Error(`expected an index or a quoted name at ${i}`);
      }
    } else {
      throw new Error(`unexpected '${c}' at ${i}`);
    }
  }
  return steps;
}

function extract(doc, steps) {
  let node = doc;
  for (const s of steps) {
    if (typeof s === "number" ? !Array.isArray(node) || s >= node.length : !node || typeof node !== "object" || Array.isArray(node) || !(s in node)) return undefined;
    node = node[s];
  }
  return node;
}

const asText = (v) => (typeof v === "string" ? v : JSON.stringify(v));

function copyButton(input) {
  return h("button", { type: "button", class: "secondary", text: "Copy", onclick: async (e) => {
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      input.select();
      document.execCommand("copy");
    }
    e.target.textContent = "Copied";
  } });
}

function urlBox(name, url) {
  const input = h("input", { type: "text", readonly: true, value: url, class: "wide", "aria-label": `URL of ${name}` });
  return h("div", { class: "card", role: "status" },
    h("p", {}, h("strong", { text: `The URL of ${name}` }), " — copy it now: it is shown only this once (rotate to get a new one)."),
    h("div", { class: "row" }, input, copyButton(input)));
}

/** The mapping editor: one path input per part and per custom field of the chosen type, with a live preview. */
function mappingEditor(typeSelect) {
  const inputs = {};
  const pathInput = (key, placeholder) => (inputs[key] = h("input", { type: "text", placeholder, class: "mono", oninput: () => preview() }));
  const title = field("Title path", pathInput("title", "$.issue.summary"), { help: "Missing: the endpoint's name and the time" });
  const description = field("Description path", pathInput("description", "$.issue.details"));
  const requester = field("Requester email path", pathInput("requester", '$.customer["contact email"]'), { help: "A new address becomes a customer" });
  const fieldsBox = h("div", { class: "field-grid" });
  const sample = h("textarea", { rows: 8, class: "mono", text: JSON.stringify(SAMPLE, null, 2), oninput: () => preview() });
  const out = h("pre", { class: "preview", "aria-live": "polite", "aria-label": "Preview of the item" });
  const fieldKeys = () => Object.keys(inputs).filter((k) => k.startsWith("fields."));
  function drawFields() {
    for (const k of fieldKeys()) delete inputs[k];
    const type = state.types.find((t) => t.id === typeSelect.value);
    fieldsBox.replaceChildren(...(type?.form?.fields || []).map((f) => field(`Field “${f.label || f.key}” path`, pathInput(`fields.${f.key}`, `$.${f.key}`))));
    preview();
  }
  function read() {
    const mapping = { fields: {} };
    for (const [k, el] of Object.entries(inputs)) {
      const v = el.value.trim();
      if (!v) continue;
      if (k.startsWith("fields.")) mapping.fields[k.slice(7)] = v;
      else mapping[k] = v;
    }
    return mapping;
  }
  function preview() {
    let doc;
    try {
      doc = JSON.parse(sample.value || "null");
    } catch (err) {
      out.textContent = `The sample is not JSON: ${err.message}`;
      return;
    }
    const item = { title: null, description: "", requester: null, fields: {} };
    const problems = [];
    for (const [k, el] of Object.entries(inputs)) {
      const path = el.value.trim();
      if (!path) continue;
      let value;
      try {
        value = extract(doc, parsePath(path));
      } catch (err) {
        problems.push(`${k}: ${err.message}`);
        continue;
      }
      if (value === undefined || value === null || value === "") continue;
      if (k.startsWith("fields.")) item.fields[k.slice(7)] = Array.isArray(value) || typeof value !== "object" ? value : asText(value);
      else item[k] = asText(value).trim();
    }
    item.title = item.title || "(the endpoint's name and the time)";
    out.textContent = (problems.length ? `Fix these paths:\n${problems.join("\n")}\n\n` : "") + `The item would be:\n${JSON.stringify(item, null, 2)}`;
  }
  typeSelect.addEventListener("change", drawFields);
  drawFields();
  const el = h("fieldset", {}, h("legend", { text: "Mapping (JSONPath: $.a.b, $.a[0].b, $[\"key with space\"])" }),
    h("div", { class: "field-grid" }, title, description, requester), fieldsBox,
    field("Sample JSON (as the other system would send it)", sample), h("h3", { text: "Preview" }), out);
  return { el, read };
}

function createForm(reload, say) {
  const name = h("input", { type: "text", required: true, maxlength: 200 });
  const type = h("select", {}, options(state.types.map((t) => [t.id, t.name]), state.types[0]?.id));
  const project = h("select", {}, options(projectPairs(), "", "The type's default project"));
  const mapping = mappingEditor(type);
  const out = h("div", { "aria-live": "polite" });
  return h("form", { class: "card", "aria-label": "New inbound webhook", novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    if (!name.value.trim()) return out.replaceChildren(notice("error", "A name is required."));
    const body = { name: name.value.trim(), type_id: type.value, mapping: mapping.read() };
    if (project.value) body.project_id = project.value;
    try {
      const { data } = await api("POST", "/v1/inbound-webhooks", { body, idempotencyKey: newKey() });
      await reload(urlBox(data.name, data.url));
    } catch (err) {
      say("error", `${err.message}${err.details?.field ? ` (${err.details.field})` : ""}`);
    }
  } }, h("h2", { text: "New inbound webhook" }),
    h("div", { class: "field-grid" }, field("Name", name, { required: true }), field("Item type", type), field("Project", project)),
    mapping.el, out, h("button", { type: "submit", text: "Create endpoint" }));
}

function row(endpoint, reload, say) {
  const typeName = state.types.find((t) => t.id === endpoint.type_id)?.name || endpoint.type_id;
  const hint = h("input", { type: "text", readonly: true, value: endpoint.url_hint, class: "wide mono", "aria-label": `URL of ${endpoint.name} (secret hidden)` });
  async function rotate() {
    if (!confirm(`Give ${endpoint.name} a new URL? The current one stops working at once.`)) return;
    try {
      const { data } = await api("POST", `/v1/inbound-webhooks/${encodeURIComponent(endpoint.id)}/rotate`);
      await reload(urlBox(data.name, data.url));
    } catch (err) { say("error", err.message); }
  }
  async function remove() {
    if (!confirm(`Delete ${endpoint.name}? Its URL stops working; items it created stay.`)) return;
    try {
      await api("DELETE", `/v1/inbound-webhooks/${encodeURIComponent(endpoint.id)}`, { ifMatch: `"${endpoint.version}"` });
      await reload(notice("success", `${endpoint.name} deleted.`));
    } catch (err) { say("error", err.message); }
  }
  return h("tr", {},
    h("td", { "data-label": "Name", text: endpoint.name }),
    h("td", { "data-label": "Item type", text: typeName }),
    h("td", { "data-label": "URL" }, hint),
    h("td", { "data-label": "Actions" }, h("div", { class: "row" },
      h("button", { type: "button", class: "secondary", text: "Rotate URL", "aria-label": `Rotate the URL of ${endpoint.name}`, onclick: rotate }),
      h("button", { type: "button", class: "danger", text: "Delete", "aria-label": `Delete ${endpoint.name}`, onclick: remove }))));
}

export async function inboundView(nav, flash) {
  const messages = h("div", { "aria-live": "polite" }, flash || null);
  const say = (kind, text) => messages.replaceChildren(notice(kind, text));
  const reload = (shown) => inboundView(nav, shown);
  let endpoints = [];
  try {
    endpoints = (await get("/v1/inbound-webhooks", { limit: 200 })).items || [];
  } catch (err) {
    say("error", err.message);
  }
  const tableId = uid("inbound");
  page("Inbound webhooks", nav, messages,
    h("section", { class: "card", "aria-labelledby": tableId }, h("h2", { id: tableId, text: "Endpoints" }),
      h("p", { class: "muted", text: "Another system posts JSON to an endpoint's URL (no other credential); each post becomes an item." }),
      endpoints.length
        ? h("table", { class: "items-table" },
          h("thead", {}, h("tr", {}, ["Name", "Item type", "URL", "Actions"].map((t) => h("th", { scope: "col", text: t })))),
          h("tbody", {}, endpoints.map((e) => row(e, reload, say))))
        : h("p", { class: "muted", text: "No endpoints yet." })),
    createForm(reload, say));
}
