// Web forms of item types: typed fields rendered with real labels, checked in the browser first
// (quick feedback) and again by the API, whose 400 details are shown next to the same fields.
import { h, field, uid } from "./dom.js";

const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function control(def) {
  const id = uid(def.key);
  const common = { id, name: def.key, required: !!def.required };
  switch (def.type) {
    case "long_text":
      return h("textarea", { ...common, rows: 5 });
    case "number":
      return h("input", { ...common, type: "number", step: "any", inputmode: "decimal" });
    case "date":
      return h("input", { ...common, type: "date" });
    case "email":
      return h("input", { ...common, type: "email", autocomplete: "email" });
    case "single_choice":
      return h(
        "select",
        common,
        h("option", { value: "", text: "— choose —" }),
        (def.options || []).map((o) => h("option", { value: o, text: o })),
      );
    case "multi_choice":
      // A group of checkboxes reads better than a multi-select on a phone.
      return h(
        "fieldset",
        { id, class: "choices", role: "group" },
        (def.options || []).map((o, i) => {
          const cid = `${id}-${i}`;
          return h("div", { class: "check" }, h("input", { type: "checkbox", id: cid, name: def.key, value: o }), h("label", { for: cid, text: o }));
        }),
      );
    case "checkbox":
      return h("input", { ...common, type: "checkbox" });
    case "file":
      return h("input", { ...common, type: "file" });
    default:
      return h("input", { ...common, type: "text" });
  }
}

function read(def, el) {
  switch (def.type) {
    case "multi_choice":
      return [...el.querySelectorAll("input:checked")].map((c) => c.value);
    case "checkbox":
      return el.checked;
    case "file":
      return el.files && el.files.length ? [...el.files] : [];
    case "number":
      return el.value === "" ? "" : Number(el.value);
    default:
      return el.value;
  }
}

/** Put a stored answer back into its control (editing answers given before). */
function fill(def, el, value) {
  if (value === undefined || value === null || def.type === "file") return;
  if (def.type === "multi_choice") {
    const chosen = Array.isArray(value) ? value.map(String) : [String(value)];
    el.querySelectorAll("input").forEach((box) => (box.checked = chosen.includes(box.value)));
  } else if (def.type === "checkbox") {
    el.checked = !!value;
  } else {
    el.value = String(value);
  }
}

function empty(v) {
  return v === "" || v === null || v === undefined || v === false || (Array.isArray(v) && !v.length);
}

/** The browser-side twin of the API's validate_answers: the same rules, friendlier words. */
export function check(def, value) {
  if (empty(value)) {
    if (!def.required) return null;
    return def.type === "checkbox" ? "Please tick this box." : "This field is required.";
  }
  if (def.type === "number" && !Number.isFinite(value)) return "Enter a number.";
  if (def.type === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(value)) return "Enter a date (YYYY-MM-DD).";
  if (def.type === "date" && Number.isNaN(new Date(`${value}T00:00:00Z`).getTime())) return "Enter a real date.";
  if (def.type === "email" && !EMAIL_RE.test(String(value).trim())) return "Enter an email address.";
  if (def.type === "single_choice" && !(def.options || []).includes(value)) return "Choose one of the options.";
  if (def.type === "multi_choice" && value.some((v) => !(def.options || []).includes(v))) return "Choose from the options.";
  if ((def.type === "text" || def.type === "long_text") && String(value).length > 10000) return "This is too long.";
  return null;
}

/**
 * A form for an item type. `base` adds the fields every request has (title, description,
 * anonymous contact, optional project); `form.fields` are the type's own typed fields.
 * A date field keyed `due_date` is the item's due date too (SPEC S3's custom due date).
 * `fieldsOnly` renders the type's own fields alone, for a screen that has its own title and description;
 * `values` ({key: answer}) fills the controls with answers given before, for editing them.
 */
