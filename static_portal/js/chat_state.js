// Chat state as pure functions (no DOM, no socket), so the widget and the workspace agree on what a server
// frame means and node --test can check it. Server frames (the issue 14 contract):
//   {type: "chat.waiting"|"chat.accepted"|"chat.message"|"chat.closed"|"chat.missed", chat: {...}, message?: {...}}
// A message: {id, author: {id?, name, role}, text, created_at, client_id?}. Messages this browser sent and the
// server has not confirmed yet are kept as {client_id, local: true, pending: true, ...}.

export const CHAT_EVENTS = ["chat.waiting", "chat.accepted", "chat.message", "chat.closed", "chat.missed"];
const ENDED = new Set(["closed", "missed"]);

/** A message this browser is sending: shown at once, marked pending until the server confirms it. */
export function localMessage({ text, client_id, author, now = new Date().toISOString() }) {
  return { id: null, client_id, author: author || { name: "You", role: "visitor" }, text, created_at: now, local: true, pending: true };
}

/**
 * The conversation with `msg` in it: the same server id updates in place; our own unconfirmed message is
 * replaced by the server's copy (matched by client_id, or, for a server that does not echo it, by text);
 * anything else is appended. Never a duplicate, whatever the order or number of deliveries.
 */
export function mergeMessage(messages, msg) {
  if (!msg) return messages;
  const list = messages || [];
  let at = msg.id ? list.findIndex((m) => m.id === msg.id) : -1;
  if (at < 0 && msg.client_id) at = list.findIndex((m) => m.client_id === msg.client_id);
  if (at < 0) at = list.findIndex((m) => m.local && !m.id && m.text === msg.text && sideOf(m.author) === sideOf(msg.author));
  const confirmed = { ...msg, local: false, pending: false, failed: false };
  if (at < 0) return [...list, confirmed];
  const next = list.slice();
  next[at] = { ...list[at], ...confirmed, client_id: msg.client_id || list[at].client_id };
  return next;
}

/** "visitor" for the visitor's messages (anonymous or a signed-in customer), "staff" for the agents'. */
export function sideOf(author) {
  const role = author?.role;
  return role === "visitor" || role === "customer" ? "visitor" : "staff";
}

/** Mark our own message `client_id` as failed (the server refused it) with the server's reason. */
export function failMessage(messages, client_id, reason) {
  return (messages || []).map((m) => (m.client_id === client_id && m.pending ? { ...m, pending: false, failed: true, error: reason || "Not sent" } : m));
}

// --------------------------------------------------------------------------- the visitor (widget)

/** The widget's messenger before a chat: phase "form" (name, email, first message). */
export function initialVisitorState(visitor = {}) {
  return { phase: "form", chat: null, messages: [], visitor: { name: visitor.name || "", email: visitor.email || "" }, startId: null, error: null, unread: 0 };
}

const PHASE_OF = { "chat.waiting": "waiting", "chat.accepted": "active", "chat.closed": "closed", "chat.missed": "missed" };

/**
 * visitorReduce(state, action) → state. Actions: {type: "start", name, email, text, client_id, now},
 * {type: "send", text, client_id, now}, {type: "error", client_id?, message}, {type: "reset"}, {type: "seen"},
 * and every server frame. A chat that ended stays ended (a late "waiting" cannot reopen it).
 */
export function visitorReduce(state, action) {
  const s = state || initialVisitorState();
  switch (action.type) {
    case "start": {
      const author = { name: action.name || "You", role: "visitor" };
      return {
        ...s,
        phase: "starting",
        chat: null,
        error: null,
        startId: action.client_id,
        visitor: { name: action.name || "", email: action.email || "" },
        messages: [localMessage({ text: action.text, client_id: action.client_id, author, now: action.now })],
      };
    }
    case "send": {
      if (!s.chat || ENDED.has(s.phase)) return s;
      const author = { name: s.visitor.name || "You", role: "visitor" };
      return { ...s, messages: [...s.messages, localMessage({ text: action.text, client_id: action.client_id, author, now: action.now })] };
    }
    case "error":
      if (action.client_id && action.client_id === s.startId && s.phase === "starting") {
        return { ...s, phase: "form", startId: null, messages: [], error: action.message || "The chat could not start." };
      }
      if (action.client_id) return { ...s, messages: failMessage(s.messages, action.client_id, action.message) };
      return { ...s, error: action.message || "Something went wrong." };
    case "reset":
      return initialVisitorState(s.visitor);
    case "seen":
      return s.unread ? { ...s, unread: 0 } : s;
    default:
      return visitorEvent(s, action);
  }
}

