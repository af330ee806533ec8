// Item detail for agents: editable fields (PATCH with If-Match), conversation with public
// replies and private notes, activity ("who, what, why"), convert to task, apply a macro.
import { api, get, getAll } from "../js/api.js";
import { h, field, notice, formatDate, humanize } from "../js/dom.js";
import { renderConversation } from "../js/conversation.js";
import { go } from "../js/router.js";
import { page, userName, resolveCustomers, typeName, statusesOf, refName } from "./state.js";
import { PRIORITIES, options, projectPairs, assigneePairs, statusBadge } from "./widgets.js";
import { composer } from "./composer.js";

function editForm(item, etag, onSaved) {
  const c = {
    title: h("input", { type: "text", name: "title", value: item.title || "", maxlength: 300 }),
    status: h("select", { name: "status" }, options(statusesOf(item.kind).map((s) => [s.key, s.name]), item.status)),
    priority: h("select", { name: "priority" }, options(PRIORITIES.map((p) => [p, humanize(p)]), item.priority)),
    assignees: h("select", { name: "assignees", multiple: true, size: 4 }, options(assigneePairs(), null)),
    project_id: h("select", { name: "project_id" }, options(projectPairs(), item.project_id || "", "No project")),
    due_date: h("input", { type: "date", name: "due_date", value: item.due_date || "" }),
    percent_complete: h("input", { type: "number", name: "percent_complete", min: 0, max: 100, step: 1, value: item.percent_complete ?? 0 }),
    description: h("textarea", { name: "description", rows: 5, value: item.description || "" }),
  };
  for (const o of c.assignees.options) o.selected = (item.assignees || []).includes(o.value);
  const out = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", text: "Save changes" });
  const wraps = {
    title: field("Title", c.title),
    status: field("Status", c.status),
    priority: field("Priority", c.priority),
    assignees: field("Assignees", c.assignees, { help: "Ctrl/⌘-click to choose several" }),
    project_id: field("Project", c.project_id),
    due_date: field("Due date", c.due_date),
    percent_complete: field("% complete", c.percent_complete),
    description: field("Description", c.description),
  };
  return h(
    "form",
    {
      class: "card item-fields",
      "aria-label": "Item fields",
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        out.replaceChildren();
        Object.values(wraps).forEach((w) => w.setError(""));
        const pct = Number(c.percent_complete.value);
        if (!Number.isFinite(pct) || pct < 0 || pct > 100) return wraps.percent_complete.setError("Between 0 and 100.");
        if (!c.title.value.trim()) return wraps.title.setError("A title is required.");
        const next = {
          title: c.title.value.trim(),
          status: c.status.value,
          priority: c.priority.value,
          assignees: [...c.assignees.selectedOptions].map((o) => o.value),
          project_id: c.project_id.value || null,
          due_date: c.due_date.value || null,
          percent_complete: pct,
          description: c.description.value,
        };
        // Send only what changed, so a concurrent edit of another field is not undone.
        const patch = Object.fromEntries(Object.entries(next).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(item[k] ?? (k === "assignees" ? [] : k === "percent_complete" ? 0 : k === "description" ? "" : null))));
        if (!Object.keys(patch).length) return out.append(notice("info", "Nothing changed."));
        submit.disabled = true;
        try {
          await api("PATCH", `/v1/items/${encodeURIComponent(item.ref)}`, { body: patch, ifMatch: etag });
          onSaved("Saved.");
        } catch (err) {
          for (const [k, msg] of Object.entries(err.fieldErrors ? err.fieldErrors() : {})) wraps[k]?.setError(String(msg));
          out.append(notice("error", err.status === 412 ? "Someone changed this item meanwhile. Reload to see their change, then edit again." : err.message));
          if (err.status === 412) out.append(h("button", { type: "button", class: "secondary", text: "Reload", onclick: () => onSaved("") }));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h("h2", { text: "Fields" }),
    h("div", { class: "field-grid" }, Object.values(wraps)),
    out,
    submit,
  );
}

async function actions(item, say, onDone) {
  const bits = [];
  if (item.kind === "ticket") {
    bits.push(h("button", { type: "button", class: "secondary", text: "Convert to task", onclick: async (e) => {
      if (!confirm(`Convert ${item.ref} to a task? The old reference keeps working.`)) return;
      e.target.disabled = true;
      try {
        const { data } = await api("POST", `/v1/items/${encodeURIComponent(item.ref)}/convert`, { body: { to: "task" } });
        go(`/items/${data.ref}`);
      } catch (err) {
        say(notice("error", err.message));
        e.target.disabled = false;
      }
    } }));
  }
  let macros = [];
  try {
    macros = (await get("/v1/macros")).items || [];
  } catch {
    macros = [];
  }
  if (macros.length) {
    const sel = h("select", { name: "macro" }, options(macros.map((m) => [m.id, m.name]), "", "Choose a macro"));
    bits.push(h("form", { class: "row", "aria-label": "Apply macro", onsubmit: async (e) => {
      e.preventDefault();
      if (!sel.value) return sel.focus();
      try {
        await api("POST", `/v1/items/${encodeURIComponent(item.ref)}/macros/${encodeURIComponent(sel.value)}`, { body: {} });
        onDone("Macro applied.");
      } catch (err) {
        say(notice("error", err.message));
      }
    } }, field("Macro", sel), h("button", { type: "submit", class: "secondary", text: "Apply" })));
  }
  return bits.length ? h("section", { class: "card", "aria-label": "Actions" }, h("h2", { text: "Actions" }), h("div", { class: "row" }, bits)) : null;
}

function describeChange(key, change) {
  const show = (v) => (Array.isArray(v) ? v.map((x) => (String(x).includes(":") ? refName(x) : String(x))).join(", ") : v === null || v === undefined || v === "" ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v));
  if (Array.isArray(change) && change.length === 2) return `${humanize(key)}: ${show(change[0])} → ${show(change[1])}`;
  return `${humanize(key)}: ${show(change)}`;
}

