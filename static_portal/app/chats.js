// #/chats (issue 14): the chats waiting for an agent (visitor, email, page, how long), kept live by the chat
// socket, with Accept; #/chats/<id>: one conversation with a reply box (Enter sends), live incoming messages,
// Close, and the ticket the chat is kept on. The socket only pushes; every change goes through the REST API.
import { api, get, newKey } from "../js/api.js";
import { h, notice, safeUrl } from "../js/dom.js";
import { go } from "../js/router.js";
import { defineView } from "../js/view.js";
import { chatOn, conversationReduce, localMessage, mergeMessage, waitedFor } from "../js/chat_state.js";
import { chatSocketUrl, createChatSocket } from "../js/chat_socket.js";
import { onEnterSend, renderLog } from "../js/chat_view.js";
import { createAgentLive } from "./chat_live.js";
import { page } from "./state.js";
import { session } from "./lookups.js";
import { holds } from "./roles_model.js";

const TICK_MS = 30_000; // waiting times move on by the minute
const chatPath = (id) => `/v1/chats/${encodeURIComponent(id)}`;

export const live = createAgentLive({
  loadWaiting: async () => (await get("/v1/chats", { state: "waiting", limit: 200 })).items || [],
  makeSocket: ({ onEvent, onStatus }) => createChatSocket({ url: chatSocketUrl(location, { tenant: session.me?.tenant?.slug }), onEvent, onStatus }),
});

/** "Reconnecting…" while the socket is down: the screens still work over REST, only live news pauses. */
function connectionLine() {
  const line = h("p", { class: "chat-connection muted", role: "status" });
  const show = ({ status }) => {
    line.textContent = live.running && status === "retrying" ? "Live updates are paused: reconnecting…" : "";
  };
  show({ status: live.status });
  return { element: line, off: live.subscribe(show) };
}

export const chatEnabled = () => holds(session.me, "items.reply") && chatOn(session.me.modules || session.me.tenant?.modules);

/** Open the socket once signed in (when the tenant's chat module is on); the nav count follows it. */
export function startChatLive() {
  if (!chatEnabled() || live.running) return;
  live.start();
  live.refresh().catch(() => {});
}

export function stopChatLive() {
  live.stop();
}

let navLink = null;
/** "Chats" in the top bar with the number of waiting chats, live; null when the module is off. */
export function chatsLink(link) {
  if (!chatEnabled()) return null;
  if (!navLink) {
    const count = h("span", { class: "nav-count", "aria-hidden": "true", hidden: true });
    navLink = link("/chats", "Chats");
    navLink.append(count);
    const show = () => {
      const n = live.count;
      count.textContent = n > 99 ? "99+" : String(n);
      count.hidden = n === 0;
      navLink.setAttribute("aria-label", n ? `Chats, ${n} waiting` : "Chats");
      navLink.dataset.waiting = String(n);
    };
    live.subscribe(show);
    show();
  }
  return navLink;
}

/** The agent who took the chat answers it (admins may step in), as the API allows. */
const mayAnswer = (chat) => chat.agent_id === session.me?.id || holds(session.me, "items.see_all");
const visitorName = (chat) => chat.visitor?.name || chat.visitor?.email || "Visitor";
const textOf = (m) => ({ ...m, text: m.text ?? m.body ?? "" });

function pageLink(url) {
  const safe = safeUrl(url);
  if (!safe || !/^https?:/i.test(new URL(safe, location.href).protocol)) return h("span", { class: "muted", text: url || "—" });
  return h("a", { href: safe, target: "_blank", rel: "noopener noreferrer", class: "page-url", text: url });
}

/** Take a waiting chat; a 409 (a colleague was first) is said, not thrown. Opens it unless `stay`. */
async function accept(chat, say, { stay = false } = {}) {
  try {
    await api("POST", `${chatPath(chat.id)}/accept`, { body: {} });
    if (!stay) go(`/chats/${chat.id}`);
    return true;
  } catch (err) {
    say(notice("error", err.status === 409 ? `Someone else already took the chat with ${visitorName(chat)}.` : err.message));
    live.refresh().catch(() => {});
    return false;
  }
}

