// The chat socket (issue 14): one same-origin WebSocket to /v1/ws carrying JSON frames, shared by the widget's
// messenger and the workspace's #/chats. It reconnects with exponential backoff (with jitter, so a deploy does
// not make every browser knock at the same second) and keeps every frame that carries a `client_id` until the
// server has acknowledged it, resending it on each new connection: the server treats a repeated client_id as
// the same message, so a resend after a lost answer never says anything twice.

export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 30_000;
// A connection must stay up this long before the backoff starts again from the base: a server that accepts the
// handshake and drops at once (a failing deploy) must not be knocked at every second.
export const STABLE_MS = 10_000;
// API Gateway hangs up a socket idle for 10 minutes: a ping (answered with a pong) every few minutes keeps it.
export const PING_MS = 5 * 60_000;

/**
 * The wait before reconnect attempt `attempt` (0 = the first after a drop): base·2^attempt capped at `max`,
 * then scaled into [½, 1] of that by `random()` ("equal jitter": never sooner than half, never later than the cap).
 */
export function backoffDelay(attempt, { base = BACKOFF_BASE_MS, max = BACKOFF_MAX_MS, random = Math.random } = {}) {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * chatSocketUrl(location, {tenant, visitor}) → "wss://host/v1/ws?tenant=…&visitor=…"
 * Always the page's own origin (the CSP's connect-src 'self'): ws: under http:, wss: under https:. Agents and
 * signed-in customers are known by their session cookie, which the browser sends with the handshake.
 */
export function chatSocketUrl(loc, query) {
  const scheme = loc.protocol === "https:" ? "wss:" : "ws:";
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  const qs = params.toString();
  return `${scheme}//${loc.host}/v1/ws${qs ? `?${qs}` : ""}`;
}

/** A random id for a frame (a message's `client_id`) or a visitor key. */
export function randomId() {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

const OPEN = 1;

/**
 * createChatSocket({url, WebSocketImpl, timers, random, onEvent, onStatus}) → {connect, close, send, ack, …}
 * - connect(): open the socket (again); a drop schedules a reconnect after backoffDelay(attempt), where attempt
 *   counts the drops since the last connection that stayed up for `stable` ms.
 * - send(frame): sent now when open, else when the next connection opens. A frame with `client_id` stays
 *   pending until ack(client_id) (or a server frame naming it) and is sent again on every reconnect.
 * - onEvent(event) gets each parsed server frame; onStatus(status) each change of `status`:
 *   "idle" | "connecting" | "open" | "retrying" (a reconnect is scheduled) | "closed" (close() was called).
 * While open, `{action: "ping"}` goes out every `pingEvery` ms (0: never).
 * A server frame `{type: "chat.message", message: {client_id}}`, or any frame with a top-level `client_id`
 * (an `error` about that frame among them), acknowledges that frame.
 */
export function createChatSocket({
  url,
  WebSocketImpl = globalThis.WebSocket,
  timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (id) => clearTimeout(id) },
  random = Math.random,
  now = Date.now,
  base = BACKOFF_BASE_MS,
  max = BACKOFF_MAX_MS,
  stable = STABLE_MS,
  pingEvery = PING_MS,
  onEvent = () => {},
  onStatus = () => {},
}) {
  let ws = null;
  let status = "idle";
  let attempt = 0;
  let openedAt = null;
  let timer = null;
  let pinger = null;
  let wanted = false;
  // Frames in the order they were sent: {frame, id}; id = client_id (kept until acked) or null (sent once).
  let outbox = [];

  const setStatus = (next) => {
    if (next === status) return;
    status = next;
    onStatus(next);
  };

  const transmit = (frame) => {
    try {
      ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false; // closing under our feet: the close handler reconnects and the frame is still queued
    }
  };

  const flush = () => {
    const keep = [];
    for (const entry of outbox) {
      const sent = transmit(entry.frame);
      if (entry.id || !sent) keep.push(entry);
    }
    outbox = keep;
  };

  const schedule = () => {
    if (!wanted || timer !== null) return;
    const delay = backoffDelay(attempt, { base, max, random });
    attempt += 1;
    setStatus("retrying");
    timer = timers.set(() => {
      timer = null;
      open();
    }, delay);
  };

  const handleMessage = (raw) => {
    let event;
    try {
      event = JSON.parse(typeof raw === "string" ? raw : String(raw));
    } catch {
      return; // not ours (or a proxy's keep-alive text): nothing to do
    }
    if (!event || typeof event !== "object") return;
    const acked = event.client_id || event.message?.client_id;
    if (acked) ack(acked);
    onEvent(event);
  };

  function open() {
    if (!wanted) return;
    let socket;
    try {
      socket = new WebSocketImpl(url);
    } catch {
      schedule();
      return;
    }
    ws = socket;
    setStatus("connecting");
    socket.onopen = () => {
      if (ws !== socket) return;
      openedAt = now();
      setStatus("open");
      flush();
      keepAlive();
    };
    socket.onmessage = (e) => {
      if (ws === socket) handleMessage(e.data);
    };
    socket.onclose = () => {
      if (ws !== socket) return;
      ws = null;
      stopPing();
      if (openedAt !== null && now() - openedAt >= stable) attempt = 0;
      openedAt = null;
      if (wanted) schedule();
      else setStatus("closed");
    };
    socket.onerror = () => {
      // A close event always follows an error; reconnecting is its business.
    };
  }

  function keepAlive() {
    stopPing();
    if (!pingEvery) return;
    const tick = () => {
      pinger = null;
      if (ws && status === "open") {
        transmit({ action: "ping" });
        pinger = timers.set(tick, pingEvery);
      }
    };
    pinger = timers.set(tick, pingEvery);
  }

  function stopPing() {
    if (pinger !== null) timers.clear(pinger);
    pinger = null;
  }

  function ack(id) {
    outbox = outbox.filter((entry) => entry.id !== id);
  }

  return {
    connect() {
      wanted = true;
      if (ws || timer !== null) return;
      open();
    },
    /** Skip the rest of the backoff wait (the browser came back online, the panel was opened). */
    retryNow() {
      if (!wanted || timer === null) return;
      timers.clear(timer);
      timer = null;
      open();
    },
    close() {
      wanted = false;
      if (timer !== null) timers.clear(timer);
      timer = null;
      stopPing();
      const socket = ws;
      ws = null;
      setStatus("closed");
      try {
        socket?.close(1000);
      } catch {
        // already closing
      }
    },
    send(frame) {
      const id = frame.client_id || null;
      if (id && outbox.some((entry) => entry.id === id)) return;
      const entry = { frame, id };
      if (ws && ws.readyState === OPEN && status === "open") {
        const sent = transmit(frame);
        if (id || !sent) outbox.push(entry);
      } else {
        outbox.push(entry);
      }
    },
    ack,
    /** client_ids sent but not yet acknowledged, oldest first. */
    pending() {
      return outbox.filter((entry) => entry.id).map((entry) => entry.id);
    },
    get status() {
      return status;
    },
  };
}
