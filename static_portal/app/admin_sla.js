// Admin: SLA policies — targets in business hours, the calendar they count in, and which items they cover.
import { api, getAll } from "../js/api.js";
import { h, humanize, notice, uid } from "../js/dom.js";
import { go } from "../js/router.js";
import { page } from "./state.js";
import { apiFieldErrors } from "./admin_rule_model.js";
import { WEEKDAYS, checkSla, describeTargets, slaFromForm, slaToForm } from "./admin_sla_model.js";
import { adminDirectory, choicesFor, deleteButton, pathField, select, showFieldErrors, table } from "./admin_common.js";

function covers(policy, dir) {
  const m = policy.match || {};
  const parts = [
    m.type_ids?.length ? `types ${m.type_ids.map(dir.names.type).join(", ")}` : "",
    m.priorities?.length ? `priority ${m.priorities.map(humanize).join(", ")}` : "",
    m.organization_ids?.length ? `organisations ${m.organization_ids.map(dir.names.organization).join(", ")}` : "",
  ].filter(Boolean);
  return parts.join("; ") || "every item";
}

async function slaList(nav, flash) {
  let policies;
  let dir;
  try {
    [policies, dir] = await Promise.all([getAll("/v1/sla-policies", {}, 1000), adminDirectory(["types", "organizations"])]);
  } catch (err) {
    return page("SLA policies", nav, notice("error", err.message));
  }
  const out = h("div", { "aria-live": "polite" }, flash ? notice("ok", flash) : null);
  const remove = (p) => async () => {
    try {
      await api("DELETE", `/v1/sla-policies/${encodeURIComponent(p.id)}`, { ifMatch: `"${p.version}"` });
      await slaList(nav, `SLA policy ${p.name} deleted.`);
    } catch (err) {
      out.replaceChildren(notice("error", err.message));
    }
  };
  policies.sort((a, b) => a.position - b.position);
  return page("SLA policies", nav, out,
    h("p", { class: "muted", text: "The first enabled policy, in order, whose conditions an item meets applies to it." }),
    h("p", {}, h("a", { class: "button", href: "#/admin/sla/new", text: "New SLA policy" })),
    h("section", { class: "card" },
      policies.length ? table("SLA policies", ["Name", "Targets", "Applies to", "Enabled", ""], policies.map((p) => [
        h("a", { href: `#/admin/sla/${encodeURIComponent(p.id)}`, text: p.name }),
        describeTargets(p), covers(p, dir), p.enabled ? "yes" : "no", deleteButton(p.name, remove(p)),
      ])) : h("p", { class: "muted", text: "No SLA policies yet." })));
}

const checkbox = (label, checked) => {
  const input = h("input", { type: "checkbox", id: uid("cb"), checked });
  return { input, el: h("div", { class: "check" }, input, h("label", { for: input.id, text: label })) };
};

function zones(current) {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set(["UTC", current, ...all])].filter(Boolean).map((z) => [z, z]);
}

