// Global search results (`GET /v1/search`): items and customers the caller may see, each with the
// words around the match. An item opens its page; a customer opens the list of their items; an article (the
// knowledge base) opens its editor.
import { get } from "../js/api.js";
import { h, notice } from "../js/dom.js";
import { defineView } from "../js/view.js";
import { page } from "./state.js";

const LIMIT = 50;

const KINDS = { item: "Item", customer: "Customer", article: "Article" };

function hrefOf(r) {
  if (r.kind === "item") return `#/items/${encodeURIComponent(r.ref || "")}`;
  if (r.kind === "article") return `#/kb/articles/${encodeURIComponent(r.id || "")}`;
  return `#/list?${new URLSearchParams({ requester: r.id || "" })}`;
}

function result(r) {
  const isItem = r.kind === "item";
  const href = hrefOf(r);
  return h("li", { class: "result", dataset: { kind: r.kind, ref: r.ref || "" } },
    h("div", {},
      h("span", { class: "badge", text: KINDS[r.kind] || "Customer" }), " ",
      isItem && r.ref ? h("span", { class: "ref", text: `${r.ref} ` }) : null,
      h("a", { href, text: r.title || r.ref || "(no title)" })),
    r.snippet ? h("p", { class: "snippet muted", text: r.snippet }) : null);
}

export function searchView(route) {
  const q = (route.params.get("q") || "").trim();
  const list = h("ol", { class: "results" });
  return defineView({
    load: async () => (q ? get("/v1/search", { q, limit: LIMIT }) : { items: [] }),
    render: (data) => {
      const items = data.items || [];
      page(q ? `Search results for “${q}”` : "Search",
        h("p", { class: "muted", role: "status", text: q ? `${items.length}${items.length >= LIMIT ? "+" : ""} result${items.length === 1 ? "" : "s"}` : "Type words in the search box above." }),
        h("p", {}, h("a", { href: `#/list?${new URLSearchParams({ q })}`, text: "Search items only, with filters and sorting" })),
        items.length ? list : q ? notice("info", "Nothing matches these words.") : null);
      list.replaceChildren(...items.map(result));
    },
    update: (data) => list.replaceChildren(...(data.items || []).map(result)),
  });
}
