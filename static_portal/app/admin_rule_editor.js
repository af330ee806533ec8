// The pickers of the rule and macro editors: condition groups (all/any, nested) and an ordered list of actions.
// Each editor keeps its own model, re-renders itself on structural changes and registers every control under
// its API path (e.g. conditions.all[0].value, actions[1].value) so a 422 lands next to the right control.
import { h, field } from "../js/dom.js";
import {
  ACTIONS, OPERATOR_LABELS, actionDef, actionFromJson, actionToJson, conditionFields, fieldDef, groupFromJson,
  groupToJson, isGroup, isMulti, needsValue, newAction, operatorsFor, valueFromForm, valueToForm,
} from "./admin_rule_model.js";
import { select, valueControl, pathField } from "./admin_common.js";

const MAX_DEPTH = 5; // rule_conditions.MAX_NESTING
const MODES = [["all", "All of these hold"], ["any", "Any of these holds"]];

function forget(registry, prefix) {
  for (const key of [...registry.keys()]) if (key.startsWith(prefix)) registry.delete(key);
}

function toForm(group) {
  return {
    mode: group.mode,
    entries: group.entries.map((e) => (isGroup(e) ? toForm(e) : { field: e.field, op: e.op, value: valueToForm(e.op, e.value) })),
  };
}

const button = (text, onclick, attrs = {}) => h("button", { type: "button", class: "secondary", text, onclick, ...attrs });

/** conditionsEditor(dir, json, registry) → {el, read() → API JSON, model() → the form's group for checkRule}. */
export function conditionsEditor(dir, json, registry) {
  const catalogue = conditionFields(dir.customFields);
  const root = toForm(groupFromJson(json));
  const el = h("div", { class: "conditions" });

  function conditionEl(cond, group, index, path, label) {
    const def = fieldDef(catalogue, cond.field);
    const fieldSel = select(catalogue.map((f) => [f.key, f.label]), cond.field, { empty: "Choose a field…" });
    fieldSel.addEventListener("change", () => {
      cond.field = fieldSel.value;
      const ops = operatorsFor(fieldDef(catalogue, cond.field));
      if (!ops.includes(cond.op)) cond.op = ops[0];
      cond.value = isMulti(cond.op) ? [] : "";
      render(`${path}.field`);
    });
    const opSel = select(operatorsFor(def).map((o) => [o, OPERATOR_LABELS[o]]), cond.op);
    opSel.addEventListener("change", () => {
      const wasMulti = isMulti(cond.op);
      cond.op = opSel.value;
      if (wasMulti !== isMulti(cond.op)) cond.value = isMulti(cond.op) ? [cond.value].flat().filter(Boolean) : [cond.value].flat()[0] || "";
      render(`${path}.op`);
    });
    const parts = [pathField(registry, `${path}.field`, "Field", fieldSel), pathField(registry, `${path}.op`, "Operator", opSel)];
    if (needsValue(cond.op)) {
      const picker = def.value !== "text" && def.value !== "number" && def.value !== "date";
      const ctl = valueControl(dir, def.value, cond.value, { multi: isMulti(cond.op) && picker, choices: def.choices });
      const sync = () => { cond.value = ctl.read(); };
      ctl.addEventListener("change", sync);
      ctl.addEventListener("input", sync);
      const help = isMulti(cond.op) && !picker ? "Separate values with commas" : undefined;
      parts.push(pathField(registry, `${path}.value`, "Value", ctl, { help }));
    }
    return h("fieldset", { class: "form-row" }, h("legend", { text: `Condition ${label}` }),
      h("div", { class: "editor-row" }, parts,
        button("Remove", () => { group.entries.splice(index, 1); render(); }, { class: "danger", "aria-label": `Remove condition ${label}` })));
  }

  function groupEl(group, path, label, depth, parent, index) {
    const mode = select(MODES, group.mode);
    mode.classList.add("inline-field");
    mode.addEventListener("change", () => { group.mode = mode.value; render(); });
    const rows = group.entries.map((e, n) => {
      const at = `${path}.${group.mode}[${n}]`;
      const sub = label ? `${label}.${n + 1}` : String(n + 1);
      return isGroup(e) ? groupEl(e, at, sub, depth + 1, group, n) : conditionEl(e, group, n, at, sub);
    });
    const name = depth === 1 ? "Conditions" : `Group ${label}`;
    return h("fieldset", { class: depth === 1 ? "card" : "form-row", "aria-label": name },
      h("legend", { text: name }),
      field(depth === 1 ? "Match" : `Match (group ${label})`, mode),
      rows.length ? rows : h("p", { class: "muted", text: depth === 1 ? "No conditions: the rule applies to every item." : "An empty group always holds." }),
      h("div", { class: "row" },
        button(depth === 1 ? "Add condition" : `Add condition to group ${label}`, () => {
          group.entries.push({ field: "", op: "equals", value: "" });
          render();
        }),
        depth < MAX_DEPTH ? button(depth === 1 ? "Add group" : `Add group to group ${label}`, () => {
          group.entries.push({ mode: "any", entries: [{ field: "", op: "equals", value: "" }] });
          render();
        }) : null,
        parent ? button(`Remove group ${label}`, () => { parent.entries.splice(index, 1); render(); }, { class: "danger" }) : null));
  }

  function render(focusPath) {
    forget(registry, "conditions");
    el.replaceChildren(groupEl(root, "conditions", "", 1, null, 0));
    if (focusPath) registry.get(focusPath)?.querySelector("select, input, textarea")?.focus();
  }
  render();

  const typed = (group) => ({
    mode: group.mode,
    entries: group.entries.map((e) => (isGroup(e) ? typed(e)
      : { field: e.field, op: e.op, value: valueFromForm(fieldDef(catalogue, e.field), e.op, e.value) })),
  });
  return { el, read: () => groupToJson(typed(root)), model: () => typed(root) };
}

