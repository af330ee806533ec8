// Admin: rules — the list in evaluation order (summaries by name, last error, enable, reorder, dry run, delete)
// and the editor: trigger, conditions and actions chosen with pickers, never typed as JSON or ids.
import { api, get } from "../js/api.js";
import { h, field, notice, uid, formatDate } from "../js/dom.js";
import { go } from "../js/router.js";
import { page } from "./state.js";
import {
  HOURS_TRIGGERS, TRIGGERS, apiFieldErrors, checkRule, conditionFields, describeAction, describeGroup, groupFromJson,
  optionsToJson,
} from "./admin_rule_model.js";
import { adminDirectory, deleteButton, pathField, select, showFieldErrors } from "./admin_common.js";
import { actionsEditor, conditionsEditor } from "./admin_rule_editor.js";
import { ruleWarningLines } from "../js/modules.js";

const triggerLabel = (key) => (TRIGGERS.find(([k]) => k === key) || [key, key])[1];

function summary(rule, dir) {
  const fields = conditionFields(dir.customFields);
  const opts = rule.options || {};
  const extra = [opts.hours ? `${opts.hours} h` : "", opts.author ? `by ${opts.author}` : "", opts.visibility || ""].filter(Boolean).join(", ");
  return h("dl", { class: "facts rule-summary" },
    h("dt", { text: "When" }), h("dd", { text: `${triggerLabel(rule.trigger)}${extra ? ` (${extra})` : ""}` }),
    h("dt", { text: "If" }), h("dd", { text: describeGroup(groupFromJson(rule.conditions), fields, dir.names) }),
    h("dt", { text: "Then" }), h("dd", { text: rule.actions.map((a) => describeAction(a, dir.names)).join("; ") || "nothing" }));
}

function ruleCard(rule, index, rules, dir, reload, say) {
  const refInput = h("input", { id: uid("ref"), type: "text", placeholder: "T-1", size: 8 });
  const result = h("p", { class: "muted", "aria-live": "polite" });
  const act = async (fn, done) => {
    try {
      await fn();
      await reload(done);
    } catch (err) {
      say("error", err.message);
    }
  };
  const ifMatch = `"${rule.version}"`;
  const move = (delta) => act(() => {
    const order = rules.map((r) => r.id);
    const [moved] = order.splice(index, 1);
    order.splice(index + delta, 0, moved);
    return api("PUT", "/v1/rules/order", { body: { order } });
  }, "Order saved.");
  async function dryRun(event) {
    event.preventDefault();
    try {
      const r = (await api("POST", `/v1/rules/${encodeURIComponent(rule.id)}/dry-run`, { body: { ref: refInput.value.trim() } })).data;
      result.textContent = r.matches ? `Matches ${r.ref}. Would: ${r.actions.map((a) => describeAction(a, dir.names)).join("; ") || "nothing"}.` : `Does not match ${r.ref}.`;
    } catch (err) {
      result.textContent = err.message;
    }
  }
  return h("li", { class: "card", "aria-label": rule.name },
    h("h3", {}, h("span", { text: `${index + 1}. ${rule.name}` }), rule.enabled ? "" : h("span", { class: "badge", text: " disabled" })),
    summary(rule, dir),
    rule.last_error ? notice("error", `Last run failed (failing since ${formatDate(rule.failing_since)}): ${rule.last_error}`) : null,
    ruleWarningLines(rule).map((line) => h("p", { class: "notice warning rule-warning", role: "note", text: line })),
    h("div", { class: "row" },
      h("a", { class: "button", href: `#/admin/rules/${encodeURIComponent(rule.id)}`, text: "Edit", "aria-label": `Edit ${rule.name}` }),
      h("button", { type: "button", class: "secondary", text: rule.enabled ? "Disable" : "Enable", "aria-label": `${rule.enabled ? "Disable" : "Enable"} ${rule.name}`,
        onclick: () => act(() => api("PATCH", `/v1/rules/${encodeURIComponent(rule.id)}`, { body: { enabled: !rule.enabled }, ifMatch }), `${rule.name} ${rule.enabled ? "disabled" : "enabled"}.`) }),
      h("button", { type: "button", class: "secondary", onclick: () => move(-1), disabled: index === 0, text: "Move up", "aria-label": `Move ${rule.name} up` }),
      h("button", { type: "button", class: "secondary", onclick: () => move(1), disabled: index === rules.length - 1, text: "Move down", "aria-label": `Move ${rule.name} down` }),
      deleteButton(rule.name, () => act(() => api("DELETE", `/v1/rules/${encodeURIComponent(rule.id)}`, { ifMatch }), `Rule ${rule.name} deleted.`))),
    h("form", { onsubmit: dryRun, class: "row", "aria-label": `Dry run of ${rule.name}` },
      field("Dry run on item", refInput), h("button", { type: "submit", class: "secondary", text: "Try" })),
    result);
}

async function rulesList(nav, flash) {
  const messages = h("div", { "aria-live": "polite" }, flash ? notice("ok", flash) : null);
  const say = (kind, text) => messages.replaceChildren(notice(kind, text));
  let rules = [];
  let dir;
  try {
    [rules, dir] = await Promise.all([get("/v1/rules").then((d) => d.items || []), adminDirectory()]);
  } catch (err) {
    return page("Rules", nav, notice("error", err.message));
  }
  const reload = (text) => rulesList(nav, text);
  return page("Rules", nav, messages,
    h("p", {}, h("a", { class: "button", href: "#/admin/rules/new", text: "New rule" })),
    h("section", { "aria-label": "Rules in evaluation order" }, h("h2", { text: "Rules, in the order they run" }),
      rules.length ? h("ol", { class: "plain" }, rules.map((r, i) => ruleCard(r, i, rules, dir, reload, say)))
        : h("p", { class: "muted", text: "No rules yet." })));
}