export function buildForm(form, { anonymous = false, projects = [], survey = false, fieldsOnly = false, values = null } = {}) {
  const defs = [];
  if (anonymous) {
    defs.push({ key: "email", label: "Your email", type: "email", required: true, base: true });
    defs.push({ key: "name", label: "Your name", type: "text", base: true });
  }
  if (!survey && !fieldsOnly) {
    defs.push({ key: "title", label: "Subject", type: "text", required: true, base: true });
    defs.push({ key: "description", label: "Description", type: "long_text", base: true });
  }
  if (projects.length) {
    defs.push({ key: "project_id", label: "Project", type: "project", base: true });
  }
  for (const f of form.fields || []) defs.push({ ...f, base: false });

  const rows = defs.map((def) => {
    let el;
    if (def.type === "project") {
      el = h("select", { id: uid("project"), name: "project_id" }, h("option", { value: "", text: "— let the help desk decide —" }),
        projects.map((p) => h("option", { value: p.id, text: p.name })));
    } else {
      el = control(def);
    }
    if (def.key === "title") el.setAttribute("maxlength", "300");
    if (values && !def.base) fill(def, el, values[def.key]);
    const wrap = def.type === "checkbox"
      ? checkboxField(def, el)
      : field(def.label || def.key, el, { help: def.help, required: def.required });
    wrap.dataset.key = def.key;
    return { def, el, wrap };
  });

  const byKey = Object.fromEntries(rows.map((r) => [r.def.key, r]));

  return {
    elements: rows.map((r) => r.wrap),
    /** {ok, payload, files, firstInvalid}: payload is the JSON the public form endpoint takes. */
    collect() {
      const payload = { fields: {} };
      const files = [];
      let firstInvalid = null;
      for (const { def, el, wrap } of rows) {
        const value = def.type === "project" ? el.value : read(def, el);
        const problem = def.type === "project" ? null : check(def, value);
        wrap.setError(problem);
        if (problem && !firstInvalid) firstInvalid = el.matches("fieldset") ? el.querySelector("input") : el;
        if (def.type === "file") {
          for (const f of value) files.push({ key: def.key, file: f });
          continue;
        }
        if (empty(value) && def.type !== "checkbox") continue;
        if (def.base) payload[def.key] = typeof value === "string" ? value.trim() : value;
        else payload.fields[def.key] = value;
        if (def.key === "due_date" && def.type === "date") payload.due_date = value;
      }
      return { ok: !firstInvalid, payload, files, firstInvalid };
    },
    /** Show a 400's field errors where they belong; anything unplaced is returned for a summary. */
    showErrors(errors) {
      const rest = {};
      for (const [key, msg] of Object.entries(errors || {})) {
        const row = byKey[key];
        if (row) row.wrap.setError(humanError(msg));
        else rest[key] = msg;
      }
      const first = Object.keys(errors || {}).map((k) => byKey[k]).find(Boolean);
      if (first) (first.el.matches("fieldset") ? first.el.querySelector("input") : first.el).focus();
      return rest;
    },
  };
}

function humanError(msg) {
  const s = String(msg || "is invalid");
  return s[0].toUpperCase() + s.slice(1) + (s.endsWith(".") ? "" : ".");
}

function checkboxField(def, el) {
  if (!el.id) el.id = uid();
  const errorEl = h("p", { class: "error", id: `${el.id}-error`, role: "alert", hidden: true });
  const helpEl = def.help ? h("p", { class: "help", id: `${el.id}-help`, text: def.help }) : null;
  el.setAttribute("aria-describedby", [helpEl?.id, errorEl.id].filter(Boolean).join(" "));
  const wrap = h("div", { class: "field check" }, el, h("label", { for: el.id }, def.label || def.key, def.required ? " *" : ""), helpEl, errorEl);
  wrap.setError = (m) => {
    errorEl.textContent = m || "";
    errorEl.hidden = !m;
    if (m) el.setAttribute("aria-invalid", "true");
    else el.removeAttribute("aria-invalid");
  };
  return wrap;
}
