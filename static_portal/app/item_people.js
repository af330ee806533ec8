// The item's people and labels beside the conversation: the requester (name, email, organisation),
// followers (colleagues) and Cc (customers among the followers, copied on public replies), tags, and
// the SLA targets with the time left. Every change is a PATCH with If-Match through `save(patch)`.
import { api, get } from "../js/api.js";
import { h, field, notice, formatDate } from "../js/dom.js";
import * as look from "./lookups.js";
import { options } from "./widgets.js";
import { slaTargets } from "./sla_text.js";
import { tagList } from "./bulk.js";

const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const isCustomer = (id) => look.people.get(id)?.role === "customer";

export function requesterCard(item, org) {
  const person = look.people.get(item.requester);
  const rows = person
    ? [
        ["Name", person.name || "—"],
        ["Email", person.email ? h("a", { href: `mailto:${person.email}`, text: person.email }) : "—"],
        ["Organisation", org?.name || (person.organization_id ? "—" : "None")],
      ]
    : [["Name", item.requester ? "Unknown person" : "None"]];
  return h("section", { class: "card", "aria-labelledby": "requester-title" },
    h("h2", { id: "requester-title", text: "Requester" }),
    h("dl", { class: "facts" }, rows.map(([k, v]) => [h("dt", { text: k }), h("dd", {}, v)])),
    item.requester ? h("a", { href: `#/list?${new URLSearchParams({ requester: item.requester })}`, text: "All items of this requester" }) : null);
}

function personRow(id, what, onRemove) {
  const name = look.people.name(id, "Unknown person");
  const email = look.people.get(id)?.email;
  return h("li", { dataset: { id } },
    h("span", { text: name }), email && email !== name ? h("span", { class: "muted", text: ` <${email}>` }) : null, " ",
    h("button", { type: "button", class: "link", "aria-label": `Remove ${name} from ${what}`, text: "Remove", onclick: () => onRemove(id) }));
}

/** Followers (staff) and Cc (customers other than the requester), both stored in item.followers. */
export function peopleCard(item, save) {
  const followers = item.followers || [];
  const staffIds = followers.filter((id) => !isCustomer(id));
  const ccIds = followers.filter((id) => isCustomer(id) && id !== item.requester);
  const without = (id) => save({ followers: followers.filter((f) => f !== id) });
  const add = (id) => (followers.includes(id) ? null : save({ followers: [...followers, id] }));
  const meId = look.session.me.id;

  const pick = h("select", { name: "follower" }, options(
    look.known("users").filter((u) => u.active !== false && !followers.includes(u.id)).map((u) => [u.id, u.name || u.email]), "", "Choose a colleague"));
  const addFollower = h("form", { class: "row", "aria-label": "Add a follower", onsubmit: (e) => {
    e.preventDefault();
    if (pick.value) add(pick.value);
  } }, field("Add follower", pick), h("button", { type: "submit", class: "secondary", text: "Add" }));

  return h("section", { class: "card", "aria-labelledby": "people-title" },
    h("h2", { id: "people-title", text: "Followers and Cc" }),
    h("h3", { text: "Followers" }),
    staffIds.length ? h("ul", { class: "people", "aria-label": "Followers" }, staffIds.map((id) => personRow(id, "followers", without)))
      : h("p", { class: "muted", text: "No colleague follows this item." }),
    followers.includes(meId) ? null : h("button", { type: "button", class: "secondary", text: "Follow this item", onclick: () => add(meId) }),
    addFollower,
    h("h3", { text: "Cc" }),
    h("p", { class: "help", text: "Customers copied on public replies." }),
    ccIds.length ? h("ul", { class: "people", "aria-label": "Cc" }, ccIds.map((id) => personRow(id, "Cc", without)))
      : h("p", { class: "muted", text: "Nobody is copied." }),
    ccPicker(add));
}

/** Find a customer by name or email (GET /v1/customers?q=), or add a new one by a full address. */
function ccPicker(add) {
  const input = h("input", { type: "search", name: "cc", autocomplete: "off" });
  const results = h("ul", { class: "picker-results", "aria-label": "Customers found" });
  const out = h("div", { "aria-live": "polite" });
  let asked = 0;
  let timer = null;
  const choose = async (customer) => {
    out.replaceChildren();
    try {
      const person = customer.id ? customer : (await api("POST", "/v1/customers", { body: { email: customer.email } })).data;
      look.people.seed([person]);
      input.value = "";
      results.replaceChildren();
      await add(person.id);
    } catch (err) {
      out.replaceChildren(notice("error", err.message));
    }
  };
  const search = async () => {
    const q = input.value.trim();
    const turn = ++asked;
    if (q.length < 2) return results.replaceChildren();
    let found = [];
    try {
      found = (await get("/v1/customers", { q, limit: 8 })).items || [];
    } catch {
      found = [];
    }
    if (turn !== asked) return;
    const label = (c) => (c.name ? `${c.name} <${c.email}>` : c.email);
    const rows = found.map((c) => h("li", {}, h("button", { type: "button", class: "link", text: `Add ${label(c)}`, onclick: () => choose(c) })));
    if (EMAIL_RE.test(q) && !found.some((c) => (c.email || "").toLowerCase() === q.toLowerCase())) {
      rows.push(h("li", {}, h("button", { type: "button", class: "link", text: `Add ${q} (new customer)`, onclick: () => choose({ email: q }) })));
    }
    results.replaceChildren(...(rows.length ? rows : [h("li", { class: "muted", text: "No customer found." })]));
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
  return h("div", { class: "cc-picker" }, field("Add Cc", input, { help: "A customer's name or email" }), results, out);
}

export function tagsCard(item, save) {
  const tags = item.tags || [];
  const input = h("input", { type: "text", name: "tags", autocomplete: "off" });
  return h("section", { class: "card", "aria-labelledby": "tags-title" },
    h("h2", { id: "tags-title", text: "Tags" }),
    tags.length
      ? h("ul", { class: "tags-list", "aria-label": "Tags" }, tags.map((t) => h("li", { class: "tag" },
          h("span", { text: t }),
          h("button", { type: "button", class: "link", "aria-label": `Remove tag ${t}`, text: "×", onclick: () => save({ tags: tags.filter((x) => x !== t) }) }))))
      : h("p", { class: "muted", text: "No tags." }),
    h("form", { class: "row", "aria-label": "Add tags", onsubmit: (e) => {
      e.preventDefault();
      const more = tagList(input.value).filter((t) => !tags.includes(t));
      if (more.length) save({ tags: [...tags, ...more] });
    } }, field("Add tags", input, { help: "Separate tags with commas" }), h("button", { type: "submit", class: "secondary", text: "Add" })));
}

export function slaCard(item, now = Date.now()) {
  const targets = slaTargets(item.sla, now);
  return h("section", { class: "card sla", "aria-labelledby": "sla-title" },
    h("h2", { id: "sla-title", text: "SLA" }),
    item.sla?.policy ? h("p", { class: "muted", text: `Policy: ${item.sla.policy}` }) : null,
    targets.length
      ? h("ul", { class: "sla-targets" }, targets.map((t) => h("li", { class: `sla-${t.state}`, dataset: { target: t.key, state: t.state } },
          h("strong", { text: `${t.name}: ` }), h("span", { text: t.text }),
          t.dueAt && t.state !== "met" ? h("span", { class: "muted" }, " (", h("time", { datetime: t.dueAt, text: formatDate(t.dueAt) }), ")") : null)))
      : h("p", { class: "muted", text: "No SLA policy applies to this item." }));
}
