// Item detail for agents: fields and custom-field answers (PATCH with If-Match), the requester,
// followers and Cc, tags, SLA targets with the time left, the conversation with public replies and
// private notes, the activity in words, convert to task, apply a macro, assign to me. Live updates
// refresh every part in place except what the agent is typing in. What the caller's role does not grant is
// not offered (roles_model.js): without items.edit no field, tag, follower, plan or action can be changed, and
// the composer offers public replies and private notes as items.reply and items.note say.
import { api, getAll } from "../js/api.js";
import { h, field, notice, formatDate, humanize } from "../js/dom.js";
import { renderConversation } from "../js/conversation.js";
import { go } from "../js/router.js";
import { defineView } from "../js/view.js";
import { bindKeys, ITEM_SHORTCUTS } from "../js/keys.js";
import { page } from "./state.js";
import * as look from "./lookups.js";
import { options, statusBadge, priorityBadge, assigneeText } from "./widgets.js";
import { composer } from "./composer.js";
import { editForm, answersForm } from "./item_fields.js";
import { planCard } from "./item_plan.js";
import { requesterCard, peopleCard, tagsCard, slaCard } from "./item_people.js";
import { activityList, activityPeople } from "./item_activity.js";
import { assignToMe, isMine } from "./list.js";
import { timerCard } from "./item_timer.js";
import { isOn } from "./modules_ui.js";
import { composerModes } from "./roles_model.js";

const SLA_TICK_MS = 30_000;

function facts(item, readOnly) {
  const tags = readOnly && item.tags?.length ? [["Tags", item.tags.join(", ")]] : [];
  return h("dl", { class: "facts" },
    [["Reference", item.ref], ["Kind", humanize(item.kind)], ["Type", look.typeName(item.type_id)], ["Status", statusBadge(item)],
      ["Priority", priorityBadge(item.priority)], ["Assignees", assigneeText(item)], ["Project", look.projectName(item.project_id) || "—"],
      ["Created", formatDate(item.created_at)], ["Last activity", formatDate(item.updated_at)], ["Via", item.via || ""],
      ["Former refs", (item.former_refs || []).join(", ")], ...tags]
      .filter(([, v]) => v !== "").map(([k, v]) => [h("dt", { text: k }), h("dd", {}, v)]));
}

