// Knowledge base (`#/kb`): the tenant's articles with their state, who may read them and how helpful readers found
// them, filtered by category, state and words (the route holds the filters, so a reload shows the same list), and
// `#/kb/categories`, where admins create, rename, reorder and delete categories (agents read them).
import { api, get, getAll } from "../js/api.js";
import { field, h, notice, relativeTime } from "../js/dom.js";
import { go } from "../js/router.js";
import { pager } from "../js/paging.js";
import { defineView, staticView } from "../js/view.js";
import { STATES, helpfulText, kbEnabled, moveCategory, nextPosition, sortCategories, stateName, visibilityName } from "../js/kb.js";
import { page } from "./state.js";
import * as look from "./lookups.js";

const PAGE = 50;

export const kbOn = () => kbEnabled(look.session.me?.modules);
export const categoriesOf = () => getAll("/v1/kb/categories", {}, 1000).then(sortCategories);

/** The screen shown instead when the tenant switched the knowledge base off. */
export function kbOffView() {
  return staticView(() => page("Knowledge base", notice("info", "The knowledge base is switched off for this help desk. An admin can switch it on in the settings.")));
}

const tabs = (current) => h("nav", { class: "tabs", "aria-label": "Knowledge base sections" },
  h("a", { href: "#/kb", "aria-current": current === "articles" ? "page" : null, text: "Articles" }),
  h("a", { href: "#/kb/categories", "aria-current": current === "categories" ? "page" : null, text: "Categories" }));

function select(name, choices, value) {
  return h("select", { name }, choices.map(([key, label]) => h("option", { value: key, selected: key === (value || ""), text: label })));
}

function filterForm(params, categories) {
  const q = h("input", { type: "search", name: "q", autocomplete: "off", value: params.get("q") || "" });
  const category = select("category_id", [["", "All categories"], ...categories.map((c) => [c.id, c.name])], params.get("category_id"));
  const state = select("state", [["", "Drafts and published"], ...STATES], params.get("state"));
  return h("form", { class: "card", role: "search", "aria-label": "Find articles", onsubmit: (e) => {
    e.preventDefault();
    go("/kb", { q: q.value.trim(), category_id: category.value, state: state.value });
  } },
  h("div", { class: "field-grid" }, field("Words", q), field("Category", category), field("State", state)),
  h("div", { class: "row" }, h("button", { type: "submit", text: "Show articles" }),
    h("a", { class: "button secondary", href: `#/kb/new${category.value ? `?category_id=${encodeURIComponent(category.value)}` : ""}`, text: "New article" })));
}

function articleRow(article, categoryName) {
  const orgs = article.visibility === "organizations" ? ` (${(article.organization_ids || []).length})` : "";
  return h("tr", { dataset: { id: article.id } },
    h("td", { class: "title", "data-label": "Title" }, h("a", { href: `#/kb/articles/${encodeURIComponent(article.id)}`, text: article.title || "(no title)" })),
    h("td", { "data-label": "Category", text: categoryName(article.category_id) }),
    h("td", { "data-label": "State" }, h("span", { class: ["badge", `kb-${article.state}`], text: stateName(article.state) })),
    h("td", { "data-label": "Visibility", text: `${visibilityName(article.visibility)}${orgs}` }),
    h("td", { "data-label": "Helpful", text: helpfulText(article.helpful) }),
    h("td", { "data-label": "Updated" }, h("time", { datetime: article.updated_at || "", text: relativeTime(article.updated_at) })));
}

/** `#/kb?q=&category_id=&state=`: the articles, a page at a time. */
export function kbListView(route) {
  const params = route.params;
  const query = { q: params.get("q"), category_id: params.get("category_id"), state: params.get("state") };
  const tbody = h("tbody", {});
  const more = h("button", { type: "button", class: "secondary", text: "Load more" });
  const empty = h("p", { class: "muted", hidden: true, text: "No article matches. Write the first one with “New article”." });
  const out = h("div", { "aria-live": "polite" });
  return defineView({
    load: () => categoriesOf(),
    render: (categories) => {
      const names = new Map(categories.map((c) => [c.id, c.name]));
      const categoryName = (id) => (id ? names.get(id) || "—" : "—");
      const load = pager({
        button: more,
        fetchPage: (cursor) => get("/v1/kb/articles", { ...query, limit: PAGE, cursor }),
        render: (rows) => {
          tbody.append(...rows.map((a) => articleRow(a, categoryName)));
          empty.hidden = tbody.children.length > 0;
        },
        onError: (err) => out.replaceChildren(notice("error", err.message)),
      });
      page("Knowledge base", tabs("articles"), filterForm(params, categories), out,
        h("section", { class: "card table-card", "aria-label": "Articles" }, empty,
          h("table", { class: "items-table kb-table" },
            h("caption", { class: "sr-only", text: "Articles" }),
            h("thead", {}, h("tr", {}, ["Title", "Category", "State", "Visibility", "Helpful", "Updated"].map((t) => h("th", { scope: "col", text: t })))),
            tbody),
          more));
      return load();
    },
    update: null,
  });
}

