// The widget's "Chat" tab (issue 14), shown when the tenant's chat module is on: name and email (unless a
// customer is signed in), the first message, then "an agent will be with you", the live conversation, and,
// when nobody accepted in time, "an agent will answer by email". The messenger (./messenger.js) outlives
// this screen: switching tabs or a reload of the panel keeps the chat going.
import { h, field, mount, notice } from "../js/dom.js";
import { go } from "../js/router.js";
import { chatOn } from "../js/chat_state.js";
import { onEnterSend, renderLog } from "../js/chat_view.js";
import { ctx, page } from "../portal/context.js";
import { createMessenger } from "./messenger.js";

const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const ENDED = new Set(["closed", "missed"]);
const host = { pageUrl: "", open: true }; // what widget.js tells us about the page around the panel

let messenger = null;
let detach = null; // the shown chat screen's subscription

function stylesheet() {
  if (document.querySelector('link[href="/css/chat.css"]')) return;
  document.head.append(h("link", { rel: "stylesheet", href: "/css/chat.css" }));
}

function toParent(message) {
  // Counts and flags only, never what was said: any origin may read it, and widget.js checks who sent it.
  if (window.parent !== window) window.parent.postMessage(message, "*");
}

function tellParent(state) {
  toParent({ type: "tandem:chat", live: !ENDED.has(state.phase) && state.phase !== "form", unread: host.open ? 0 : state.unread || 0 });
}

/** The messenger of this panel (one per page), made once the tenant is known. */
export function theMessenger() {
  if (!messenger) {
    messenger = createMessenger({ slug: ctx.slug, storage: globalThis.localStorage, visitor: ctx.me ? { name: ctx.me.name, email: ctx.me.email } : {} });
    messenger.subscribe((state) => tellParent(state));
  }
  return messenger;
}

// Listening from the first moment: widget.js tells us the page as soon as our frame has loaded, which can be
// before the tenant's settings have arrived.
window.addEventListener("message", (e) => {
  if (window.parent === window || e.source !== window.parent || !e.data || e.data.type !== "tandem:page") return;
  if (typeof e.data.url === "string") host.pageUrl = e.data.url.slice(0, 2000);
  host.open = e.data.open !== false;
  if (host.open && messenger) {
    if (detach) messenger.seen();
    messenger.retryNow();
  }
});

