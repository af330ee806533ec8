// One article (`#/kb/new`, `#/kb/articles/{id}`): title, Markdown body, category, draft or published, and who may
// read it (everyone, signed-in customers, or chosen organisations). The preview is the API's own sanitised
// `body_html` of the saved text, shown the way the portal shows it (js/article_html.js), so what the agent checks
// is what customers get.
import { api, getAll } from "../js/api.js";
import { field, h, notice, relativeTime, uid } from "../js/dom.js";
import { go } from "../js/router.js";
import { defineView } from "../js/view.js";
import { articleBody } from "../js/article_html.js";
import { STATES, VISIBILITIES, articleUrl, helpfulText, visibilityProblem } from "../js/kb.js";
import { page } from "./state.js";
import * as look from "./lookups.js";
import { categoriesOf } from "./kb.js";

const FILTER_FROM = 8; // organisations listed before a filter box helps

function select(name, choices, value) {
  return h("select", { name }, choices.map(([key, label]) => h("option", { value: key, selected: key === (value || ""), text: label })));
}

/** Checkboxes of the tenant's organisations (filterable when there are many); `.read()` → the ticked ids. */
function orgPicker(organizations, chosen) {
  const picked = new Set(chosen || []);
  const group = h("fieldset", { class: "choices kb-orgs" });
  const boxes = organizations.map((o) => {
    const box = h("input", { type: "checkbox", name: "organization_ids", value: o.id, id: uid("org"), checked: picked.has(o.id) });
    return { org: o, row: h("div", { class: "check" }, box, h("label", { for: box.id, text: o.name })), box };
  });
  const filter = organizations.length > FILTER_FROM ? h("input", { type: "search", name: "org_filter", autocomplete: "off", "aria-label": "Filter organisations" }) : null;
  filter?.addEventListener("input", () => {
    const words = filter.value.trim().toLowerCase();
    for (const b of boxes) b.row.hidden = !!words && !b.org.name.toLowerCase().includes(words) && !b.box.checked;
  });
  if (filter) group.append(filter);
  group.append(...boxes.map((b) => b.row));
  if (!organizations.length) group.append(h("p", { class: "muted", text: "There are no organisations yet (Admin → People)." }));
  group.read = () => boxes.filter((b) => b.box.checked).map((b) => b.org.id);
  return group;
}

function previewOf(article) {
  if (!article?.body_html) return h("p", { class: "muted", text: "Save to see the article as readers will." });
  return h("div", { class: "kb-body" }, articleBody(article.body_html));
}

