// The rule and macro editors' conversions between form values and the API's JSON (static_portal/app/admin_rule_model.js).
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  ACTIONS,
  actionFromJson,
  actionToJson,
  apiFieldErrors,
  checkRule,
  conditionFields,
  describeAction,
  describeGroup,
  fieldDef,
  groupFromJson,
  groupToJson,
  newAction,
  operatorsFor,
  optionsToJson,
  valueFromForm,
  valueToForm,
} from "../../static_portal/app/admin_rule_model.js";

const CUSTOM = [
  { key: "budget", label: "Budget", type: "number" },
  { key: "channels", label: "Channels", type: "multi_choice", options: ["Print", "Web"] },
  { key: "urgent", label: "Urgent?", type: "checkbox" },
];
const FIELDS = conditionFields(CUSTOM);

test("nested API conditions survive the editor's model unchanged", () => {
  // Given conditions with an any-group nested in an all-group
  const json = {
    all: [
      { field: "sender.domain", op: "equals", value: "example.com" },
      { any: [{ field: "priority", op: "in", value: ["high", "urgent"] }, { field: "tags", op: "is_empty" }] },
    ],
  };
  // When they go into the editor's model and back
  const back = groupToJson(groupFromJson(json));
  // Then the JSON is the same (a value-less operator carries no value)
  assert.deepEqual(back, json);
});

test("missing conditions and a bare list become groups", () => {
  assert.deepEqual(groupFromJson(null), { mode: "all", entries: [] });
  assert.deepEqual(groupToJson(groupFromJson(null)), { all: [] });
  const bare = groupFromJson([{ field: "status", op: "equals", value: "new" }]);
  assert.equal(bare.mode, "all");
  assert.deepEqual(bare.entries, [{ field: "status", op: "equals", value: "new" }]);
});

test("a condition row not yet given a field is left out of the JSON", () => {
  const group = { mode: "any", entries: [{ field: "", op: "equals", value: "" }, { field: "status", op: "equals", value: "open" }] };
  assert.deepEqual(groupToJson(group), { any: [{ field: "status", op: "equals", value: "open" }] });
});

test("form values are typed by the field: numbers, booleans, domains and lists", () => {
  // Given the catalogue with the tenant's custom fields
  const budget = fieldDef(FIELDS, "fields.budget");
  const domain = fieldDef(FIELDS, "sender.domain");
  // Then numbers are numbers, a domain loses its @ and case, "one of" is a list in either input form
  assert.equal(valueFromForm(budget, "gt", " 1500 "), 1500);
  assert.equal(valueFromForm(fieldDef(FIELDS, "fields.urgent"), "equals", "true"), true);
  assert.equal(valueFromForm(domain, "equals", "@Example.COM "), "example.com");
  assert.deepEqual(valueFromForm(domain, "in", "a.example, b.example ,"), ["a.example", "b.example"]);
  assert.deepEqual(valueFromForm(fieldDef(FIELDS, "priority"), "in", ["high", "urgent"]), ["high", "urgent"]);
  assert.equal(valueFromForm(fieldDef(FIELDS, "status"), "is_empty", "ignored"), null);
  // And back: lists show as lists for "one of", as text elsewhere
  assert.deepEqual(valueToForm("in", "high"), ["high"]);
  assert.equal(valueToForm("equals", ["a", "b"]), "a, b");
  assert.equal(valueToForm("equals", null), "");
});

test("operators follow the kind of field: list fields are tested for membership", () => {
  assert.ok(operatorsFor(fieldDef(FIELDS, "tags")).includes("contains"));
  assert.ok(!operatorsFor(fieldDef(FIELDS, "tags")).includes("equals"));
  assert.ok(operatorsFor(fieldDef(FIELDS, "fields.budget")).includes("gt"));
  assert.ok(operatorsFor(fieldDef(FIELDS, "sender.email")).includes("domain_is"));
  // A field the catalogue does not know (written through the API) is still editable as text
  assert.equal(fieldDef(FIELDS, "fields.gone").label, "fields.gone");
});

