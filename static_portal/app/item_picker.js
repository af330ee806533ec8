// Choose an item to record time on: the caller's own items first, then what the words or reference typed find
// (GET /v1/items?q=), and a reference typed in full read directly.
import { get } from "../js/api.js";
import { h, field } from "../js/dom.js";

const LIMIT = 8;
const WAIT_MS = 250;
const REF_RE = /^[A-Za-z]+-\d+$/;

async function find(text) {
  const words = text.trim();
  const page = await get("/v1/items", words ? { q: words, limit: LIMIT } : { assignee: "me", limit: LIMIT });
  const found = page.items || [];
  if (REF_RE.test(words) && !found.some((i) => i.ref.toLowerCase() === words.toLowerCase())) {
    const exact = await get(`/v1/items/${encodeURIComponent(words.toUpperCase())}`).catch(() => null);
    if (exact) found.unshift(exact);
  }
  return found;
}

/** itemPicker({onPick(item)}) → element: a search box and the items it finds, each a button. */
export function itemPicker({ onPick }) {
  const input = h("input", { type: "search", name: "item_search", autocomplete: "off", placeholder: "Words or a reference, e.g. T-12" });
  const results = h("ul", { class: "picker-results", "aria-label": "Items found" });
  const status = h("p", { class: "muted", role: "status" });
  let turn = 0;
  let wait = null;
  const search = async () => {
    const mine = ++turn;
    try {
      const items = await find(input.value);
      if (mine !== turn) return;
      status.textContent = items.length ? "" : input.value.trim() ? "No item matches." : "Nothing is assigned to you: search for an item.";
      results.replaceChildren(...items.map((item) => h("li", {},
        h("button", { type: "button", class: "link", text: `${item.ref} ${item.title || "(no title)"}`, onclick: () => onPick(item) }))));
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
    e.preventDefault();
    clearTimeout(wait);
    search();
  });
  search();
  return h("div", { class: "item-picker" }, field("Item", input, { help: "Your items are listed; type to find another" }), status, results);
}