/** The control of one action parameter. */
function paramControl(dir, p, action, rerender) {
  const value = action.params[p.name];
  if (p.kind === "field_key") {
    const ctl = select(dir.customFields.map((f) => [f.key, f.label || f.key]), value, { empty: "Choose a field…" });
    ctl.addEventListener("change", () => { action.params.key = ctl.value; action.params.value = ""; rerender(); });
    return ctl;
  }
  let kind = p.kind;
  let opts = {};
  if (p.kind === "field_value") {
    const cf = dir.customFields.find((f) => f.key === action.params.key);
    const type = cf ? cf.type : "text";
    const choices = (cf?.options || []).map((o) => [o, o]);
    kind = { number: "number", date: "date", checkbox: "bool", single_choice: "choice", multi_choice: "choice", long_text: "long_text" }[type] || "text";
    opts = { choices, multi: type === "multi_choice" };
  }
  if (p.kind === "project") opts.empty = "No project";
  if (p.kind === "principal") opts.empty = action.type === "set_assignee" ? "Nobody (unassigned)" : "Choose…";
  if (p.kind === "task_type") opts.empty = "The default task type";
  return valueControl(dir, kind, value, opts);
}

/** actionsEditor(dir, json, registry, root) → {el, read() → API JSON list}. */
export function actionsEditor(dir, json, registry, root = "actions") {
  const rows = (json || []).map(actionFromJson);
  const el = h("div", { class: "actions" });

  function actionEl(action, i) {
    const label = `Action ${i + 1}`;
    const path = `${root}[${i}]`;
    const typeSel = select(ACTIONS.map((a) => [a.type, a.label]), action.type || "", { empty: "Choose an action…" });
    typeSel.addEventListener("change", () => {
      rows[i] = newAction(typeSel.value);
      render(`${path}.type`);
    });
    const parts = [pathField(registry, `${path}.type`, "Action", typeSel)];
    for (const p of actionDef(action.type)?.params || []) {
      const ctl = paramControl(dir, p, action, () => render(`${path}.${p.name}`));
      const sync = () => { action.params[p.name] = ctl.read ? ctl.read() : ctl.value; };
      ctl.addEventListener("change", sync);
      ctl.addEventListener("input", sync);
      const help = p.kind === "long_text" && action.type === "send_email" ? "Templates may use {{ item.ref }}, {{ item.title }}, {{ requester.name }}" : undefined;
      const wrap = pathField(registry, `${path}.${p.name}`, p.label, ctl, { help });
      if (p.kind === "long_text" || p.kind === "url") wrap.classList.add("wide");
      parts.push(wrap);
    }
    const move = (d) => {
      const j = i + d;
      [rows[i], rows[j]] = [rows[j], rows[i]];
      render();
    };
    return h("fieldset", { class: "form-row" }, h("legend", { text: label }),
      h("div", { class: "editor-row" }, parts),
      h("div", { class: "row" },
        button("Move up", () => move(-1), { disabled: i === 0, "aria-label": `Move action ${i + 1} up` }),
        button("Move down", () => move(1), { disabled: i === rows.length - 1, "aria-label": `Move action ${i + 1} down` }),
        button("Remove", () => { rows.splice(i, 1); render(); }, { class: "danger", "aria-label": `Remove action ${i + 1}` })));
  }

  function render(focusPath) {
    forget(registry, `${root}[`);
    el.replaceChildren(
      h("fieldset", { class: "card", "aria-label": "Actions" }, h("legend", { text: "Actions, in order" }),
        rows.length ? rows.map(actionEl) : h("p", { class: "muted", text: "No actions yet." }),
        button("Add action", () => { rows.push({ type: "", params: {} }); render(`${root}[${rows.length - 1}].type`); })));
    if (focusPath) registry.get(focusPath)?.querySelector("select, input, textarea")?.focus();
  }
  render();
  return { el, read: () => rows.map((a) => (a.type ? actionToJson(a, dir.customFields) : { type: "" })) };
}
