// The composer's "Insert article": a small dialog searching the published articles; choosing one puts its title and
// portal address into the reply at the cursor, so the customer gets a link they can open.
import { get } from "../js/api.js";
import { field, h, uid } from "../js/dom.js";
import { articleLinkText, articleUrl, insertAt } from "../js/kb.js";
import * as look from "./lookups.js";

const LIMIT = 10;
const WAIT_MS = 250;

/** insertArticle(textarea) → [button, dialog]: both belong next to the textarea (inside the composer's form). */
export function insertArticle(text) {
  const titleId = uid("kb-insert");
  const input = h("input", { type: "search", name: "article_search", autocomplete: "off", placeholder: "Words from the title or text" });
  const results = h("ul", { class: "picker-results", "aria-label": "Published articles" });
  const status = h("p", { class: "muted", role: "status" });
  const close = h("button", { type: "button", class: "secondary", text: "Close" });
  const dialog = h("dialog", { class: "kb-insert", "aria-labelledby": titleId },
    h("div", { class: "row panel-head" }, h("h2", { id: titleId, text: "Insert an article" }), h("span", { class: "spacer" }), close),
    field("Search articles", input, { help: "Published articles only; the link opens the article in the portal." }), status, results);
  let selection = [0, 0];
  let turn = 0;
  let wait = null;

  const pick = (article) => {
    const url = articleUrl(location.origin, look.session.me.tenant.slug, article.id);
    const { value, caret } = insertAt(text.value, selection[0], selection[1], articleLinkText(article.title, url));
    text.value = value;
    dialog.close();
    text.focus();
    text.setSelectionRange(caret, caret);
  };
  const search = async () => {
    const mine = ++turn;
    status.textContent = "Searching…";
    try {
      const page = await get("/v1/kb/articles", { state: "published", q: input.value.trim(), limit: LIMIT });
      if (mine !== turn) return;
      const found = (page.items || []).filter((a) => a.state === "published");
      status.textContent = found.length ? "" : input.value.trim() ? "No published article matches." : "There are no published articles yet.";
      results.replaceChildren(...found.map((a) => h("li", {},
        h("button", { type: "button", class: "link", text: a.title || "(no title)", onclick: () => pick(a) }))));
    } catch (err) {
      if (mine === turn) status.textContent = err.message;
    }
  };
  input.addEventListener("input", () => {
    clearTimeout(wait);
    wait = setTimeout(search, WAIT_MS);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    e.preventDefault(); // the dialog sits in the composer's form: Enter must search, not send the reply
    clearTimeout(wait);
    search();
  });
  close.addEventListener("click", () => dialog.close());
  const open = h("button", { type: "button", class: "secondary", text: "Insert article", onclick: () => {
    selection = [text.selectionStart ?? text.value.length, text.selectionEnd ?? text.value.length];
    if (!dialog.open) dialog.showModal();
    input.focus();
    search();
  } });
  return [open, dialog];
}
