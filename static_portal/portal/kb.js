// The help centre (`#/kb`, `#/kb?q=…&category=…`, `#/kb/{id}`) of the portal and of the widget's Help tab: the
// articles the caller may read (the API decides: anonymous visitors get public ones, a signed-in customer also
// those for customers and for their organisation), by category or by search, and one article with "Was this
// helpful?". An article the caller may not read answers 404 and reads the same as one that does not exist.
import { api, get } from "../js/api.js";
import { field, formatDate, h, notice } from "../js/dom.js";
import { go } from "../js/router.js";
import { pager } from "../js/paging.js";
import { articleBody } from "../js/article_html.js";
import { visitorKey } from "../js/visitor.js";
import { groupByCategory } from "../js/kb.js";
import { publicTabs } from "../js/modules.js";
import { ctx, page } from "./context.js";

const PAGE = 50;
const base = () => `/v1/public/${encodeURIComponent(ctx.slug)}/kb`;
let knownCategories = null; // the last list's categories: names for an article's breadcrumb

export const helpOn = () => publicTabs(ctx.modules).help; // the knowledge base and the portal (issue 15)
export const articleHref = (id) => `#/kb/${encodeURIComponent(id)}`;

function offPage() {
  return page("Help centre", notice("info", "The help centre is not available."), h("p", {}, h("a", { href: "#/", text: "Back to the start" })));
}

/** The search box of the help centre (also on the portal's start page). */
export function kbSearchForm(q = "", category = "") {
  const input = h("input", { type: "search", name: "q", autocomplete: "off", value: q, placeholder: "e.g. reset password" });
  return h("form", { role: "search", class: "card kb-search", "aria-label": "Search the help centre", onsubmit: (e) => {
    e.preventDefault();
    go("/kb", { q: input.value.trim(), category });
  } }, h("div", { class: "row" }, field("Search articles", input), h("button", { type: "submit", text: "Search" })));
}

function categoryNav(categories, current) {
  const link = (id, name) => h("li", {}, h("a", { href: `#/kb${id ? `?category=${encodeURIComponent(id)}` : ""}`, "aria-current": (current || "") === (id || "") ? "page" : null, text: name }));
  return h("nav", { class: "kb-categories", "aria-label": "Categories" }, h("ul", {}, link("", "All articles"), categories.map((c) => link(c.id, c.name))));
}

function articleItem(a) {
  return h("li", { dataset: { id: a.id } }, h("a", { href: articleHref(a.id), text: a.title || "(no title)" }),
    a.snippet ? h("p", { class: "muted snippet", text: a.snippet }) : null);
}

/** The list: under category headings when nothing narrows it, one list of matches otherwise. */
export function helpCentreView(route) {
  if (!helpOn()) return offPage();
  const q = (route.params.get("q") || "").trim();
  const category = route.params.get("category") || "";
  const holder = h("div", { class: "kb-results" });
  const navSlot = h("div", {});
  const more = h("button", { type: "button", class: "secondary", text: "Load more" });
  const status = h("p", { class: "muted", role: "status" });
  const shown = [];
  let categories = [];
  const draw = () => {
    const groups = q || category ? [{ category: null, items: shown }] : groupByCategory(shown, categories);
    holder.replaceChildren(...groups.map((g) => h("section", { "aria-label": g.category ? g.category.name : "Articles" },
      g.category ? h("h2", { text: g.category.name }) : null, h("ul", { class: "kb-list" }, g.items.map(articleItem)))));
    if (shown.length) status.textContent = q ? `${shown.length}${more.hidden ? "" : "+"} article${shown.length === 1 ? "" : "s"} found` : "";
    else status.textContent = q ? "No article matches these words." : "There are no articles here yet.";
  };
  const load = pager({
    button: more,
    fetchPage: async (cursor) => {
      const data = await get(base(), { q, category_id: category, limit: PAGE, cursor });
      if (!cursor) {
        // Every answer carries the categories the caller may browse; the first one draws the menu.
        categories = data.categories || [];
        knownCategories = categories;
        navSlot.replaceChildren(categoryNav(categories, category));
      }
      return data;
    },
    render: (rows) => {
      shown.push(...rows);
      draw();
    },
    onError: (err) => status.replaceWith(notice("error", err.code === "module_disabled" ? "The help centre is not available." : err.message)),
  });
  const heading = page(q ? `Articles about “${q}”` : "Help centre", kbSearchForm(q, category), navSlot, status, holder, more);
  return load().then(() => {
    const name = categories.find((c) => c.id === category)?.name;
    if (name && !q) {
      heading.textContent = name;
      document.title = `${name} — help`;
    }
  });
}

function feedback(id) {
  const out = h("div", { "aria-live": "polite" });
  const vote = async (helpful, buttons) => {
    buttons.forEach((b) => (b.disabled = true));
    try {
      // A signed-in customer is counted as themselves; a visitor by the random key this browser keeps.
      const body = ctx.me ? { helpful } : { helpful, visitor: visitorKey() };
      await api("POST", `${base()}/${encodeURIComponent(id)}/feedback`, { body });
      box.replaceChildren(notice("ok", "Thanks for your feedback."));
    } catch (err) {
      buttons.forEach((b) => (b.disabled = false));
      out.replaceChildren(notice("error", err.message));
    }
  };
  const yes = h("button", { type: "button", class: "secondary", text: "Yes" });
  const no = h("button", { type: "button", class: "secondary", text: "No" });
  yes.addEventListener("click", () => vote(true, [yes, no]));
  no.addEventListener("click", () => vote(false, [yes, no]));
  const box = h("section", { class: "card kb-feedback", "aria-labelledby": "kb-helpful" },
    h("div", { class: "row" }, h("h2", { id: "kb-helpful", text: "Was this helpful?" }), yes, no), out);
  return box;
}

async function categoryName(id) {
  if (!id) return null;
  if (!knownCategories) knownCategories = await get(base(), { limit: 1 }).then((d) => d.categories || [], () => []);
  return knownCategories.find((c) => c.id === id)?.name || null;
}

/** One article. Its HTML is the API's sanitised rendering, copied in through js/article_html.js. */
export async function articleView(id) {
  if (!helpOn()) return offPage();
  let article;
  try {
    article = await get(`${base()}/${encodeURIComponent(id)}`);
  } catch (err) {
    const hidden = err.status === 404 && err.code !== "module_disabled";
    return page(hidden ? "Article not found" : "Help centre",
      notice("error", hidden ? "There is no article here that you can see." : err.code === "module_disabled" ? "The help centre is not available." : err.message),
      hidden && !ctx.me ? h("p", {}, "Some articles are for signed-in customers. ", h("a", { href: `#/signin?next=/kb/${encodeURIComponent(id)}`, text: "Sign in" })) : null,
      h("p", {}, h("a", { href: "#/kb", text: "Back to the help centre" })));
  }
  const section = await categoryName(article.category_id);
  page(article.title || "(no title)",
    h("nav", { class: "kb-crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "#/kb", text: "Help centre" }),
      section ? [" › ", h("a", { href: `#/kb?category=${encodeURIComponent(article.category_id)}`, text: section })] : null),
    h("article", { class: "card kb-body", "aria-label": article.title || "Article" }, articleBody(article.body_html)),
    article.updated_at ? h("p", { class: "muted", text: `Updated ${formatDate(article.updated_at)}` }) : null,
    feedback(article.id));
}
