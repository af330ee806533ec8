// Admin: REST hooks — subscribe a URL to an event (the secret is shown once), the delivery log of each hook
// with every attempt, Redeliver, Unsubscribe. The rules channel (`rules`: rule call_webhook deliveries) has a log too.
import { api, get } from "../js/api.js";
import { h, field, notice, uid } from "../js/dom.js";
import { page } from "./state.js";
import { options } from "./widgets.js";

const EVENTS = ["item.created", "item.updated", "item.status_changed", "message.created"];

function attemptsText(d) {
  return d.attempts.map((a) => `#${a.n}${a.manual ? " (redelivered)" : ""} ${a.at} · ${a.response_code ?? "no answer"} · ${a.ms} ms${a.error ? ` · ${a.error}` : ""}`).join("\n");
}

async function deliveryLog(hookId, say) {
  const body = h("tbody", {});
  const section = h("section", { class: "card", "aria-label": `Deliveries of ${hookId}` },
    h("h3", { text: "Delivery log" }),
    h("table", { class: "items-table" },
      h("thead", {}, h("tr", {}, ["Delivery (webhook-id)", "Event", "State", "Attempts", ""].map((t) => h("th", { scope: "col", text: t })))),
      body));
  async function fill() {
    let rows = [];
    try {
      rows = (await get(`/v1/hooks/${encodeURIComponent(hookId)}/deliveries`)).items || [];
    } catch (err) { say("error", err.message); }
    body.replaceChildren(...(rows.length ? rows.map((d) => h("tr", { "data-delivery": d.id },
      h("td", { "data-label": "Delivery", text: d.id }),
      h("td", { "data-label": "Event", text: d.event }),
      h("td", { "data-label": "State", text: d.state + (d.next_attempt_at ? ` (next ${d.next_attempt_at})` : "") }),
      h("td", { "data-label": "Attempts" }, h("pre", { class: "muted", text: attemptsText(d) })),
      h("td", {}, h("button", { type: "button", class: "secondary", text: "Redeliver", onclick: async () => {
        try {
          const r = (await api("POST", `/v1/hooks/${encodeURIComponent(hookId)}/deliveries/${encodeURIComponent(d.id)}/redeliver`)).data;
          const last = r.attempts[r.attempts.length - 1];
          say(last.status === "succeeded" ? "success" : "error", `Redelivered ${d.id}: ${last.response_code ?? last.error}`);
          await fill();
        } catch (err) { say("error", err.message); }
      } })))) : [h("tr", {}, h("td", { colspan: 5, class: "muted", text: "No deliveries yet." }))]));
  }
  await fill();
  return section;
}

function hookCard(hook, reload, say) {
  const logSlot = h("div", {});
  return h("li", { class: "card", "data-hook": hook.id },
    h("h3", {}, h("span", { text: `${hook.event} → ${hook.target_url}` }), hook.enabled ? "" : h("span", { class: "badge", text: " disabled" })),
    h("p", { class: "muted", text: `${hook.id} · scope ${hook.scope} · since ${hook.created_at}` }),
    hook.disabled_reason ? h("p", { class: "error", role: "status", text: hook.disabled_reason }) : "",
    h("div", { class: "row" },
      h("button", { type: "button", text: "Delivery log", onclick: async () => logSlot.replaceChildren(await deliveryLog(hook.id, say)) }),
      h("button", { type: "button", class: "secondary", text: "Unsubscribe", onclick: async () => {
        try {
          await api("DELETE", `/v1/hooks/${encodeURIComponent(hook.id)}`);
          await reload(`Unsubscribed ${hook.target_url}.`);
        } catch (err) { say("error", err.message); }
      } })),
    logSlot);
}

function createForm(reload, say) {
  const url = h("input", { id: uid("url"), type: "url", required: true, placeholder: "https://example.com/hooks/tandem" });
  const event = h("select", { id: uid("event") }, options(EVENTS.map((e) => [e, e]), "item.created"));
  const scope = h("select", { id: uid("scope") }, options([["staff", "Staff (private messages too)"], ["customer", "Customer (public only)"]], "staff"));
  const urlField = field("Target URL", url, { required: true });
  async function submit(e) {
    e.preventDefault();
    urlField.setError(url.value.trim() ? "" : "A target URL is required.");
    if (!url.value.trim()) return url.focus();
    try {
      const { data } = await api("POST", "/v1/hooks", { body: { target_url: url.value.trim(), event: event.value, scope: scope.value } });
      await reload(`Subscribed. Signing secret (shown once): ${data.secret}`);
    } catch (err) {
      if (err.details && err.details.field === "target_url") urlField.setError(err.message);
      else say("error", err.message);
    }
  }
  return h("form", { class: "card narrow", "aria-label": "New hook", novalidate: true, onsubmit: submit },
    h("h2", { text: "New hook" }), urlField, field("Event", event), field("Scope", scope),
    h("button", { type: "submit", text: "Subscribe" }));
}

export async function hooksView(nav, flash) {
  const messages = h("div", { "aria-live": "polite" }, flash ? notice("success", flash) : null);
  const say = (kind, text) => messages.replaceChildren(notice(kind, text));
  const reload = (text) => hooksView(nav, text);
  let hooks = [];
  try {
    hooks = (await get("/v1/hooks")).items || [];
  } catch (err) { say("error", err.message); }
  const rulesLog = h("div", {});
  page("Hooks", nav, messages,
    h("section", { "aria-label": "Hooks" }, h("h2", { text: "Subscriptions" }),
      hooks.length ? h("ol", { class: "plain" }, hooks.map((hk) => hookCard(hk, reload, say))) : h("p", { class: "muted", text: "No hooks yet." })),
    createForm(reload, say),
    h("section", { class: "card", "aria-label": "Rule webhooks" }, h("h2", { text: "Rule webhooks (call_webhook)" }),
      h("p", { class: "muted", text: "Signed with the workspace's rules secret." }),
      h("div", { class: "row" },
        h("button", { type: "button", text: "Delivery log", onclick: async () => rulesLog.replaceChildren(await deliveryLog("rules", say)) }),
        h("button", { type: "button", class: "secondary", text: "Rotate rules secret", onclick: async () => {
          try {
            const { data } = await api("POST", "/v1/hooks/rules/rotate-secret");
            say("success", `New rules secret (shown once; the previous one signs for 24 h more): ${data.secret}`);
          } catch (err) { say("error", err.message); }
        } })),
      rulesLog));
}
