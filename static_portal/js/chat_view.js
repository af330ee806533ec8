// What the widget's messenger and the workspace's conversation screen share on the page: the message log
// and "Enter sends". Text only (h() sets textContent): whatever a visitor types stays text.
import { h } from "./dom.js";
import { sideOf } from "./chat_state.js";

/** Enter sends, Shift+Enter starts a new line (and an IME composing a word keeps its Enter). */
export function onEnterSend(textarea, send) {
  textarea.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
}

const clock = (iso) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
};

/**
 * Fill `log` (an <ol>) with the messages; `side` is the reader's ("visitor" or "staff"), whose messages are
 * drawn on the right as "mine". Stays scrolled to the newest message unless the reader scrolled up.
 */
export function renderLog(log, messages, { side, youName = "You" } = {}) {
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  log.replaceChildren(...(messages || []).map((msg) => {
    const mine = msg.local || sideOf(msg.author) === side;
    const note = msg.failed ? ` · not sent${msg.error ? `: ${msg.error}` : ""}` : msg.pending ? " · sending…" : "";
    const who = mine && side === "visitor" ? youName : msg.author?.name || (sideOf(msg.author) === "visitor" ? "Visitor" : "Agent");
    return h("li", { class: ["chat-msg", mine ? "mine" : "theirs", msg.pending ? "pending" : null, msg.failed ? "failed" : null], dataset: { id: msg.id || "", clientId: msg.client_id || "" } },
      h("div", { class: "meta" }, h("strong", { text: who }), " ", h("time", { datetime: msg.created_at || "", text: clock(msg.created_at) }), h("span", { class: "note", text: note })),
      h("div", { class: "body", text: msg.text }));
  }));
  if (atBottom) log.scrollTop = log.scrollHeight;
}
