// Choose an item to record time on: the caller's own items first, then what the words or reference typed find
// (GET /v1/items?q=), and a reference typed in full read directly.
import { get } from "../js/api.js";
import { h, field } from "../js/dom.js";
import { searchList } from "../js/picker.js";

const LIMIT = 8;
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
  const { status, results, search } = searchList({
    input, label: "Items found", find, onPick,
    text: (item) => `${item.ref} ${item.title || "(no title)"}`,
    empty: (words) => (words ? "No item matches." : "Nothing is assigned to you: search for an item."),
  });
  search();
  return h("div", { class: "item-picker" }, field("Item", input, { help: "Your items are listed; type to find another" }), status, results);
}
