// One request as its customer sees it: fields, the public conversation, a reply with files.
// An item the customer may not see answers 404, which reads the same as one that does not exist.
import { api, get } from "../js/api.js";
import { h, field, notice, formatDate } from "../js/dom.js";
import { renderConversation } from "../js/conversation.js";
import { uploadAll } from "../js/upload.js";
import { ctx, page } from "./context.js";
import { statusBadge } from "./requests.js";

function facts(item) {
  const form = ctx.forms.find((f) => f.type_id === item.type_id);
  const labels = Object.fromEntries(((form && form.fields) || []).map((f) => [f.key, f.label]));
  const rows = [
    ["Reference", item.ref],
    ["Status", statusBadge(item)],
    ["Type", form ? form.name : null],
    ["Opened", formatDate(item.created_at)],
    ["Due", item.due_date ? formatDate(item.due_date) : null],
  ];
  for (const [k, v] of Object.entries(item.fields || {})) {
    rows.push([labels[k] || k, Array.isArray(v) ? v.join(", ") : typeof v === "boolean" ? (v ? "Yes" : "No") : String(v)]);
  }
  return h("dl", { class: "facts" }, rows.filter(([, v]) => v !== null && v !== "").map(([k, v]) => [h("dt", { text: k }), h("dd", {}, v)]));
}

function replyForm(ref, onSent) {
  const text = h("textarea", { name: "body", rows: 4, required: true });
  const files = h("input", { type: "file", name: "files", multiple: true });
  const out = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", text: "Send reply" });
  const textField = field("Your reply", text);
  return h(
    "form",
    {
      class: "card",
      novalidate: true,
      "aria-label": "Reply",
      onsubmit: async (e) => {
        e.preventDefault();
        out.replaceChildren();
        textField.setError(text.value.trim() ? "" : "Write a reply first.");
        if (!text.value.trim()) return text.focus();
        submit.disabled = true;
        try {
          const ids = await uploadAll(ref, files.files, (m) => out.replaceChildren(notice("info", m)));
          await api("POST", `/v1/items/${encodeURIComponent(ref)}/messages`, {
            body: { body: text.value, visibility: "public", attachments: ids },
          });
          text.value = "";
          files.value = "";
          out.replaceChildren(notice("ok", "Reply sent."));
          onSent();
        } catch (err) {
          out.replaceChildren(notice("error", err.message));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h("h2", { text: "Reply" }),
    textField,
    field("Attach files", files),
    out,
    submit,
  );
}

export async function itemView(ref) {
  let item;
  try {
    item = await get(`/v1/items/${encodeURIComponent(ref)}`);
  } catch (err) {
    return page(
      "Request not found",
      notice("error", err.status === 404 ? "There is no request with this reference that you can see." : err.message),
      h("p", {}, h("a", { href: "#/requests", text: "Back to my requests" })),
    );
  }
  if (item.ref !== ref) history.replaceState(null, "", `#/items/${encodeURIComponent(item.ref)}`); // converted
  const convo = h("section", { "aria-label": "Conversation" }, h("p", { class: "muted", text: "Loading…" }));
  const errors = h("div", { "aria-live": "polite" });
  const nameOf = (id) => (id === ctx.me.id ? "You" : id ? "Support team" : "");
  const loadMessages = async () => {
    try {
      const data = await get(`/v1/items/${encodeURIComponent(item.ref)}/messages`, { limit: 200 });
      convo.replaceChildren(
        h("h2", { text: "Conversation" }),
        renderConversation(item.ref, data.items || [], { staff: false, nameOf, onError: (e) => errors.replaceChildren(notice("error", e.message)) }),
      );
    } catch (err) {
      convo.replaceChildren(notice("error", err.message));
    }
  };
  page(
    item.title || "(no subject)",
    h("section", { class: "card" }, facts(item), item.description ? [h("h2", { text: "Description" }), h("p", { class: "description", text: item.description })] : null),
    errors,
    convo,
    replyForm(item.ref, loadMessages),
  );
  await loadMessages();
}
