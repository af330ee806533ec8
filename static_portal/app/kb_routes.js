// The knowledge base's routes in one place, so main.js needs one line: `#/kb`, `#/kb/categories`, `#/kb/new` and
// `#/kb/articles/{id}`; a tenant that switched the module off gets a page saying so.
import { kbCategoriesView, kbListView, kbOffView, kbOn } from "./kb.js";
import { articleView } from "./kb_editor.js";

export const KB_ROUTE = /^\/kb(?:\/(categories|new|articles)(?:\/([^/]+))?)?$/;

/** The view for a KB_ROUTE match ([section, id]). */
export function kbView([section, id], route) {
  if (!kbOn()) return kbOffView();
  if (section === "categories") return kbCategoriesView();
  if (section === "new") return articleView(null, route);
  if (section === "articles" && id) return articleView(id, route);
  return kbListView(route);
}
