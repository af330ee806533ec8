// The widget's messenger without its screen: the visitor's chat state (js/chat_state.js), the socket
// (js/chat_socket.js) and what survives a reload of the panel (the host page navigating reloads our iframe).
// Storage, the socket and the clock are passed in, so node --test drives it with fakes.
import { chatSocketUrl, createChatSocket, randomId } from "../js/chat_socket.js";
import { initialVisitorState, unconfirmedFrames, visitorReduce } from "../js/chat_state.js";

const LIVE = new Set(["starting", "waiting", "active"]);
const KEPT_MESSAGES = 200;

const safeParse = (raw) => {
  try {
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
};

/** The server's error frame in one shape: {client_id?, message}. */
export function errorOf(event) {
  const e = event.error && typeof event.error === "object" ? event.error : {};
  return { client_id: event.client_id || e.client_id || null, message: e.message || event.message || "Something went wrong." };
}

/**
 * createMessenger({slug, storage, makeSocket, now, visitor}) → {state, start, send, reset, seen, resume, subscribe, close}
 * makeSocket({url query, onEvent, onStatus}) builds the socket (createChatSocket by default); storage is a
 * Storage-like object (localStorage of our origin inside the panel).
 */
export function createMessenger({ slug, storage, makeSocket = defaultSocket, now = () => new Date().toISOString(), visitor = {} }) {
  const stateKey = `tandem.chat.state.${slug}`;
  const visitorKeyName = `tandem.chat.visitor.${slug}`;
  const saved = safeParse(read(stateKey));
  let state = saved && saved.phase ? { ...initialVisitorState(saved.visitor), ...saved, unread: saved.unread || 0 } : initialVisitorState(visitor);
  let startFrame = saved?.startFrame || null;
  let connection = "idle";
  let socket = null;
  const listeners = new Set();

  function read(key) {
    try {
      return storage?.getItem(key) ?? null;
    } catch {
      return null; // storage refused (a blocked third-party frame): the chat still works for this page's life
    }
  }
  function write(key, value) {
    try {
      if (value === null) storage?.removeItem(key);
      else storage?.setItem(key, value);
    } catch {
      // as above
    }
  }

  function visitorKey() {
    let key = read(visitorKeyName);
    if (!key) {
      key = randomId();
      write(visitorKeyName, key);
    }
    return key;
  }

  function persist() {
    const kept = { ...state, messages: state.messages.slice(-KEPT_MESSAGES), startFrame: state.phase === "starting" ? startFrame : null };
    write(stateKey, JSON.stringify(kept));
  }

  function emit() {
    persist();
    for (const fn of listeners) fn(state, connection);
  }

  function dispatch(action) {
    const before = state;
    state = visitorReduce(state, action);
    if (before.phase === "starting" && state.chat && before.startId) socket?.ack(before.startId);
    if (!LIVE.has(state.phase) && LIVE.has(before.phase)) closeSocket();
    if (state !== before) emit();
  }

  function onEvent(event) {
    if (event.type === "error") dispatch({ type: "error", ...errorOf(event) });
    else dispatch(event);
  }

  function ensureSocket() {
    if (!socket) {
      socket = makeSocket({
        query: { tenant: slug, visitor: visitorKey() },
        onEvent,
        onStatus: (status) => {
          connection = status;
          emit();
        },
      });
    }
    socket.connect();
    return socket;
  }

  function closeSocket() {
    const s = socket;
    socket = null;
    s?.close();
  }

  return {
    get state() {
      return state;
    },
    get connection() {
      return connection;
    },
    /** Start a chat: the first message is shown at once and sent (again after a drop) until the server answers. */
    start({ name, email, text, pageUrl }) {
      const client_id = randomId();
      startFrame = { action: "start", name: name || undefined, email: email || undefined, page_url: pageUrl || "", text, client_id };
      dispatch({ type: "start", name, email, text, client_id, now: now() });
      ensureSocket().send(startFrame);
    },
    send(text) {
      if (!state.chat || !LIVE.has(state.phase)) return false;
      const client_id = randomId();
      dispatch({ type: "send", text, client_id, now: now() });
      ensureSocket().send({ action: "send", chat_id: state.chat.id, text, client_id });
      return true;
    },
    /** After a chat ended: back to the form, keeping the name and email. */
    reset() {
      closeSocket();
      startFrame = null;
      dispatch({ type: "reset" });
    },
    seen() {
      dispatch({ type: "seen" });
    },
    /** A chat still going when the panel loaded: connect again and send what the server has not confirmed. */
    resume() {
      if (!LIVE.has(state.phase)) return false;
      const s = ensureSocket();
      if (state.phase === "starting" && startFrame) s.send(startFrame);
      for (const frame of unconfirmedFrames(state)) s.send(frame);
      return true;
    },
    /** Come back now instead of after the backoff (the panel was opened, the browser is online again). */
    retryNow() {
      socket?.retryNow();
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close: closeSocket,
  };
}

function defaultSocket({ query, onEvent, onStatus }) {
  return createChatSocket({ url: chatSocketUrl(location, query), onEvent, onStatus });
}