function editorForm(data, say) {
  const { article, categories, organizations } = data;
  const a = article || { state: "draft", visibility: "public", organization_ids: [], category_id: data.categoryId || "" };
  const title = h("input", { type: "text", name: "title", value: a.title || "", maxlength: 300, required: true });
  const category = select("category_id", [["", "No category"], ...categories.map((c) => [c.id, c.name])], a.category_id);
  const body = h("textarea", { name: "body_markdown", rows: 16, class: "kb-markdown", value: a.body_markdown || "" });
  const state = select("state", STATES, a.state);
  const visibility = select("visibility", VISIBILITIES, a.visibility);
  const orgs = orgPicker(organizations, a.organization_ids);
  const fields = {
    title: field("Title", title, { required: true }),
    category_id: field("Category", category),
    body_markdown: field("Text (Markdown)", body, { help: "**bold**, _italic_, [link](https://…), lists with -, headings with #. HTML is shown as text." }),
    state: field("State", state, { help: "Only published articles reach the help centre." }),
    visibility: field("Who can read it", visibility),
    organization_ids: field("Organisations", orgs, { help: "Customers of these organisations only." }),
  };
  const showOrgs = () => (fields.organization_ids.hidden = visibility.value !== "organizations");
  visibility.addEventListener("change", showOrgs);
  showOrgs();
  const submit = h("button", { type: "submit", text: article ? "Save" : "Create article" });
  const form = h("form", { class: "card", novalidate: true, "aria-label": "Article", onsubmit: async (e) => {
    e.preventDefault();
    Object.values(fields).forEach((f) => f.setError(""));
    const chosen = visibility.value === "organizations" ? orgs.read() : [];
    const problems = { title: title.value.trim() ? "" : "A title is required.", organization_ids: visibilityProblem(visibility.value, chosen) };
    for (const [key, message] of Object.entries(problems)) if (message) fields[key].setError(message);
    if (problems.title) return title.focus();
    if (problems.organization_ids) return orgs.querySelector("input")?.focus();
    const payload = { title: title.value.trim(), body_markdown: body.value, category_id: category.value || null,
      state: state.value, visibility: visibility.value, organization_ids: chosen };
    submit.disabled = true;
    try {
      await data.save(payload);
    } catch (err) {
      const wrong = err.fieldErrors ? err.fieldErrors() : {};
      for (const [key, message] of Object.entries(wrong)) fields[key.split(/[.[]/)[0]]?.setError(message);
      say(notice("error", err.status === 412 ? "Someone changed this article meanwhile: reload the page to see their version." : err.message));
    } finally {
      submit.disabled = false;
    }
  } },
  fields.title, h("div", { class: "field-grid" }, fields.category_id, fields.state, fields.visibility),
  fields.organization_ids, fields.body_markdown, h("div", { class: "row" }, submit, h("a", { href: "#/kb", text: "Back to the articles" })));
  return form;
}

function facts(article) {
  const slug = look.session.me?.tenant?.slug;
  const url = slug ? articleUrl(location.origin, slug, article.id) : null;
  return h("p", { class: "muted" }, `Helpful: ${helpfulText(article.helpful)} · updated ${relativeTime(article.updated_at)}`,
    article.state === "published" && url ? [" · ", h("a", { href: url, target: "_blank", rel: "noopener", text: "Open in the portal ↗" })] : null);
}

/** `#/kb/new?category_id=` and `#/kb/articles/{id}?saved=1`. */
export function articleView(id, route) {
  const flash = h("div", { "aria-live": "polite" });
  const say = (n) => flash.replaceChildren(n || "");
  const path = id ? `/v1/kb/articles/${encodeURIComponent(id)}` : null;
  let etag = null;
  const view = defineView({
    load: async () => {
      const [res, categories, organizations] = await Promise.all([
        path ? api("GET", path).catch((err) => ({ missing: err })) : null,
        categoriesOf(),
        look.cached("organizations", () => getAll("/v1/organizations", {}, 1000)).catch(() => []),
      ]);
      if (res?.missing) return { missing: res.missing };
      etag = res ? res.etag || `"${res.data.version}"` : null;
      return { article: res?.data || null, categories, organizations, categoryId: route.params.get("category_id") };
    },
    render: (data) => {
      if (data.missing) return page("Article not found", notice("error", data.missing.status === 404 ? "There is no such article." : data.missing.message), h("p", {}, h("a", { href: "#/kb", text: "Back to the articles" })));
      const { article } = data;
      data.save = async (payload) => {
        if (!article) {
          const { data: made } = await api("POST", "/v1/kb/articles", { body: payload });
          return go(`/kb/articles/${made.id}`, { saved: "1" });
        }
        const res = await api("PATCH", path, { body: payload, ifMatch: etag });
        etag = res.etag || `"${res.data.version}"`;
        preview.replaceChildren(previewOf(res.data));
        info.replaceWith((info = facts(res.data)));
        heading.textContent = res.data.title || "(no title)";
        document.title = `${heading.textContent} — Tandem`;
        say(notice("ok", "Saved.")); // last: once it shows, the preview is the saved text's
      };
      let info = article ? facts(article) : h("span", {});
      const preview = h("div", {}, previewOf(article));
      if (route.params.get("saved")) say(notice("ok", "Saved."));
      const heading = page(article ? article.title || "(no title)" : "New article", flash, info, editorForm(data, say),
        h("section", { class: "card", "aria-label": "Preview" }, h("h2", { text: "Preview" }), preview),
        article ? h("button", { type: "button", class: "danger", text: "Delete article", onclick: async () => {
          if (!confirm(`Delete “${article.title}”? Links to it stop working.`)) return;
          try {
            await api("DELETE", path, { ifMatch: etag });
            go("/kb");
          } catch (err) {
            say(notice("error", err.message));
          }
        } }) : null);
    },
    update: null,
  });
  return view;
}