function visitorEvent(s, event) {
  if (!CHAT_EVENTS.includes(event.type) || !event.chat) return s;
  if (s.chat && event.chat.id !== s.chat.id) return s; // another chat of this visitor key (an old tab)
  if (!s.chat && s.phase !== "starting") return s;
  const next = { ...s, chat: { ...(s.chat || {}), ...event.chat } };
  if (!s.chat) {
    // The first answer to "start": the opening message reached the server with the chat.
    next.messages = s.messages.map((m) => (m.client_id === s.startId ? { ...m, pending: false } : m));
  }
  const phase = PHASE_OF[event.type];
  if (phase && !ENDED.has(s.phase)) next.phase = phase;
  else if (!phase && s.phase === "starting") next.phase = event.chat.state === "active" ? "active" : "waiting";
  if (event.message) {
    const known = event.message.id && next.messages.some((m) => m.id === event.message.id);
    next.messages = mergeMessage(next.messages, event.message);
    if (!known && sideOf(event.message.author) === "staff") next.unread = (s.unread || 0) + 1;
  }
  return next;
}

/** The frames to send again after a reload: our messages the server has not confirmed, oldest first. */
export function unconfirmedFrames(state) {
  if (!state?.chat?.id || ENDED.has(state.phase)) return [];
  return state.messages
    .filter((m) => m.local && m.pending && m.client_id !== state.startId)
    .map((m) => ({ action: "send", chat_id: state.chat.id, text: m.text, client_id: m.client_id }));
}

// --------------------------------------------------------------------------- the agent (workspace)

/** The waiting list after a server frame: a new waiting chat joins (oldest first), an accepted or ended one leaves. */
export function waitingReduce(list, event) {
  const items = list || [];
  if (!event?.chat?.id || !CHAT_EVENTS.includes(event.type)) return items;
  const id = event.chat.id;
  const state = event.chat.state || PHASE_OF[event.type];
  if (event.type === "chat.message") {
    return items.map((c) => (c.id === id ? { ...c, ...event.chat, last_message_at: event.message?.created_at || c.last_message_at } : c));
  }
  const rest = items.filter((c) => c.id !== id);
  if (state !== "waiting") return rest;
  const merged = { ...(items.find((c) => c.id === id) || {}), ...event.chat };
  return [...rest, merged].sort((a, b) => String(a.created_at || "").localeCompare(String(b.created_at || "")));
}

/** One open conversation {chat, messages} after a server frame about any chat (others are ignored). */
export function conversationReduce(conv, event) {
  if (!conv?.chat || !event?.chat || event.chat.id !== conv.chat.id || !CHAT_EVENTS.includes(event.type)) return conv;
  const chat = { ...conv.chat, ...event.chat };
  const phase = PHASE_OF[event.type];
  if (phase) chat.state = ENDED.has(conv.chat.state) ? conv.chat.state : phase;
  return { ...conv, chat, messages: event.message ? mergeMessage(conv.messages, event.message) : conv.messages };
}

/** How long a chat has waited, for the list: "under a minute", "4 min", "1 h 5 min". */
export function waitedFor(createdAt, now = Date.now()) {
  const t = new Date(createdAt).getTime();
  if (Number.isNaN(t)) return "";
  const minutes = Math.max(0, Math.floor((now - t) / 60000));
  if (minutes < 1) return "under a minute";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/** Whether a switched-on chat module is in a `modules` map (chat is off unless said otherwise). */
export function chatOn(modules) {
  return !!modules && modules.chat === true;
}