/** Boot: pick up a chat that was going on before the panel (re)loaded. */
export function startChat() {
  if (!chatOn(ctx.modules)) return;
  stylesheet();
  if (!host.pageUrl) host.pageUrl = document.referrer || "";
  toParent({ type: "tandem:hello" }); // widget.js answers with the page again, in case we missed it
  window.addEventListener("online", () => messenger?.retryNow());
  const m = theMessenger();
  if (m.resume() && /^#?\/?$/.test(location.hash)) go("/chat");
  tellParent(m.state);
}

export const chatTab = { path: "/chat", label: "Chat", pattern: /^\/chat$/, shown: () => chatOn(ctx.modules), view: chatView, start: startChat };

export function chatView() {
  if (!chatOn(ctx.modules)) return page("Chat", h("p", { class: "muted", text: "Chat is not available at the moment. Send us a request instead." }), h("a", { href: "#/", text: "See the forms" }));
  const m = theMessenger();
  const body = h("div", { class: "chat" });
  page("Chat with us", body);
  let shown = null;
  let screen = null;
  const paint = (state, connection) => {
    if (!body.isConnected) return detach?.();
    const kind = state.phase === "form" ? "form" : "talk";
    if (kind !== shown) {
      shown = kind;
      screen = kind === "form" ? startForm(m, state) : talk(m);
      mount(body, screen.element);
    }
    screen.update?.(state, connection);
    if (host.open) m.seen();
  };
  detach?.();
  const off = m.subscribe(paint);
  detach = () => {
    off();
    detach = null;
  };
  paint(m.state, m.connection);
}

function startForm(m, state) {
  const me = ctx.me;
  const name = h("input", { type: "text", name: "name", autocomplete: "name", required: true, maxlength: 200, value: state.visitor.name || "" });
  const email = h("input", { type: "email", name: "email", autocomplete: "email", required: true, maxlength: 320, value: state.visitor.email || "" });
  const text = h("textarea", { name: "text", rows: 3, required: true, maxlength: 5000 });
  const nameField = me ? null : field("Your name", name, { required: true });
  const emailField = me ? null : field("Your email", email, { required: true, help: "If nobody is free, we answer there." });
  const textField = field("Your message", text, { required: true });
  const out = h("div", { "aria-live": "polite" });
  const submit = () => {
    out.replaceChildren();
    [nameField, emailField, textField].forEach((f) => f?.setError(""));
    let bad = null;
    if (!text.value.trim()) bad = bad || (textField.setError("Write your question."), text);
    if (!me && !EMAIL_RE.test(email.value.trim())) bad = (emailField.setError("Enter an email address like name@example.com."), email);
    if (!me && !name.value.trim()) bad = (nameField.setError("Tell us your name."), name);
    if (bad) return bad.focus();
    m.start({
      name: me ? me.name || me.email : name.value.trim(),
      email: me ? me.email : email.value.trim(),
      text: text.value.trim(),
      pageUrl: host.pageUrl,
    });
  };
  onEnterSend(text, submit);
  const form = h("form", { class: "card chat-start", novalidate: true, "aria-label": "Start a chat", onsubmit: (e) => {
    e.preventDefault();
    submit();
  } },
  me ? h("p", { class: "muted", text: `You are signed in as ${me.name || me.email}.` }) : h("p", { class: "muted", text: "Chat with our team live. Tell us who you are and what you need." }),
  state.error ? notice("error", state.error) : null,
  nameField, emailField, textField, out,
  h("button", { type: "submit", text: "Start chat" }));
  return { element: form };
}

function statusText(state) {
  const agent = state.chat?.agent?.name || state.chat?.agent_name;
  switch (state.phase) {
    case "starting":
      return ["info", "Starting the chat…"];
    case "waiting":
      return ["info", "Thanks! An agent will be with you shortly."];
    case "active":
      return ["ok", agent ? `You are chatting with ${agent}.` : "An agent has joined the chat."];
    case "missed":
      return ["info", `No agent was free just now. We have your message and an agent will answer by email${state.visitor.email ? ` at ${state.visitor.email}` : ""}.`];
    case "closed":
      return ["info", "The chat has ended. Thank you!"];
    default:
      return ["info", ""];
  }
}

function talk(m) {
  const status = h("div", { class: "chat-status" }); // holds a notice, which is the status
  const connection = h("p", { class: "chat-connection muted", role: "status" });
  const log = h("ol", { class: "chat-log", "aria-label": "Conversation", "aria-live": "polite" });
  const text = h("textarea", { name: "text", rows: 2, maxlength: 5000, placeholder: "Write a message" });
  const send = () => {
    const value = text.value.trim();
    if (!value) return;
    if (m.send(value)) text.value = "";
    text.focus();
  };
  onEnterSend(text, send);
  const composer = h("form", { class: "chat-composer", "aria-label": "Reply", onsubmit: (e) => {
    e.preventDefault();
    send();
  } }, h("label", { for: "chat-text", class: "sr-only", text: "Message" }), text, h("button", { type: "submit", text: "Send" }));
  text.id = "chat-text";
  const again = h("button", { type: "button", class: "secondary", text: "Start a new chat", onclick: () => m.reset() });
  const element = h("section", { class: "chat-talk", "aria-label": "Chat" }, status, log, connection, composer, again);
  return {
    element,
    update(state, conn) {
      const [kind, message] = statusText(state);
      status.replaceChildren(message ? notice(kind, message) : "");
      status.dataset.phase = state.phase;
      renderLog(log, state.messages, { side: "visitor" });
      const ended = ENDED.has(state.phase);
      composer.hidden = ended;
      again.hidden = !ended;
      const down = !ended && conn === "retrying";
      connection.textContent = !down ? "" : state.phase === "starting" ? "The chat cannot be reached yet; still trying. You can also send us a request under New request." : "Connection lost — reconnecting…";
    },
  };
}
