// Admin: API keys for integrations (Zapier and the like) — create (shown once), list, rotate, revoke.
import { api, getAll } from "../js/api.js";
import { h, field, notice, formatDate, uid } from "../js/dom.js";
import { page } from "./state.js";

const SCOPES = [
  ["items:read", "Read items and messages (public and private)"],
  ["items:write", "Create and change items, post messages"],
  ["hooks", "Manage REST hooks (Zapier triggers)"],
];

/** The key, once: a read-only field, a copy button, and the warning that it will not be shown again. */
function revealed(data, verb) {
  const keyField = h("input", { type: "text", readonly: true, value: data.key, id: uid("key"), class: "mono", "aria-label": "API key", size: 60 });
  const status = h("span", { role: "status", class: "muted" });
  const copy = h("button", { type: "button", text: "Copy key", onclick: async () => {
    keyField.select();
    try {
      await navigator.clipboard.writeText(data.key);
      status.textContent = "Copied.";
    } catch {
      status.textContent = "Selected: press Ctrl+C (⌘C) to copy.";
    }
  } });
  return h("section", { class: "card", "aria-label": "Your new key", "data-testid": "new-key" },
    h("h2", { text: `Key “${data.name}” ${verb}` }),
    notice("warning", "Copy this key now: you will not see it again. Anyone holding it can act within its scopes."),
    h("div", { class: "row" }, keyField, copy, status));
}

function keyRow(k, reload) {
  const rotate = h("button", { type: "button", class: "secondary", text: "Rotate", "aria-label": `Rotate key ${k.name}`, onclick: async () => {
    if (!confirm(`Rotate “${k.name}”? The current key stops working at once; you get a new one.`)) return;
    const { data } = await api("POST", `/v1/api-keys/${encodeURIComponent(k.id)}/rotate`);
    await reload(revealed(data, "rotated"));
  } });
  const revoke = h("button", { type: "button", class: "danger", text: "Revoke", "aria-label": `Revoke key ${k.name}`, onclick: async () => {
    if (!confirm(`Revoke “${k.name}”? Integrations using it stop working at once. This cannot be undone.`)) return;
    await api("DELETE", `/v1/api-keys/${encodeURIComponent(k.id)}`);
    await reload(notice("info", `Key “${k.name}” revoked.`));
  } });
  const cells = [
    ["Name", k.name], ["Key", h("code", { text: `${k.prefix}…` })], ["Scopes", k.scopes.join(", ")],
    ["Created", formatDate(k.created_at)], ["Last used", k.last_used_at ? formatDate(k.last_used_at) : "never"],
  ];
  return h("tr", { "data-key-id": k.id }, cells.map(([label, c]) => h("td", { "data-label": label }, c)),
    h("td", { "data-label": "Actions" }, h("div", { class: "row" }, rotate, revoke)));
}

export async function keysView(nav, message = null) {
  const reload = (msg) => keysView(nav, msg);
  let keys = [];
  try {
    keys = await getAll("/v1/api-keys", {}, 200);
  } catch (err) {
    return page("API keys", nav, notice("error", err.message));
  }
  const name = h("input", { type: "text", name: "name", maxlength: 100, required: true });
  const nameField = field("Name", name, { help: "Who uses it, e.g. Zapier: shown in the activity of every change it makes" });
  const boxes = SCOPES.map(([value, label]) => {
    const box = h("input", { type: "checkbox", value, id: uid("scope") });
    return { box, el: h("div", { class: "check" }, box, h("label", { for: box.id, text: `${value} — ${label}` })) };
  });
  const out = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card narrow", "aria-label": "New API key", novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    out.replaceChildren();
    const scopes = boxes.filter((b) => b.box.checked).map((b) => b.box.value);
    nameField.setError(name.value.trim() ? "" : "A name is required.");
    if (!name.value.trim()) return name.focus();
    if (!scopes.length) return out.append(notice("error", "Choose at least one scope."));
    try {
      const { data } = await api("POST", "/v1/api-keys", { body: { name: name.value.trim(), scopes } });
      await reload(revealed(data, "created"));
    } catch (err) {
      out.append(notice("error", err.message));
    }
  } }, h("h2", { text: "New API key" }), nameField,
    h("fieldset", {}, h("legend", { text: "Scopes" }), boxes.map((b) => b.el)), out,
    h("button", { type: "submit", text: "Create key" }));
  const headers = ["Name", "Key", "Scopes", "Created", "Last used", "Actions"];
  page("API keys", nav, message,
    h("section", { class: "card", "aria-label": "API keys" }, h("h2", { text: "API keys" }),
      keys.length
        ? h("table", { class: "items-table" },
          h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col", text: t })))),
          h("tbody", {}, keys.map((k) => keyRow(k, reload))))
        : h("p", { class: "muted", text: "No API keys yet." })),
    form);
}