/** The trigger's own options: hours for idle / due soon, who wrote and which kind of message for message_added. */
function optionsPart(registry, trigger, options) {
  if (HOURS_TRIGGERS.has(trigger)) {
    const hours = h("input", { type: "number", min: "1", step: "any", value: options.hours ?? "" });
    return { el: pathField(registry, "options.hours", "Hours", hours), read: () => ({ hours: hours.value }) };
  }
  if (trigger === "message_added") {
    const vis = select([["public", "Public replies"], ["private", "Private notes"]], options.visibility || "", { empty: "Any message" });
    const author = select([["customer", "A customer"], ["agent", "An agent"]], options.author || "", { empty: "Anyone" });
    return {
      el: h("div", { class: "editor-row" }, pathField(registry, "options.visibility", "Kind of message", vis), pathField(registry, "options.author", "Written by", author)),
      read: () => ({ visibility: vis.value, author: author.value }),
    };
  }
  return { el: null, read: () => ({}) };
}

async function ruleEditor(nav, id) {
  let rule = { name: "", trigger: "item_created", options: {}, conditions: { all: [] }, actions: [], enabled: true };
  let etag = null;
  let dir;
  try {
    const [loaded, d] = await Promise.all([id === "new" ? null : api("GET", `/v1/rules/${encodeURIComponent(id)}`), adminDirectory()]);
    if (loaded) [rule, etag] = [loaded.data, loaded.etag];
    dir = d;
  } catch (err) {
    return page("Rule", nav, notice("error", err.message));
  }
  const registry = new Map();
  const out = h("div", { "aria-live": "polite" });
  const name = h("input", { type: "text", value: rule.name, maxlength: 200, required: true });
  const trigger = select(TRIGGERS, rule.trigger);
  const enabled = h("input", { type: "checkbox", id: uid("enabled"), checked: rule.enabled });
  const optsSlot = h("div");
  let opts;
  const drawOptions = () => {
    for (const k of [...registry.keys()]) if (k.startsWith("options.")) registry.delete(k);
    opts = optionsPart(registry, trigger.value, trigger.value === rule.trigger ? rule.options || {} : {});
    optsSlot.replaceChildren(opts.el || "");
  };
  trigger.addEventListener("change", drawOptions);
  drawOptions();
  const conditions = conditionsEditor(dir, rule.conditions, registry);
  const actions = actionsEditor(dir, rule.actions, registry);
  const save = h("button", { type: "submit", text: "Save rule" });
  const triggerField = pathField(registry, "trigger", "When", trigger);
  triggerField.classList.add("wide");

  async function submit(event) {
    event.preventDefault();
    out.replaceChildren();
    const options = opts.read();
    const body = { name: name.value.trim(), trigger: trigger.value, enabled: enabled.checked,
      options: optionsToJson(trigger.value, options), conditions: conditions.read(), actions: actions.read() };
    const problems = checkRule({ ...body, options: body.options, conditions: conditions.model(), actions: body.actions });
    if (problems.length) {
      showFieldErrors(registry, problems);
      return out.replaceChildren(notice("error", "Some parts of the rule are missing: see the marked fields."));
    }
    save.disabled = true;
    try {
      if (etag) await api("PATCH", `/v1/rules/${encodeURIComponent(rule.id)}`, { body, ifMatch: etag });
      else await api("POST", "/v1/rules", { body });
      go("/admin/rules");
    } catch (err) {
      const left = showFieldErrors(registry, apiFieldErrors(err));
      const text = err.status === 412 ? "Someone changed this rule meanwhile: reload the page to see their version." : err.message;
      out.replaceChildren(notice("error", left.length ? `${text} (${left.map((e) => e.field).join(", ")})` : text));
    } finally {
      save.disabled = false;
    }
  }

  return page(etag ? `Rule: ${rule.name}` : "New rule", nav,
    rule.last_error ? notice("error", `Last run failed (failing since ${formatDate(rule.failing_since)}): ${rule.last_error}`) : null,
    ruleWarningLines(rule).map((line) => h("p", { class: "notice warning rule-warning", role: "note", text: line })),
    h("form", { class: "rule-form", novalidate: true, "aria-label": "Rule", onsubmit: submit },
      h("div", { class: "card" },
        h("div", { class: "editor-row" }, pathField(registry, "name", "Name", name, { required: true }), triggerField),
        optsSlot,
        h("div", { class: "check" }, enabled, h("label", { for: enabled.id, text: "Enabled" }))),
      conditions.el,
      actions.el,
      out,
      h("div", { class: "row" }, save, h("a", { class: "button secondary", href: "#/admin/rules", text: "Cancel" }),
        etag ? deleteButton(rule.name, async () => {
          try {
            await api("DELETE", `/v1/rules/${encodeURIComponent(rule.id)}`, { ifMatch: etag });
            go("/admin/rules");
          } catch (err) {
            out.replaceChildren(notice("error", err.message));
          }
        }, "Delete rule") : null)));
}

export function rulesView(nav, id) {
  return id ? ruleEditor(nav, id) : rulesList(nav);
}
