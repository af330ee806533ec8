// Admin: rules — list in evaluation order, enable/disable, reorder, dry-run on an item, create.
// Conditions and actions are edited as JSON (the API's own shape, see /v1/openapi.json): one editor for
// every operator and action the engine knows, with an example to start from.
import { api, get } from "../js/api.js";
import { h, field, notice, uid, humanize } from "../js/dom.js";
import { page } from "./state.js";
import { options } from "./widgets.js";

const TRIGGERS = ["item_created", "item_changed", "status_changed", "message_added", "email_received",
  "sla_warning", "sla_breach", "idle", "due_soon"];
const EXAMPLE_CONDITIONS = { all: [{ field: "requester.domain", op: "equals", value: "customer-a.example" }] };
const EXAMPLE_ACTIONS = [{ type: "set_priority", value: "high" }, { type: "add_tag", value: "routed" }];

function json(value) {
  return JSON.stringify(value, null, 2);
}

function ruleCard(rule, index, rules, reload, say) {
  const refInput = h("input", { id: uid("ref"), type: "text", placeholder: "T-1", size: 8 });
  const result = h("pre", { class: "muted", "aria-live": "polite" });
  async function toggle() {
    try {
      await api("PATCH", `/v1/rules/${rule.id}`, { body: { enabled: !rule.enabled }, ifMatch: `"${rule.version}"` });
      await reload(`${rule.name} ${rule.enabled ? "disabled" : "enabled"}.`);
    } catch (err) { say("error", err.message); }
  }
  async function move(delta) {
    const order = rules.map((r) => r.id);
    const [moved] = order.splice(index, 1);
    order.splice(index + delta, 0, moved);
    try {
      await api("PUT", "/v1/rules/order", { body: { order } });
      await reload("Order saved.");
    } catch (err) { say("error", err.message); }
  }
  async function dryRun(event) {
    event.preventDefault();
    try {
      const r = (await api("POST", `/v1/rules/${rule.id}/dry-run`, { body: { ref: refInput.value.trim() } })).data;
      result.textContent = r.matches ? `Matches ${r.ref}. Would do:\n${json(r.actions)}` : `Does not match ${r.ref}.`;
    } catch (err) { result.textContent = err.message; }
  }
  return h("li", { class: "card" },
    h("h3", {}, h("span", { text: rule.name }), rule.enabled ? "" : h("span", { class: "badge", text: " disabled" })),
    h("p", { class: "muted", text: `When ${humanize(rule.trigger)}${rule.options && rule.options.hours ? ` (${rule.options.hours} h)` : ""}` }),
    rule.last_error ? h("p", { class: "error", role: "status", text: `Failing since ${rule.failing_since}: ${rule.last_error}` }) : "",
    h("details", {}, h("summary", { text: "Conditions and actions" }),
      h("pre", { text: `conditions: ${json(rule.conditions)}\nactions: ${json(rule.actions)}` })),
    h("div", { class: "row" },
      h("button", { type: "button", onclick: toggle, text: rule.enabled ? "Disable" : "Enable" }),
      h("button", { type: "button", onclick: () => move(-1), disabled: index === 0, text: "Move up" }),
      h("button", { type: "button", onclick: () => move(1), disabled: index === rules.length - 1, text: "Move down" })),
    h("form", { onsubmit: dryRun, class: "row" },
      field("Dry run on item", refInput), h("button", { type: "submit", text: "Try" })),
    result);
}

function createForm(reload, say) {
  const name = h("input", { id: uid("name"), type: "text", required: true });
  const trigger = h("select", { id: uid("trigger") }, options(TRIGGERS.map((t) => [t, humanize(t)]), "item_created"));
  const opts = h("textarea", { id: uid("opts"), rows: 2, text: "{}" });
  const conditions = h("textarea", { id: uid("cond"), rows: 6, text: json(EXAMPLE_CONDITIONS) });
  const actions = h("textarea", { id: uid("act"), rows: 6, text: json(EXAMPLE_ACTIONS) });
  async function submit(event) {
    event.preventDefault();
    let body;
    try {
      body = { name: name.value.trim(), trigger: trigger.value, options: JSON.parse(opts.value || "{}"),
        conditions: JSON.parse(conditions.value || "{}"), actions: JSON.parse(actions.value || "[]") };
    } catch (err) {
      say("error", `Not valid JSON: ${err.message}`);
      return;
    }
    try {
      await api("POST", "/v1/rules", { body });
      await reload(`Rule ${body.name} created.`);
    } catch (err) { say("error", err.details ? `${err.message}: ${JSON.stringify(err.details)}` : err.message); }
  }
  return h("form", { class: "card", onsubmit: submit, "aria-label": "New rule" }, h("h2", { text: "New rule" }),
    field("Name", name, { required: true }), field("Trigger", trigger),
    field("Options (JSON)", opts, { help: 'idle / due_soon: {"hours": 48}; message_added: {"author": "customer", "visibility": "public"}' }),
    field("Conditions (JSON)", conditions, { help: "{all|any: [{field, op, value}]}; ops: equals, not_equals, in, contains, starts_with, is_empty, gt, lt, changed, changed_from, changed_to, domain_is" }),
    field("Actions (JSON, in order)", actions, { help: "set_status, set_priority, set_type, set_project, set_assignee, set_field {key, value}, add_follower, add_tag, post_message {body, visibility}, send_email {to, subject, body}, call_webhook {url}, convert_to_task, apply_sla {policy_id}, stop" }),
    h("button", { type: "submit", text: "Create rule" }));
}

export async function rulesView(nav, flash) {
  const messages = h("div", { "aria-live": "polite" }, flash ? notice("success", flash) : null);
  const say = (kind, text) => messages.replaceChildren(notice(kind, text));
  const reload = (text) => rulesView(nav, text);
  let rules = [];
  try {
    rules = (await get("/v1/rules")).items || [];
  } catch (err) {
    say("error", err.message);
  }
  page("Rules", nav, messages,
    h("section", { "aria-label": "Rules in evaluation order" }, h("h2", { text: "Rules, in the order they run" }),
      rules.length ? h("ol", { class: "plain" }, rules.map((r, i) => ruleCard(r, i, rules, reload, say)))
        : h("p", { class: "muted", text: "No rules yet." })),
    createForm(reload, say));
}
