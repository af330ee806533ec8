// The knowledge base's pure rules, shared by the workspace (#/kb, the composer), the portal's help centre and the
// widget: names of states and visibilities, an article's portal address, the text the composer inserts, the order
// of categories, and grouping a list by category. No DOM and no requests here, so tests/js can check them.

export const STATES = [
  ["draft", "Draft"],
  ["published", "Published"],
];

export const VISIBILITIES = [
  ["public", "Everyone (public)"],
  ["customers", "Signed-in customers"],
  ["organizations", "Chosen organisations"],
];

const STATE_NAMES = Object.fromEntries(STATES);
const VISIBILITY_NAMES = Object.fromEntries(VISIBILITIES);

export const stateName = (key) => STATE_NAMES[key] || String(key ?? "");
export const visibilityName = (key) => VISIBILITY_NAMES[key] || String(key ?? "");

/** The tenant's switch (`modules` of /v1/me or of the portal's config): the knowledge base is on unless said off. */
export const kbEnabled = (modules) => !modules || modules.knowledge_base !== false;

/** An article's page in the customer portal: the address an agent sends a customer. */
export function articleUrl(origin, slug, id) {
  return `${String(origin).replace(/\/+$/, "")}/portal/${encodeURIComponent(slug)}/#/kb/${encodeURIComponent(id)}`;
}

/** What the composer inserts for an article: its title and its address, readable as plain text and in the email. */
export function articleLinkText(title, url) {
  const name = String(title ?? "").replace(/\s+/g, " ").trim() || "Help article";
  return `${name}: ${url}`;
}

/**
 * Put `snippet` into `value` in place of the selection [start, end), set apart by a space on either side unless
 * one is there (a URL that touched the next character would take it in). → {value, caret} (right after the snippet).
 */
export function insertAt(value, start, end, snippet) {
  const text = String(value ?? "");
  const from = Math.max(0, Math.min(Number.isInteger(start) ? start : text.length, text.length));
  const to = Math.max(from, Math.min(Number.isInteger(end) ? end : from, text.length));
  const before = text.slice(0, from);
  const after = text.slice(to);
  const lead = before && !/\s$/.test(before) ? " " : "";
  const trail = after && !/^\s/.test(after) ? " " : "";
  const inserted = `${lead}${snippet}${trail}`;
  return { value: `${before}${inserted}${after}`, caret: before.length + lead.length + snippet.length };
}

/** Categories in the order the help centre shows them: by position, then by name. */
export function sortCategories(categories) {
  return [...(categories || [])].sort(
    (a, b) => (a.position ?? 0) - (b.position ?? 0) || String(a.name).localeCompare(String(b.name)),
  );
}

/**
 * Move one category `delta` places (-1 up, +1 down) → the changes to send: [{id, position}] for each category whose
 * position differs from its new place (0, 1, 2, …). Nothing when it cannot move that way.
 */
export function moveCategory(categories, id, delta) {
  const order = sortCategories(categories);
  const from = order.findIndex((c) => c.id === id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= order.length || delta === 0) return [];
  const [moved] = order.splice(from, 1);
  order.splice(to, 0, moved);
  return order.flatMap((c, position) => (c.position === position ? [] : [{ id: c.id, position }]));
}

/** The next free position for a new category (after the last one). */
export function nextPosition(categories) {
  return (categories || []).reduce((top, c) => Math.max(top, (c.position ?? 0) + 1), 0);
}

/**
 * Articles grouped under their categories in category order → [{category, items}]; articles of no (or an unknown)
 * category come last under {id: null, name: otherName}. Empty categories are left out.
 */
export function groupByCategory(items, categories, otherName = "Other articles") {
  const order = sortCategories(categories);
  const known = new Set(order.map((c) => c.id));
  const groups = order.map((category) => ({ category, items: (items || []).filter((i) => i.category_id === category.id) }));
  const rest = (items || []).filter((i) => !known.has(i.category_id));
  if (rest.length) groups.push({ category: { id: null, name: otherName }, items: rest });
  return groups.filter((g) => g.items.length);
}

/** "3 yes · 1 no", or "No votes yet". */
export function helpfulText(helpful) {
  const yes = helpful?.yes || 0;
  const no = helpful?.no || 0;
  return yes || no ? `${yes} yes · ${no} no` : "No votes yet";
}

/** Why an article may be hard to find: what its visibility asks for, as a warning (null when all is well). */
export function visibilityProblem(visibility, organizationIds) {
  if (visibility === "organizations" && !(organizationIds || []).length) {
    return "Choose at least one organisation, or no customer can read it.";
  }
  return null;
}
