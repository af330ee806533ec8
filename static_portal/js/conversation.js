// A conversation rendered safely: the message body is text; the (server-sanitised) HTML part is
// only ever shown inside a sandboxed iframe without scripts, and quoted history stays collapsed.
import { h, formatDate } from "./dom.js";
import { openAttachment } from "./upload.js";

function htmlView(html) {
  const frame = h("iframe", {
    class: "mail-html",
    title: "Formatted email",
    sandbox: "", // no scripts, no same-origin, no forms, no top navigation
    referrerpolicy: "no-referrer",
    loading: "lazy",
  });
  frame.srcdoc = String(html); // a property, so the markup never touches our document
  return h("details", { class: "formatted" }, h("summary", { text: "Show formatted email" }), frame);
}

function attachmentList(ref, atts, onError) {
  if (!atts || !atts.length) return null;
  return h(
    "ul",
    { class: "attachments", "aria-label": "Attachments" },
    atts.map((a) =>
      h(
        "li",
        {},
        h("button", {
          type: "button",
          class: "link",
          onclick: () => openAttachment(ref, a.id).catch((e) => onError?.(e)),
          text: `📎 ${a.filename} (${Math.max(1, Math.round((a.size || 0) / 1024))} kB)`,
        }),
      ),
    ),
  );
}

/**
 * messages: API message objects. nameOf(authorId) → display name. `staff` shows visibility badges;
 * a customer never receives private messages from the API, and we drop any that slipped anyway.
 */
export function renderConversation(ref, messages, { staff = false, nameOf = () => "", onError } = {}) {
  const shown = staff ? messages : messages.filter((m) => m.visibility === "public");
  if (!shown.length) return h("p", { class: "muted", text: "No messages yet." });
  return h(
    "ol",
    { class: "conversation" },
    shown.map((m) =>
      h(
        "li",
        { class: ["message", m.visibility === "private" ? "private" : "public"], dataset: { visibility: m.visibility } },
        h(
          "div",
          { class: "meta" },
          h("strong", { text: nameOf(m.author) || (m.via === "email" ? "By email" : "Someone") }),
          " · ",
          h("time", { datetime: m.created_at, text: formatDate(m.created_at) }),
          m.via ? h("span", { class: "muted", text: ` · via ${m.via}` }) : null,
          staff && m.visibility === "private" ? h("span", { class: "badge private", text: "Private note" }) : null,
        ),
        h("div", { class: "body", text: m.body || "" }),
        m.html ? htmlView(m.html) : null,
        m.quoted ? h("details", { class: "quoted" }, h("summary", { text: "Show quoted text" }), h("pre", { text: m.quoted })) : null,
        attachmentList(ref, m.attachments, onError),
      ),
    ),
  );
}