async function activityList(ref) {
  try {
    const rows = await getAll(`/v1/items/${encodeURIComponent(ref)}/activity`, {}, 400);
    if (!rows.length) return h("p", { class: "muted", text: "No activity." });
    return h("ol", { class: "activity" }, rows.map((a) => h("li", {},
      h("div", { class: "meta" }, h("time", { datetime: a.at, text: formatDate(a.at) }), ` · ${humanize(a.action)} · by ${userName(a.actor) || a.cause} (${a.cause})`),
      a.changes && Object.keys(a.changes).length ? h("ul", {}, Object.entries(a.changes).map(([k, v]) => h("li", { text: describeChange(k, v) }))) : null,
      a.note ? h("p", { class: "muted", text: a.note }) : null)));
  } catch (err) {
    return notice("error", err.message);
  }
}

export async function itemView(ref, route) {
  let res;
  try {
    res = await api("GET", `/v1/items/${encodeURIComponent(ref)}`);
  } catch (err) {
    return page("Item not found", notice("error", err.status === 404 ? `There is no item ${ref} you can see.` : err.message));
  }
  const item = res.data;
  if (item.ref !== ref) history.replaceState(null, "", `#/items/${encodeURIComponent(item.ref)}`);
  await resolveCustomers([item.requester]);
  const flash = h("div", { "aria-live": "polite" });
  const say = (n) => flash.replaceChildren(n);
  const refresh = (msg) => itemView(item.ref, route).then(() => msg && document.querySelector("[data-flash]")?.replaceChildren(notice("ok", msg)));
  flash.dataset.flash = "";
  const tab = route.params.get("tab") === "activity" ? "activity" : "conversation";
  const convo = h("section", { "aria-label": "Conversation" });
  const tabs = h("nav", { class: "tabs", "aria-label": "Item sections" },
    h("a", { href: `#/items/${encodeURIComponent(item.ref)}`, "aria-current": tab === "conversation" ? "page" : null, text: "Conversation" }),
    h("a", { href: `#/items/${encodeURIComponent(item.ref)}?tab=activity`, "aria-current": tab === "activity" ? "page" : null, text: "Activity" }));
  const loadConvo = async () => {
    try {
      const msgs = await getAll(`/v1/items/${encodeURIComponent(item.ref)}/messages`, {}, 500);
      await resolveCustomers(msgs.map((m) => m.author));
      convo.replaceChildren(renderConversation(item.ref, msgs, { staff: true, nameOf: userName, onError: (e) => say(notice("error", e.message)) }));
    } catch (err) {
      convo.replaceChildren(notice("error", err.message));
    }
  };
  const facts = h("dl", { class: "facts" },
    [["Reference", item.ref], ["Kind", humanize(item.kind)], ["Type", typeName(item.type_id)], ["Status", statusBadge(item)],
      ["Requester", userName(item.requester) || "—"], ["Created", formatDate(item.created_at)], ["Via", item.via || ""],
      ["Former refs", (item.former_refs || []).join(", ")]]
      .filter(([, v]) => v !== "").map(([k, v]) => [h("dt", { text: k }), h("dd", {}, v)]));
  const customFields = Object.entries(item.fields || {});
  page(
    item.title || "(no title)",
    flash,
    h("div", { class: "item-layout" },
      h("div", { class: "item-main" },
        h("section", { class: "card" }, facts, item.description ? h("p", { class: "description", text: item.description }) : null,
          customFields.length ? h("dl", { class: "facts custom" }, customFields.map(([k, v]) => [h("dt", { text: humanize(k) }), h("dd", { text: Array.isArray(v) ? v.join(", ") : String(v) })])) : null),
        tabs,
        tab === "activity" ? await activityList(item.ref) : [convo, composer(item.ref, loadConvo)]),
      h("aside", { class: "item-side" }, editForm(item, res.etag, refresh), await actions(item, say, refresh))),
  );
  if (tab === "conversation") await loadConvo();
}