export function chatsView() {
  const flash = h("div", { "aria-live": "polite" });
  const say = (n) => flash.replaceChildren(n || "");
  const waitingBody = h("tbody", {});
  const waitingEmpty = h("p", { class: "muted", text: "Nobody is waiting. New chats appear here at once." });
  const activeList = h("ul", { class: "chat-list", "aria-label": "Chats in progress" });
  const activeEmpty = h("p", { class: "muted", text: "No chat in progress." });
  let unsubscribe = null;
  let ticker = null;
  const connection = connectionLine();

  const waitingRow = (chat) => h("tr", { dataset: { id: chat.id } },
    h("td", { "data-label": "Visitor" }, h("a", { href: `#/chats/${encodeURIComponent(chat.id)}`, text: visitorName(chat) })),
    h("td", { "data-label": "Email", text: chat.visitor?.email || "" }),
    h("td", { "data-label": "Page" }, pageLink(chat.page_url)),
    h("td", { "data-label": "Waiting" }, h("time", { datetime: chat.created_at, text: waitedFor(chat.created_at) })),
    h("td", { "data-label": "Action" }, h("button", { type: "button", "aria-label": `Accept the chat with ${visitorName(chat)}`, text: "Accept", onclick: (e) => {
      e.target.disabled = true;
      accept(chat, say).then((ok) => {
        if (!ok) e.target.disabled = false;
      });
    } })));

  const showWaiting = (waiting) => {
    waitingBody.replaceChildren(...waiting.map(waitingRow));
    waitingEmpty.hidden = waiting.length > 0;
  };
  const showActive = (active) => {
    const me = session.me?.id;
    activeList.replaceChildren(...active.map((chat) => h("li", { dataset: { id: chat.id } },
      h("a", { href: `#/chats/${encodeURIComponent(chat.id)}`, text: visitorName(chat) }),
      h("span", { class: "muted", text: chat.agent_id === me ? " · yours" : " · with a colleague" }))));
    activeEmpty.hidden = active.length > 0;
  };

  const view = defineView({
    load: async () => {
      const [waiting, active] = await Promise.all([live.refresh(), get("/v1/chats", { state: "active", limit: 200 }).then((r) => r.items || [])]);
      return { waiting, active };
    },
    render: (data) => {
      page("Chats", flash, connection.element,
        h("section", { class: "card table-card", "aria-label": "Waiting chats" },
          h("h2", { text: "Waiting" }), waitingEmpty,
          h("table", { class: "items-table chats-table" },
            h("caption", { class: "sr-only", text: "Chats waiting for an agent" }),
            h("thead", {}, h("tr", {}, ["Visitor", "Email", "Page", "Waiting", ""].map((t) => h("th", { scope: "col", text: t })))),
            waitingBody)),
        h("section", { class: "card", "aria-label": "In progress" }, h("h2", { text: "In progress" }), activeEmpty, activeList));
      showWaiting(live.waiting);
      showActive(data.active);
      unsubscribe = live.subscribe(({ waiting, event }) => {
        showWaiting(waiting);
        if (event && event.type !== "chat.waiting" && event.type !== "chat.message") view.refresh().catch(() => {});
      });
      ticker = setInterval(() => showWaiting(live.waiting), TICK_MS);
    },
    update: (data) => {
      showWaiting(live.waiting);
      showActive(data.active);
    },
    dispose: () => {
      unsubscribe?.();
      connection.off();
      clearInterval(ticker);
    },
  });
  return view;
}

const STATE_TEXT = { waiting: "Waiting for an agent", active: "In progress", closed: "Closed", missed: "Missed (answered by email)" };