test("actions: empty project and assignee mean none, empty optional parameters are left out", () => {
  assert.deepEqual(actionToJson({ type: "set_project", params: { value: "" } }), { type: "set_project", value: null });
  assert.deepEqual(actionToJson({ type: "set_assignee", params: { value: "user:u1" } }), { type: "set_assignee", value: "user:u1" });
  assert.deepEqual(actionToJson({ type: "convert_to_task", params: { type_id: "" } }), { type: "convert_to_task" });
  assert.deepEqual(actionToJson({ type: "stop", params: {} }), { type: "stop" });
  assert.deepEqual(
    actionToJson({ type: "post_message", params: { body: " Thanks! ", visibility: "public" } }),
    { type: "post_message", body: "Thanks!", visibility: "public" },
  );
});

test("a new action starts with the API's defaults", () => {
  assert.deepEqual(newAction("send_email").params.to, "requester");
  assert.deepEqual(actionToJson(newAction("post_message")), { type: "post_message", body: "", visibility: "private" });
  assert.deepEqual(newAction("add_tag"), { type: "add_tag", params: {} });
});

test("set_field values are typed by the custom field they set", () => {
  const set = (key, value) => actionToJson({ type: "set_field", params: { key, value } }, CUSTOM);
  assert.deepEqual(set("budget", "250"), { type: "set_field", key: "budget", value: 250 });
  assert.deepEqual(set("channels", ["Print", "Web"]), { type: "set_field", key: "channels", value: ["Print", "Web"] });
  assert.deepEqual(set("urgent", "false"), { type: "set_field", key: "urgent", value: false });
});

test("every action of the API round-trips through the editor's form", () => {
  const samples = [
    { type: "set_status", value: "open" },
    { type: "add_tag", value: "vip" },
    { type: "send_email", to: "requester", subject: "Hi", body: "Text" },
    { type: "call_webhook", url: "https://hooks.example/x", event: "rule" },
    { type: "apply_sla", policy_id: "p1" },
  ];
  for (const json of samples) assert.deepEqual(actionToJson(actionFromJson(json)), json);
  assert.equal(ACTIONS.length, 15); // the kinds of rule_actions.Action
});

test("trigger options: hours for idle and due soon, message narrowing for message_added, nothing otherwise", () => {
  assert.deepEqual(optionsToJson("idle", { hours: "48" }), { hours: 48 });
  assert.deepEqual(optionsToJson("message_added", { visibility: "public", author: "" }), { visibility: "public" });
  assert.deepEqual(optionsToJson("item_created", { hours: "3" }), {});
});

test("the form check names the API path of each missing part", () => {
  const errors = checkRule({
    name: " ",
    trigger: "idle",
    options: {},
    conditions: { mode: "all", entries: [{ field: "sender.domain", op: "equals", value: "" }, { mode: "any", entries: [{ field: "", op: "equals" }] }] },
    actions: [{ type: "set_status", value: "" }, { type: "set_project", value: null }, { type: "" }],
  });
  assert.deepEqual(errors.map((e) => e.field), [
    "name", "options.hours", "conditions.all[0].value", "conditions.all[1].any[0].field", "actions[0].value",
    "actions[2].type",
  ]);
});

test("API errors become field errors, one or several", () => {
  assert.deepEqual(apiFieldErrors({ message: "bad", details: { field: "actions[0].value" } }), [{ field: "actions[0].value", message: "bad" }]);
  assert.deepEqual(
    apiFieldErrors({ message: "x", details: { errors: [{ field: "a", message: "m" }, { message: "no field" }] } }),
    [{ field: "a", message: "m" }],
  );
  assert.deepEqual(apiFieldErrors({ message: "x" }), []);
});

test("summaries use names, not ids", () => {
  const names = {
    project: (id) => ({ p1: "Clinic North" })[id],
    principal: (ref) => ({ "team:t1": "Support" })[ref],
    status: (key) => ({ open: "Open" })[key],
    priority: (key) => key,
  };
  const group = groupFromJson({ all: [{ field: "sender.domain", op: "equals", value: "example.com" }, { field: "status", op: "in", value: ["open"] }] });
  assert.equal(describeGroup(group, FIELDS, names), "Sender's email domain is example.com and Status is one of Open");
  assert.equal(describeAction({ type: "set_project", value: "p1" }, names), "Move to project Clinic North");
  assert.equal(describeAction({ type: "set_assignee", value: "team:t1" }, names), "Assign to Support");
  assert.equal(describeAction({ type: "set_assignee", value: null }, names), "Unassign");
  assert.equal(describeGroup({ mode: "all", entries: [] }, FIELDS, names), "always");
});
