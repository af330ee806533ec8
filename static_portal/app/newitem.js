// A new item created by an agent (customers use the portal's forms). The chosen type's own fields
// come from its web form (the same buildForm the portal uses), and the agent picks the requester.
import { api, get, newKey } from "../js/api.js";
import { h, field, notice } from "../js/dom.js";
import { buildForm } from "../js/forms.js";
import { uploadAll } from "../js/upload.js";
import { go } from "../js/router.js";
import { defineView } from "../js/view.js";
import { page } from "./state.js";
import * as look from "./lookups.js";
import { options, projectPairs, typePairs, assigneePairs, priorityPairs } from "./widgets.js";
import { kinds } from "./modules_ui.js";

const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const CUSTOMER_PAGE = 200;
/** Lower case without accents, as the search index compares ("Françoise" is found by "francoise"). */
const fold = (s) => String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

/** The preselected priority: "normal" when the tenant has it, else its middle one. */
function defaultPriority() {
  const keys = priorityPairs().map(([k]) => k);
  return keys.includes("normal") ? "normal" : keys[Math.floor((keys.length - 1) / 2)] || "";
}

/** The form needs the types, projects, staff and teams to offer; nothing to refresh while it is filled in. */
export function newItemView(route) {
  return defineView({
    load: () => Promise.all([look.itemTypes(), look.projects(), look.staff(), look.teams()].map((p) => p.catch(() => []))),
    render: () => newItemForm(route),
    update: null,
  });
}

function newItemForm(route) {
  const kind = route.params.get("kind") || "ticket";
  const picker = requesterPicker();
  const c = {
    kind: h("select", { name: "kind" }, options(kinds(), kind)),
    type_id: h("select", { name: "type_id" }, options(typePairs(kind), "")),
    title: h("input", { type: "text", name: "title", maxlength: 300, required: true }),
    description: h("textarea", { name: "description", rows: 5 }),
    priority: h("select", { name: "priority" }, options(priorityPairs(), defaultPriority())),
    project_id: h("select", { name: "project_id" }, options(projectPairs(), "", "Type's default project")),
    assignees: h("select", { name: "assignees", multiple: true, size: 4 }, options(assigneePairs(), null)),
    due_date: h("input", { type: "date", name: "due_date" }),
  };
  c.kind.addEventListener("change", () => go("/new", { kind: c.kind.value }));
  const wraps = Object.fromEntries(Object.entries({
    kind: "Kind", type_id: "Type", title: "Title", description: "Description", priority: "Priority",
    project_id: "Project", assignees: "Assignees", due_date: "Due date",
  }).map(([k, label]) => [k, field(label, c[k], { required: k === "title" || k === "type_id" })]));
  wraps.requester = picker.wrap;
  const own = typeFields(c.type_id);
  const out = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", text: "Create" });
  const key = newKey();
  page(`New ${kind}`, h("form", { class: "card narrow", novalidate: true, "aria-label": "New item", onsubmit: async (e) => {
    e.preventDefault();
    out.replaceChildren();
    Object.values(wraps).forEach((w) => w.setError(""));
    const answers = own.collect();
    if (!c.title.value.trim()) return (wraps.title.setError("A title is required."), c.title.focus());
    if (!c.type_id.value) return (wraps.type_id.setError("Choose a type (admins create types under Admin)."), c.type_id.focus());
    if (!answers.ok) return (out.append(notice("error", "Please correct the highlighted fields.")), answers.firstInvalid.focus());
    submit.disabled = true;
    try {
      const body = {
        kind: c.kind.value, type_id: c.type_id.value, title: c.title.value.trim(), description: c.description.value,
        assignees: [...c.assignees.selectedOptions].map((o) => o.value),
      };
      if (c.priority.value) body.priority = c.priority.value;
      if (c.project_id.value) body.project_id = c.project_id.value;
      if (picker.value()) body.requester = picker.value();
      if (Object.keys(answers.payload.fields).length) body.fields = answers.payload.fields;
      // A date field keyed due_date is the item's due date too, unless the agent set one.
      const due = c.due_date.value || answers.payload.due_date;
      if (due) body.due_date = due;
      const { data } = await api("POST", "/v1/items", { body, idempotencyKey: key });
      if (answers.files.length) await attach(data.ref, answers.files, out);
      go(`/items/${data.ref}`);
    } catch (err) {
      const rest = own.showErrors(errorsOf(err));
      for (const [k, msg] of Object.entries(rest)) wraps[k]?.setError(String(msg));
      out.append(notice("error", err.message));
    } finally {
      submit.disabled = false;
    }
  } }, Object.values(wraps).slice(0, 2), own.box, Object.values(wraps).slice(2), out, submit));
  if (!look.known("types").some((t) => t.kind === kind)) out.append(notice("info", `There is no ${kind} type yet.`));
}

