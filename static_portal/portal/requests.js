// Portal start page (forms and surveys) and "my requests" with, by tenant setting, items of
// followed projects and of the customer's organisation (the API decides what is visible).
import { get, getAll } from "../js/api.js";
import { pager } from "../js/paging.js";
import { h, notice, formatDate, humanize } from "../js/dom.js";
import { ctx, page } from "./context.js";
import { helpOn, kbSearchForm } from "./kb.js";

function formLinks(forms) {
  return h(
    "ul",
    { class: "forms-list" },
    forms.map((f) => h("li", {}, h("a", { href: `#/new/${encodeURIComponent(f.type_id)}` }, f.name))),
  );
}

export function homeView() {
  const requests = ctx.forms.filter((f) => !f.survey);
  const surveys = ctx.forms.filter((f) => f.survey);
  page(
    "How can we help?",
    helpOn() ? kbSearchForm() : null,
    requests.length ? formLinks(requests) : h("p", { class: "muted", text: "There are no request forms yet." }),
    surveys.length ? [h("h2", { text: "Surveys" }), h("p", { class: "muted", text: "Tell us how we are doing." }), h("div", { class: "surveys" }, formLinks(surveys))] : null,
    ctx.me ? h("p", {}, h("a", { href: "#/requests", text: "See my requests →" })) : null,
  );
}

export function statusBadge(item) {
  return h("span", { class: ["badge", "status", `cat-${item.status_category}`], dataset: { status: item.status }, text: humanize(item.status) });
}

function row(item) {
  return h(
    "li",
    { dataset: { ref: item.ref } },
    h("span", { class: "ref", text: item.ref }),
    h("a", { href: `#/items/${encodeURIComponent(item.ref)}`, text: item.title || "(no subject)" }),
    statusBadge(item),
    h("span", { class: "muted", text: `updated ${formatDate(item.updated_at)}` }),
  );
}

/** A paged list: the first page now, "Load more" for the rest. `keep` filters rows client-side. */
function itemList(label, query, keep = () => true) {
  const list = h("ul", { class: "items", "aria-label": label });
  const more = h("button", { type: "button", class: "secondary", hidden: true, text: "Load more" });
  const section = h("section", { class: "card", "aria-label": label }, h("h2", { text: label }), list, more);
  const load = pager({
    button: more,
    fetchPage: (cursor) => get("/v1/items", { ...query, limit: 50, cursor }),
    render: (items) => {
      for (const item of items.filter(keep)) list.append(row(item));
      if (!list.children.length && more.hidden) list.replaceWith(h("p", { class: "muted", text: "Nothing here yet." }));
    },
    onError: (err) => section.append(notice("error", err.message)),
  });
  section.ready = load();
  return section;
}

export async function requestsView() {
  const me = ctx.me;
  const holder = h("div", {});
  page("My requests", holder);
  holder.append(itemList("Requests I made", { requester: me.id }));
  // Followed projects (S4: "items in projects I follow"); the API lists only those a customer follows.
  let projects = [];
  try {
    projects = await getAll("/v1/projects", {}, 50);
  } catch {
    projects = [];
  }
  for (const p of projects.slice(0, 10)) {
    holder.append(itemList(`Project: ${p.name}`, { project_id: p.id }, (i) => i.requester !== me.id));
  }
  if (me.organization_id) {
    // Only tenants showing "everything from my organisation" answer with colleagues' items here.
    const org = itemList("From my organisation", { organization_id: me.organization_id }, (i) => i.requester !== me.id);
    org.ready.then(() => {
      if (!org.querySelector("li")) org.remove();
    });
    holder.append(org);
  }
}