function actions(item, macros, say, onDone) {
  const bits = [];
  if (item.kind === "ticket" && isOn("tasks")) {
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

/** Replace a part of the screen unless the agent is working in it (focus inside, or a form started). */
function swap(box, build) {
  if (box.contains(document.activeElement) && document.activeElement !== document.body) return;
  if (box.querySelector("form[data-dirty]")) return;
  box.replaceChildren(...[build()].flat().filter(Boolean));
}

export function itemView(ref, route) {
  const tab = route.params.get("tab") === "activity" ? "activity" : "conversation";
  const mayEdit = look.may("items.edit");
  const modes = composerModes(look.session.me);
  const editing = (build) => (mayEdit ? build() : null);
  const box = () => h("div", {});
  const parts = { head: box(), facts: box(), answers: box(), main: box(), requester: box(), people: box(), tags: box(), sla: box(), fields: box(), plan: box(), actions: box() };
  const flash = h("div", { "aria-live": "polite" });
  const say = (n) => flash.replaceChildren(n);
  let shown = null;
  let heading = null;
  let compose = null;
  let convo = null;
  let timer = null;
  let clock = null; // the caller's work timer on this item (item_timer.js)
  let unbind = () => {};
  let force = false; // after the agent's own change, every part is redrawn (focus is on the button they used)
  let reread = false; // after the agent's own message, the conversation is read again whatever the item says

  const saved = async (msg) => {
    force = true;
    reread = true;
    await view.refresh();
    if (msg) say(notice("ok", msg));
  };
  /** One PATCH of the side panel (followers, Cc, tags) with the version shown. */
  const save = async (patch) => {
    try {
      await api("PATCH", `/v1/items/${encodeURIComponent(shown.item.ref)}`, { body: patch, ifMatch: shown.etag });
      await saved("Saved.");
    } catch (err) {
      say(notice("error", err.status === 412 ? "Someone changed this item meanwhile; it is up to date now, try again." : err.message));
      if (err.status === 412) view.refresh();
    }
  };
  const take = async () => {
    if (!shown || isMine(shown.item)) return;
    try {
      await assignToMe(shown.item);
      await saved(`${shown.item.ref} is assigned to you.`);
    } catch (err) {
      say(notice("error", err.status === 412 ? "Someone changed this item meanwhile; it is up to date now, try again." : err.message));
    }
  };

  const head = (item) => h("div", { class: "row item-head" },
    h("span", { class: "ref", text: item.ref }), statusBadge(item),
    isMine(item) ? h("span", { class: "muted", text: "Assigned to you" })
      : mayEdit ? h("button", { type: "button", class: "secondary", text: "Assign to me", onclick: take }) : null);

  const conversation = (data) => renderConversation(data.item.ref, data.messages || [], { staff: true, nameOf: (id) => look.people.name(id), onError: (e) => say(notice("error", e.message)) });

  const fill = (data, first) => {
    const { item, etag, type, org } = data;
    const put = first ? (b, build) => b.replaceChildren(...[build()].flat().filter(Boolean)) : swap;
    put(parts.head, () => head(item));
    put(parts.facts, () => h("section", { class: "card" }, facts(item, !mayEdit), item.description ? h("p", { class: "description", text: item.description }) : null));
    put(parts.answers, () => editing(() => answersForm(item, type, etag, saved)));
    put(parts.requester, () => requesterCard(item, org));
    put(parts.people, () => editing(() => peopleCard(item, save)));
    put(parts.tags, () => editing(() => tagsCard(item, save)));
    put(parts.sla, () => slaCard(item));
    put(parts.fields, () => editing(() => editForm(item, etag, saved)));
    put(parts.plan, () => editing(() => planCard(item, etag, saved)));
    put(parts.actions, () => editing(() => actions(item, data.macros || [], say, saved)));
    if (tab === "activity") put(parts.main, () => activityList(data.activity || [], item, type));
    else if (first || changed(shown, data)) convo.replaceChildren(conversation(data));
  };
  const changed = (a, b) => !a || JSON.stringify((a.messages || []).map((m) => [m.id, m.attachments?.length])) !== JSON.stringify((b.messages || []).map((m) => [m.id, m.attachments?.length]));

  const view = defineView({
    load: async () => {
      let res;
      try {
        res = await api("GET", `/v1/items/${encodeURIComponent(ref)}`);
      } catch (err) {
        if (err.status === 404 || err.status === 403) return { missing: err };
        throw err;
      }
      const item = res.data;
      // A refresh of an item that has not changed reuses the conversation it has.
      const same = !reread && shown && shown.item.version === item.version && shown.item.updated_at === item.updated_at;
      reread = false;
      const path = `/v1/items/${encodeURIComponent(item.ref)}`;
      const [type, messages, activity, macros] = await Promise.all([
        item.type_id ? look.itemType(item.type_id).catch(() => null) : null,
        tab !== "conversation" ? null : same ? shown.messages : getAll(`${path}/messages`, {}, 500),
        tab !== "activity" ? null : same ? shown.activity : getAll(`${path}/activity`, {}, 400),
        mayEdit ? look.macros() : [],
        ...[look.staff, look.teams, look.projects, look.itemTypes].map((f) => f().catch(() => [])),
      ]);
      await look.people.resolve([item.requester, ...(item.followers || []), ...look.userIdsOf(item.assignees),
        ...(messages || []).map((m) => m.author), ...activityPeople(activity)]);
      const orgId = look.people.get(item.requester)?.organization_id;
      const org = orgId ? await look.organization(orgId).catch(() => null) : null;
      return { item, etag: res.etag || `"${item.version}"`, type, messages, activity, org, macros };
    },
    render: (data) => {
      if (data.missing) {
        return page("Item not found", notice("error", data.missing.status === 404 || data.missing.status === 403 ? `There is no item ${ref} you can see.` : data.missing.message));
      }
      const { item } = data;
      if (item.ref !== ref) history.replaceState(null, "", `#/items/${encodeURIComponent(item.ref)}`);
      const base = `#/items/${encodeURIComponent(item.ref)}`;
      const tabs = h("nav", { class: "tabs", "aria-label": "Item sections" },
        h("a", { href: base, "aria-current": tab === "conversation" ? "page" : null, text: "Conversation" }),
        h("a", { href: `${base}?tab=activity`, "aria-current": tab === "activity" ? "page" : null, text: "Activity" }));
      if (tab === "conversation") {
        convo = h("section", { "aria-label": "Conversation" });
        compose = modes.length ? composer(item.ref, () => {
          reread = true;
          return view.refresh();
        }, modes) : null;
        parts.main.replaceChildren(convo, compose || h("p", { class: "card muted", text: "Your role reads this item; it writes no messages." }));
      }
      // The work timer: for roles that track time, while the time tracking module is on (issue 15).
      clock = isOn("time_tracking") && look.may("time.track") ? timerCard({ item, onSheet: () => saved("") }) : null;
      clock?.refresh().catch((err) => say(notice("error", err.message)));
      heading = page(item.title || "(no title)", flash, parts.head,
        h("div", { class: "item-layout" },
          h("div", { class: "item-main" }, parts.facts, parts.answers, tabs, parts.main),
          h("aside", { class: "item-side", "aria-label": "Item details" }, clock?.element, parts.requester, parts.people, parts.tags, parts.sla, parts.fields, parts.plan, parts.actions)));
      fill(data, true);
      shown = data;
      const want = route.params.get("compose");
      if (want && compose) compose.focusFor(want);
      unbind = bindKeys(document, ITEM_SHORTCUTS, {
        reply: () => (!modes.includes("public") ? null : compose ? compose.focusFor("public") : go(`/items/${item.ref}`, { compose: "public" })),
        note: () => (!modes.includes("private") ? null : compose ? compose.focusFor("private") : go(`/items/${item.ref}`, { compose: "private" })),
        assign: () => (mayEdit ? take() : null),
      });
      timer = setInterval(() => shown?.item && swap(parts.sla, () => slaCard(shown.item)), SLA_TICK_MS);
    },
    update: (data) => {
      if (data.missing) return say(notice("error", "This item is no longer visible to you."));
      if (!shown || shown.missing) return;
      if (heading && heading.textContent !== (data.item.title || "(no title)")) heading.textContent = data.item.title || "(no title)";
      fill(data, force);
      clock?.refresh().catch(() => {});
      force = false;
      shown = data;
    },
    dispose: () => {
      unbind();
      clearInterval(timer);
      clock?.dispose();
    },
  });
  return view;
}