// ----------------------------------------------------------------- categories

function categoryRow(category, index, count, act) {
  const path = `/v1/kb/categories/${encodeURIComponent(category.id)}`;
  const name = h("input", { type: "text", name: "name", value: category.name, maxlength: 200, required: true });
  const move = (delta, label) => h("button", { type: "button", class: "secondary", text: label,
    "aria-label": `${label} ${category.name}`, disabled: delta < 0 ? index === 0 : index === count - 1,
    onclick: () => act((cats) => Promise.all(moveCategory(cats, category.id, delta).map((c) =>
      api("PATCH", `/v1/kb/categories/${encodeURIComponent(c.id)}`, { body: { position: c.position } }))), `${category.name} moved.`) });
  return h("li", { class: "kb-category", dataset: { id: category.id } },
    h("form", { class: "row", "aria-label": `Rename ${category.name}`, novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      const next = name.value.trim();
      if (next && next !== category.name) act(() => api("PATCH", path, { body: { name: next } }), `Renamed to ${next}.`);
    } },
    field(`Name of ${category.name}`, name), h("button", { type: "submit", class: "secondary", text: "Rename" })),
    h("div", { class: "row" }, move(-1, "Move up"), move(1, "Move down"),
      h("button", { type: "button", class: "danger", text: "Delete", "aria-label": `Delete ${category.name}`, onclick: () => {
        if (confirm(`Delete the category “${category.name}”?`)) act(() => api("DELETE", path), `${category.name} deleted.`);
      } })));
}

function newCategoryForm(categories, act) {
  const name = h("input", { type: "text", name: "name", maxlength: 200 });
  const description = h("input", { type: "text", name: "description", maxlength: 500 });
  const nameField = field("Name", name, { required: true });
  return h("form", { class: "card", novalidate: true, "aria-label": "New category", onsubmit: (e) => {
    e.preventDefault();
    nameField.setError(name.value.trim() ? "" : "A name is required.");
    if (!name.value.trim()) return name.focus();
    const body = { name: name.value.trim(), position: nextPosition(categories) };
    if (description.value.trim()) body.description = description.value.trim();
    return act(() => api("POST", "/v1/kb/categories", { body }), `Category ${body.name} created.`);
  } }, h("h2", { text: "New category" }), h("div", { class: "field-grid" }, nameField, field("Description", description)),
  h("button", { type: "submit", text: "Create category" }));
}

/** `#/kb/categories`: admins manage them; agents see them in order with links to their articles. */
export function kbCategoriesView() {
  const admin = look.may("settings.manage");
  const out = h("div", { "aria-live": "polite" });
  const list = h("ol", { class: "kb-categories", "aria-label": "Categories" });
  let shown = [];
  const fill = (categories) => {
    shown = categories;
    list.replaceChildren(...categories.map((c, i) => (admin
      ? categoryRow(c, i, categories.length, act)
      : h("li", {}, h("a", { href: `#/kb?category_id=${encodeURIComponent(c.id)}`, text: c.name }), c.description ? h("span", { class: "muted", text: ` — ${c.description}` }) : null))));
    if (!categories.length) list.replaceChildren(h("li", { class: "muted", text: "No categories yet." }));
  };
  const act = async (run, done) => {
    out.replaceChildren();
    const focused = document.activeElement?.getAttribute("aria-label"); // a move keeps focus on its button
    let said = notice("ok", done);
    try {
      await run(shown);
    } catch (err) {
      said = notice("error", err.status === 409 ? "This category still has articles: move or delete them first." : err.message);
    }
    fill(await categoriesOf().catch(() => shown));
    if (focused) [...list.querySelectorAll("button")].find((b) => b.getAttribute("aria-label") === focused && !b.disabled)?.focus();
    if (admin) form.replaceWith((form = newCategoryForm(shown, act)));
    out.replaceChildren(said); // last: once it shows, the screen is up to date
  };
  let form = null;
  return defineView({
    load: () => categoriesOf(),
    render: (categories) => {
      fill(categories);
      form = admin ? newCategoryForm(categories, act) : null;
      page("Knowledge base", tabs("categories"), out,
        h("section", { class: "card", "aria-label": "Categories in order" }, h("h2", { text: "Categories" }),
          admin ? h("p", { class: "help", text: "The help centre lists them in this order." }) : null, list),
        form);
    },
    update: null,
  });
}