/** Field errors of a failed request, keyed as the form knows them ("fields.x" → "x"). */
function errorsOf(err) {
  const found = {};
  for (const e of err.details?.errors || []) if (e && typeof e.field === "string") found[e.field] = e.message;
  Object.assign(found, err.fieldErrors ? err.fieldErrors() : {});
  return Object.fromEntries(Object.entries(found).map(([k, v]) => [k.replace(/^fields\./, ""), v]));
}

/** The chosen type's own fields, rendered again whenever the type changes. */
function typeFields(select) {
  const box = h("div", { class: "type-fields", "aria-live": "polite" });
  const empty = buildForm({ fields: [] }, { fieldsOnly: true });
  let built = empty;
  let asked = 0;
  const load = async () => {
    const id = select.value;
    const turn = ++asked;
    built = empty;
    box.replaceChildren();
    if (!id) return;
    let type = look.known("types").find((t) => t.id === id);
    try {
      type = await look.itemType(id);
    } catch {
      // The directory's copy will do: the API checks the answers again anyway.
    }
    if (turn !== asked) return; // another type was picked meanwhile
    built = buildForm(type?.form || { fields: [] }, { fieldsOnly: true });
    box.replaceChildren(...built.elements);
  };
  select.addEventListener("change", load);
  load(); // the select starts on its first type
  return {
    box,
    collect: () => built.collect(),
    showErrors: (errors) => built.showErrors(errors),
  };
}

/**
 * A customer picker: the first page of customers filtered at once as the agent types, joined a moment later by
 * the customers the search index finds (`GET /v1/customers?q=`, name or email prefixes); an unknown email is
 * offered as a new customer.
 */
function requesterPicker() {
  const search = h("input", { type: "search", name: "requester_search", placeholder: "Name or email", autocomplete: "off" });
  const select = h("select", { name: "requester" });
  let customers = [];
  let more = false;
  const render = () => {
    const q = search.value.trim().toLowerCase();
    const keep = select.value;
    const hits = customers.filter((u) => !q || fold(`${u.name || ""} ${u.email || ""}`).includes(fold(q)));
    const pairs = hits.map((u) => [u.id, u.name ? `${u.name} <${u.email}>` : u.email]);
    if (EMAIL_RE.test(q) && !customers.some((u) => (u.email || "").toLowerCase() === q)) pairs.push([q, `${q} (new customer)`]);
    select.replaceChildren(...options(pairs, keep, "— me —"));
    if (q && pairs.length && !pairs.some(([v]) => v === keep)) select.value = pairs[0][0];
  };
  let asked = 0;
  let timer = null;
  const ask = async () => {
    const q = search.value.trim();
    const turn = ++asked;
    if (q.length < 2) return;
    try {
      const found = (await get("/v1/customers", { q, limit: 20 })).items || [];
      if (turn !== asked) return;
      const ids = new Set(customers.map((u) => u.id));
      customers = [...customers, ...found.filter((u) => !ids.has(u.id))];
      render();
    } catch {
      // The first page is still there to choose from.
    }
  };
  search.addEventListener("input", () => {
    render();
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  });
  const help = "Type to filter the customers; an email address not listed makes a new customer.";
  const wrap = h("div", { class: "requester" }, field("Find requester", search, { help }), field("Requester", select));
  wrap.setError = (m) => wrap.querySelectorAll(".field")[1].setError(m);
  get("/v1/customers", { limit: CUSTOMER_PAGE })
    .then((first) => {
      customers = first.items || [];
      more = !!first.next_cursor;
      if (more) search.setAttribute("placeholder", `Name or email (first ${CUSTOMER_PAGE} listed; type a full email for others)`);
      render();
    })
    .catch(() => render());
  render();
  return { wrap, value: () => select.value };
}

async function attach(ref, files, out) {
  // File fields ride along as attachments of a first private note, as the portal's form does with a message.
  const ids = await uploadAll(ref, files.map((f) => f.file), (m) => out.replaceChildren(notice("info", m)));
  await api("POST", `/v1/items/${encodeURIComponent(ref)}/messages`, {
    body: { body: `Files sent with the form: ${files.map((f) => f.file.name).join(", ")}`, visibility: "private", attachments: ids },
  });
}