export function chatView(id) {
  let conv = null;
  let unsubscribe = null;
  const connection = connectionLine();
  const flash = h("div", { "aria-live": "polite" });
  const say = (n) => flash.replaceChildren(n || "");
  const stateLine = h("p", { class: "chat-state", role: "status" });
  const log = h("ol", { class: "chat-log", "aria-label": "Conversation", "aria-live": "polite" });
  const text = h("textarea", { name: "text", rows: 3, maxlength: 5000, id: "chat-reply" });
  const sendButton = h("button", { type: "submit", text: "Send" });
  const composer = h("form", { class: "card chat-composer", "aria-label": "Reply", onsubmit: (e) => {
    e.preventDefault();
    send();
  } }, h("label", { for: "chat-reply", text: "Reply" }), h("p", { class: "help", text: "Enter sends, Shift+Enter starts a new line." }), text, h("div", { class: "row" }, sendButton));
  const acceptButton = h("button", { type: "button", text: "Accept", onclick: async () => {
    acceptButton.disabled = true;
    if (await accept(conv.chat, say, { stay: true })) say(null);
    await view.refresh().catch(() => {});
    acceptButton.disabled = false;
    if (conv.chat.state === "active" && mayAnswer(conv.chat)) text.focus();
  } });
  const closeButton = h("button", { type: "button", class: "secondary", text: "Close chat", onclick: async () => {
    closeButton.disabled = true;
    try {
      const { data } = await api("POST", `${chatPath(id)}/close`, { body: {} });
      conv = { ...conv, chat: { ...conv.chat, ...(data || {}), state: "closed" } };
      say(notice("ok", "Chat closed. The conversation stays on its ticket."));
      paint();
    } catch (err) {
      say(notice("error", err.message));
    } finally {
      closeButton.disabled = false;
    }
  } });
  const ticketSlot = h("span", {});
  const taken = h("p", { class: "muted", hidden: true });
  const facts = h("dl", { class: "facts" });

  function paint() {
    const chat = conv.chat;
    stateLine.textContent = STATE_TEXT[chat.state] || chat.state || "";
    stateLine.dataset.state = chat.state || "";
    facts.replaceChildren(
      h("dt", { text: "Email" }), h("dd", { text: chat.visitor?.email || "—" }),
      h("dt", { text: "Page" }), h("dd", {}, pageLink(chat.page_url)),
      h("dt", { text: "Started" }), h("dd", {}, h("time", { datetime: chat.created_at, text: chat.created_at ? new Date(chat.created_at).toLocaleString() : "" })));
    ticketSlot.replaceChildren(chat.item_ref ? h("a", { href: `#/items/${encodeURIComponent(chat.item_ref)}`, class: "chat-ticket", text: `Ticket ${chat.item_ref}` }) : "");
    renderLog(log, conv.messages, { side: "staff" });
    const mine = mayAnswer(chat);
    acceptButton.hidden = chat.state !== "waiting";
    closeButton.hidden = chat.state !== "active" && chat.state !== "waiting";
    composer.hidden = chat.state !== "active" || !mine;
    taken.hidden = chat.state !== "active" || mine;
    taken.textContent = `${chat.agent_name || "A colleague"} is answering this chat.`;
  }

  async function send() {
    const value = text.value.trim();
    if (!value || conv.chat.state !== "active" || !mayAnswer(conv.chat)) return;
    const clientId = newKey();
    const me = session.me || {};
    conv = { ...conv, messages: [...conv.messages, localMessage({ text: value, client_id: clientId, author: { id: me.id, name: me.name || me.email, role: me.role || "agent" } })] };
    text.value = "";
    paint();
    try {
      // The client_id makes a retried request (a lost answer) one line, as on the socket; the push names it too.
      const { data } = await api("POST", `${chatPath(id)}/messages`, { body: { text: value, client_id: clientId } });
      if (data && data.id) conv = { ...conv, messages: mergeMessage(conv.messages, { ...textOf(data), client_id: clientId }) };
    } catch (err) {
      conv = { ...conv, messages: conv.messages.map((m) => (m.client_id === clientId ? { ...m, pending: false, failed: true, error: err.message } : m)) };
      say(notice("error", `Not sent: ${err.message}`));
    }
    paint();
    text.focus();
  }
  onEnterSend(text, send);

  const fromServer = (data) => {
    let messages = conv ? conv.messages : [];
    for (const m of data.messages || []) messages = mergeMessage(messages, textOf(m));
    const chat = { ...(conv?.chat || {}), ...data };
    delete chat.messages;
    conv = { chat, messages };
  };

  const view = defineView({
    load: () => get(chatPath(id)),
    render: (data) => {
      fromServer(data);
      page(`Chat with ${visitorName(conv.chat)}`, flash, connection.element,
        h("div", { class: "row chat-head" }, stateLine, ticketSlot, h("span", { class: "spacer" }), acceptButton, closeButton),
        h("div", { class: "chat-layout" },
          h("section", { class: "card chat-main", "aria-label": "Conversation" }, log, taken),
          h("aside", { class: "card chat-side", "aria-label": "Visitor" }, h("h2", { text: visitorName(conv.chat) }), facts, h("p", {}, h("a", { href: "#/chats", text: "← All chats" })))),
        composer);
      paint();
      unsubscribe = live.subscribe(({ event }) => {
        if (!event || !conv) return;
        const next = conversationReduce(conv, { ...event, message: event.message ? textOf(event.message) : undefined });
        if (next !== conv) {
          conv = next;
          paint();
        }
      });
      if (conv.chat.state === "active") text.focus();
    },
    update: (data) => {
      fromServer(data);
      paint();
    },
    dispose: () => {
      unsubscribe?.();
      connection.off();
    },
  });
  return view;
}
