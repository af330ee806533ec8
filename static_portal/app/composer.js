// Reply / private-note composer with @mention autocomplete (users by email handle, teams by
// handle, as the API resolves them) and attachments uploaded before the message is posted.
import { api } from "../js/api.js";
import { h, field, notice, uid } from "../js/dom.js";
import { uploadAll } from "../js/upload.js";
import { known } from "./lookups.js";
import { kbOn } from "./kb.js";
import { insertArticle } from "./kb_insert.js";

const handleOf = (user) => String(user.email || "").split("@")[0].toLowerCase();

/** Colleagues and teams to mention (the item view loads the staff and teams lists before it shows the composer). */
function candidates(prefix) {
  const p = prefix.toLowerCase();
  const people = known("users")
    .filter((u) => u.role !== "customer" && u.active !== false)
    .map((u) => ({ handle: handleOf(u), label: `${u.name || u.email} (@${handleOf(u)})` }));
  const teams = known("teams").map((t) => ({ handle: t.handle, label: `Team ${t.name} (@${t.handle})` }));
  return [...people, ...teams].filter((c) => c.handle && (c.handle.startsWith(p) || c.label.toLowerCase().includes(p))).slice(0, 8);
}

/** Attach the autocomplete to a textarea; returns the listbox element to place after it. */
function mentionAutocomplete(text) {
  const listId = uid("mentions");
  const list = h("ul", { id: listId, role: "listbox", class: "mention-list", hidden: true, "aria-label": "People and teams to mention" });
  text.setAttribute("aria-autocomplete", "list");
  text.setAttribute("aria-controls", listId);
  text.setAttribute("aria-expanded", "false");
  let active = -1;
  let matches = [];
  let start = -1;

  const close = () => {
    list.hidden = true;
    text.setAttribute("aria-expanded", "false");
    text.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (i) => {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute("aria-selected", String(j === i)));
    if (list.children[i]) text.setAttribute("aria-activedescendant", list.children[i].id);
  };
  const pick = (i) => {
    const c = matches[i];
    if (!c) return;
    const caret = text.selectionStart;
    text.value = `${text.value.slice(0, start)}@${c.handle} ${text.value.slice(caret)}`;
    const pos = start + c.handle.length + 2;
    text.setSelectionRange(pos, pos);
    close();
    text.focus();
  };
  text.addEventListener("input", () => {
    const before = text.value.slice(0, text.selectionStart);
    const m = before.match(/(?:^|[^\w.@])@([\w.-]{0,64})$/);
    if (!m) return close();
    start = before.length - m[1].length - 1;
    matches = candidates(m[1]);
    if (!matches.length) return close();
    list.replaceChildren(...matches.map((c, i) =>
      h("li", { id: `${listId}-${i}`, role: "option", "aria-selected": "false", text: c.label, onmousedown: (e) => (e.preventDefault(), pick(i)) })));
    list.hidden = false;
    text.setAttribute("aria-expanded", "true");
    highlight(0);
  });
  text.addEventListener("keydown", (e) => {
    if (list.hidden) return;
    if (e.key === "ArrowDown") (e.preventDefault(), highlight((active + 1) % matches.length));
    else if (e.key === "ArrowUp") (e.preventDefault(), highlight((active - 1 + matches.length) % matches.length));
    else if (e.key === "Enter" || e.key === "Tab") (e.preventDefault(), pick(active));
    else if (e.key === "Escape") (e.preventDefault(), close());
  });
  text.addEventListener("blur", () => setTimeout(close, 150));
  return list;
}

/**
 * The message form. `modes` is what the caller's role may write (roles_model.js composerModes): "public" replies
 * and/or "private" notes; only those are offered (a role of private notes only gets no public choice at all).
 */
export function composer(ref, onSent, modes = ["public", "private"]) {
  const text = h("textarea", { name: "body", rows: 5 });
  const visName = uid("vis");
  const publicFirst = modes.includes("public");
  const pub = h("input", { type: "radio", name: visName, value: "public", id: `${visName}-pub`, checked: publicFirst });
  const priv = h("input", { type: "radio", name: visName, value: "private", id: `${visName}-priv`, checked: !publicFirst });
  const files = h("input", { type: "file", multiple: true, name: "files" });
  const out = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", text: publicFirst ? "Send public reply" : "Add private note" });
  const form = h("form", { class: "card composer", "aria-label": "Write a message", novalidate: true });
  const sync = () => {
    const isPrivate = priv.checked;
    form.classList.toggle("private", isPrivate);
    submit.textContent = isPrivate ? "Add private note" : "Send public reply";
  };
  pub.addEventListener("change", sync);
  priv.addEventListener("change", sync);
  const textField = field("Message", text, { help: "Type @ to mention a colleague or a team." });
  textField.append(mentionAutocomplete(text));
  if (kbOn()) textField.append(h("div", { class: "row" }, insertArticle(text)));
  const choices = [
    modes.includes("public") ? h("div", { class: "check" }, pub, h("label", { for: pub.id, text: "Public reply (customer sees it, emailed)" })) : null,
    modes.includes("private") ? h("div", { class: "check" }, priv, h("label", { for: priv.id, text: "Private note (staff only)" })) : null,
  ].filter(Boolean);
  sync();
  form.append(
    choices.length > 1 ? h("fieldset", { class: "visibility" }, h("legend", { text: "Who sees it" }), choices)
      : h("p", { class: "muted", text: publicFirst ? "Your role writes public replies only (the customer sees them)."
        : "Your role writes private notes only (staff see them, customers do not)." }),
    textField,
    field("Attach files", files),
    out,
    submit,
  );
  /** Shortcuts r and n: choose public or private and put the cursor in the message. */
  form.focusFor = (visibility) => {
    if (modes.includes(visibility)) (visibility === "private" ? priv : pub).checked = true;
    sync();
    text.focus();
  };
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    textField.setError(text.value.trim() ? "" : "Write something first.");
    if (!text.value.trim()) return text.focus();
    submit.disabled = true;
    try {
      const ids = await uploadAll(ref, files.files, (m) => out.replaceChildren(notice("info", m)));
      await api("POST", `/v1/items/${encodeURIComponent(ref)}/messages`, {
        body: { body: text.value, visibility: priv.checked ? "private" : "public", attachments: ids },
      });
      text.value = "";
      files.value = "";
      out.replaceChildren(notice("ok", priv.checked ? "Private note added." : "Reply sent."));
      onSent();
    } catch (err) {
      out.replaceChildren(notice("error", err.message));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