async function slaEditor(nav, id) {
  let policy = null;
  let etag = null;
  let dir;
  try {
    const [loaded, d] = await Promise.all([id === "new" ? null : api("GET", `/v1/sla-policies/${encodeURIComponent(id)}`), adminDirectory(["types", "organizations"])]);
    if (loaded) [policy, etag] = [loaded.data, loaded.etag];
    dir = d;
  } catch (err) {
    return page("SLA policy", nav, notice("error", err.message));
  }
  const f = slaToForm(policy);
  const reg = new Map();
  const out = h("div", { "aria-live": "polite" });
  const input = (value, attrs = {}) => h("input", { type: "text", value, ...attrs });
  const c = {
    name: input(f.name, { maxlength: 200 }),
    first: input(f.first_response_hours, { type: "number", min: "0", step: "any" }),
    resolution: input(f.resolution_hours, { type: "number", min: "0", step: "any" }),
    warning: input(f.warning_percent, { type: "number", min: "1", max: "100" }),
    position: input(f.position, { type: "number", min: "0" }),
    timezone: select(zones(f.timezone), f.timezone),
    start: input(f.start, { type: "time" }),
    end: input(f.end === "24:00" ? "23:59" : f.end, { type: "time" }),
    country: input(f.holiday_country, { maxlength: 3, size: 4 }),
    subdivision: input(f.holiday_subdivision, { maxlength: 10, size: 6 }),
    extra: h("textarea", { rows: 3, text: f.extra_holidays }),
    types: select(choicesFor(dir, "type"), f.type_ids, { multi: true }),
    priorities: select(choicesFor(dir, "priority"), f.priorities, { multi: true }),
    orgs: select(choicesFor(dir, "organization"), f.organization_ids, { multi: true }),
  };
  const enabled = checkbox("Enabled", f.enabled);
  const allDay = checkbox("Around the clock (every hour of a working day counts)", f.around_the_clock);
  const days = WEEKDAYS.map((d, n) => ({ n, ...checkbox(d, f.working_days.includes(n)) }));
  const daysBox = h("fieldset", { class: "choices days" }, h("legend", { text: "Working days" }), days.map((d) => d.el));
  reg.set("calendar.working_days", Object.assign(daysBox, { setError: (m) => out.replaceChildren(m ? notice("error", m) : "") }));

  async function submit(event) {
    event.preventDefault();
    out.replaceChildren();
    const body = slaFromForm({
      name: c.name.value, first_response_hours: c.first.value, resolution_hours: c.resolution.value, warning_percent: c.warning.value,
      enabled: enabled.input.checked, position: c.position.value, timezone: c.timezone.value,
      working_days: days.filter((d) => d.input.checked).map((d) => d.n), around_the_clock: allDay.input.checked,
      start: c.start.value, end: c.end.value === "23:59" ? "24:00" : c.end.value, holiday_country: c.country.value, holiday_subdivision: c.subdivision.value,
      extra_holidays: c.extra.value, type_ids: c.types.read(), priorities: c.priorities.read(), organization_ids: c.orgs.read(),
    });
    const problems = checkSla(body);
    if (problems.length) {
      const left = showFieldErrors(reg, problems);
      if (left.length || !out.childNodes.length) out.append(notice("error", left.map((e) => e.message).join(" ") || "Some fields need a look: see the marked fields."));
      return;
    }
    try {
      if (etag) await api("PATCH", `/v1/sla-policies/${encodeURIComponent(policy.id)}`, { body, ifMatch: etag });
      else await api("POST", "/v1/sla-policies", { body });
      go("/admin/sla");
    } catch (err) {
      const left = showFieldErrors(reg, apiFieldErrors(err));
      out.replaceChildren(notice("error", left.length ? `${err.message} (${left.map((e) => e.field).join(", ")})` : err.message));
    }
  }
  const F = (path, label, control, opts) => pathField(reg, path, label, control, opts);
  return page(etag ? `SLA policy: ${policy.name}` : "New SLA policy", nav,
    h("form", { novalidate: true, "aria-label": "SLA policy", onsubmit: submit },
      h("section", { class: "card" }, h("h2", { text: "Targets" }),
        h("div", { class: "field-grid" },
          F("name", "Name", c.name, { required: true }),
          F("first_response_minutes", "First response within (hours)", c.first, { help: "Business hours; empty for no target" }),
          F("resolution_minutes", "Resolution within (hours)", c.resolution, { help: "Business hours; empty for no target" }),
          F("warning_percent", "Warn at (% of the target)", c.warning),
          F("position", "Order", c.position, { help: "Lower numbers are tried first" })),
        enabled.el),
      h("section", { class: "card" }, h("h2", { text: "Business hours" }),
        h("div", { class: "field-grid" },
          F("calendar.timezone", "Time zone", c.timezone), F("calendar.start", "Day starts", c.start), F("calendar.end", "Day ends", c.end)),
        allDay.el, daysBox,
        h("div", { class: "field-grid" },
          F("calendar.holiday_country", "Public holidays of (country code)", c.country, { help: "e.g. FR, IT, US; empty for none" }),
          F("calendar.holiday_subdivision", "Region (optional)", c.subdivision, { help: "e.g. CA for California" }),
          F("calendar.extra_holidays", "Other days off", c.extra, { help: "Dates as YYYY-MM-DD, one per line" }))),
      h("section", { class: "card" }, h("h2", { text: "Applies to" }),
        h("p", { class: "muted", text: "Choose none in a list to cover every value." }),
        h("div", { class: "field-grid" },
          F("match.type_ids", "Item types", c.types), F("match.priorities", "Priorities", c.priorities), F("match.organization_ids", "Organisations", c.orgs))),
      out,
      h("div", { class: "row" }, h("button", { type: "submit", text: "Save SLA policy" }), h("a", { class: "button secondary", href: "#/admin/sla", text: "Cancel" }))));
}

export function slaView(nav, id) {
  return id ? slaEditor(nav, id) : slaList(nav);
}
