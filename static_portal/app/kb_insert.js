// The composer's "Insert article": a small dialog searching the published articles; choosing one puts its title and
// portal address into the reply at the cursor, so the customer gets a link they can open.
import { get } from "../js/api.js";
import { field, h, uid } from "../js/dom.js";
import { articleLinkText, articleUrl, insertAt } from "../js/kb.js";
import { searchList } from "../js/picker.js";
import * as look from "./lookups.js";

const LIMIT = 10;

/** insertArticle(textarea) → [button, dialog]: both belong next to the textarea (inside the composer's form). */
export function insertArticle(text) {
  const titleId = uid("kb-insert");
  const input = h("input", { type: "search", name: "article_search", autocomplete: "off", placeholder: "Words from the title or text" });
  let selection = [0, 0];
  const pick = (article) => {
    const url = articleUrl(location.origin, look.session.me.tenant.slug, article.id);
    const { value, caret } = insertAt(text.value, selection[0], selection[1], articleLinkText(article.title, url));
    text.value = value;
    dialog.close();
    text.focus();
    text.setSelectionRange(caret, caret);
  };
  const published = async (words) => {
    const page = await get("/v1/kb/articles", { state: "published", q: words, limit: LIMIT });
    return (page.items || []).filter((a) => a.state === "published");
  };
  // The dialog sits in the composer's form: Enter searches (the picker never lets it send the reply).
  const { status, results, search } = searchList({
    input, label: "Published articles", find: published, onPick: pick, text: (a) => a.title || "(no title)",
    empty: (words) => (words ? "No published article matches." : "There are no published articles yet."),
  });
  const close = h("button", { type: "button", class: "secondary", text: "Close" });
  const dialog = h("dialog", { class: "kb-insert", "aria-labelledby": titleId },
    h("div", { class: "row panel-head" }, h("h2", { id: titleId, text: "Insert an article" }), h("span", { class: "spacer" }), close),
    field("Search articles", input, { help: "Published articles only; the link opens the article in the portal." }), status, results);
  close.addEventListener("click", () => dialog.close());
  const open = h("button", { type: "button", class: "secondary", text: "Insert article", onclick: () => {
    selection = [text.selectionStart ?? text.value.length, text.selectionEnd ?? text.value.length];
    if (!dialog.open) dialog.showModal();
    input.focus();
    search();
  } });
  return [open, dialog];
}
