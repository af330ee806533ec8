// The knowledge base's pure rules: the portal address and the text the composer inserts, where it lands in the
// reply, the order of categories and the moves that reorder them, grouping for the help centre, and the
// allow-list that article HTML passes through before it reaches the page.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  articleLinkText,
  articleUrl,
  groupByCategory,
  helpfulText,
  insertAt,
  kbEnabled,
  moveCategory,
  nextPosition,
  sortCategories,
  visibilityProblem,
} from "../../static_portal/js/kb.js";
import { attributeValue, tagPolicy } from "../../static_portal/js/article_html.js";
import { visitorKey } from "../../static_portal/js/visitor.js";

globalThis.location = new URL("https://help.example/portal/acme/#/kb");

test("an article's portal address and the text the composer inserts for it", () => {
  assert.equal(articleUrl("https://help.example/", "acme", "a 1"), "https://help.example/portal/acme/#/kb/a%201");
  assert.equal(articleLinkText("  Reset   your\npassword ", "https://x/1"), "Reset your password: https://x/1");
  assert.equal(articleLinkText("", "https://x/1"), "Help article: https://x/1");
});

test("the link goes in at the cursor, replacing the selection, set apart by a space unless one is there", () => {
  assert.deepEqual(insertAt("", 0, 0, "L"), { value: "L", caret: 1 });
  assert.deepEqual(insertAt("see here", 3, 3, "L"), { value: "see L here", caret: 5 });
  assert.deepEqual(insertAt("see  here", 4, 4, "L"), { value: "see L here", caret: 5 });
  assert.deepEqual(insertAt("see XXX.", 4, 7, "L"), { value: "see L .", caret: 5 }); // a URL's end stays clear of the dot
  assert.deepEqual(insertAt("Hello", undefined, undefined, "L"), { value: "Hello L", caret: 7 }); // no cursor: at the end
  assert.deepEqual(insertAt("ab", 10, 1, "L"), { value: "ab L", caret: 4 }); // out of range: clamped
});

test("categories are ordered by position then name, and a move renumbers only what changed", () => {
  const cats = [{ id: "c", name: "C", position: 2 }, { id: "a", name: "A", position: 0 }, { id: "b", name: "B", position: 1 }];
  assert.deepEqual(sortCategories(cats).map((c) => c.id), ["a", "b", "c"]);
  assert.deepEqual(sortCategories([{ id: "y", name: "Y" }, { id: "x", name: "X" }]).map((c) => c.id), ["x", "y"]);
  assert.deepEqual(moveCategory(cats, "c", -1), [{ id: "c", position: 1 }, { id: "b", position: 2 }]);
  assert.deepEqual(moveCategory(cats, "a", 1), [{ id: "b", position: 0 }, { id: "a", position: 1 }]);
  assert.deepEqual(moveCategory(cats, "a", -1), []); // already first
  assert.deepEqual(moveCategory(cats, "c", 1), []); // already last
  assert.deepEqual(moveCategory(cats, "zz", 1), []);
  // Positions that collide (two at 0) are renumbered in their shown order
  const tied = [{ id: "a", name: "A", position: 0 }, { id: "b", name: "B", position: 0 }, { id: "c", name: "C", position: 0 }];
  assert.deepEqual(moveCategory(tied, "c", -1), [{ id: "c", position: 1 }, { id: "b", position: 2 }]);
  assert.equal(nextPosition(cats), 3);
  assert.equal(nextPosition([]), 0);
});

test("the help centre groups articles under their categories in order, the rest last", () => {
  const cats = [{ id: "b", name: "Billing", position: 1 }, { id: "a", name: "Accounts", position: 0 }, { id: "e", name: "Empty", position: 2 }];
  const items = [{ id: 1, category_id: "b" }, { id: 2, category_id: null }, { id: 3, category_id: "a" }, { id: 4, category_id: "gone" }];
  const groups = groupByCategory(items, cats, "Other");
  assert.deepEqual(groups.map((g) => [g.category.name, g.items.map((i) => i.id)]), [["Accounts", [3]], ["Billing", [1]], ["Other", [2, 4]]]);
});

test("module switch, helpful counts and the organisation warning", () => {
  assert.equal(kbEnabled(undefined), true);
  assert.equal(kbEnabled({ chat: true }), true); // absent means on
  assert.equal(kbEnabled({ knowledge_base: false }), false);
  assert.equal(helpfulText({ yes: 3, no: 1 }), "3 yes · 1 no");
  assert.equal(helpfulText(undefined), "No votes yet");
  assert.match(visibilityProblem("organizations", []), /at least one organisation/);
  assert.equal(visibilityProblem("organizations", ["o1"]), null);
  assert.equal(visibilityProblem("public", []), null);
});

test("article HTML: scripts and their kin are dropped whole, unknown tags unwrapped, Markdown's tags kept", () => {
  for (const tag of ["script", "SCRIPT", "style", "iframe", "svg", "math", "object", "embed", "form", "template", "noscript"]) {
    assert.equal(tagPolicy(tag), "drop", tag);
  }
  for (const tag of ["p", "a", "img", "pre", "code", "table", "h2", "blockquote", "li"]) assert.equal(tagPolicy(tag), "keep", tag);
  for (const tag of ["font", "center", "marquee", "x-evil"]) assert.equal(tagPolicy(tag), "unwrap", tag);
});

test("article HTML: only listed attributes survive, never an event handler, and URLs only when safe", () => {
  assert.equal(attributeValue("img", "onerror", "alert(1)"), null);
  assert.equal(attributeValue("a", "onclick", "alert(1)"), null);
  assert.equal(attributeValue("p", "style", "color:red"), null);
  assert.equal(attributeValue("a", "class", "skip"), null);
  assert.equal(attributeValue("a", "href", "javascript:alert(1)"), null);
  assert.equal(attributeValue("a", "href", " JaVaScRiPt:alert(1)"), null);
  assert.equal(attributeValue("a", "href", "data:text/html,<script>alert(1)</script>"), null);
  assert.equal(attributeValue("img", "src", "data:image/svg+xml,<svg onload=alert(1)>"), null);
  assert.equal(attributeValue("a", "href", "vbscript:x"), null);
  assert.equal(attributeValue("a", "href", "https://example.com/a?b=1"), "https://example.com/a?b=1");
  assert.equal(attributeValue("a", "href", "mailto:help@example.com"), "mailto:help@example.com");
  assert.equal(attributeValue("a", "href", "/portal/acme/#/kb/2"), "/portal/acme/#/kb/2");
  assert.equal(attributeValue("a", "title", "Read me"), "Read me");
  assert.equal(attributeValue("td", "colspan", "2"), "2");
  assert.equal(attributeValue("td", "colspan", "2;x"), null);
  assert.equal(attributeValue("th", "scope", "col"), "col");
  assert.equal(attributeValue("th", "scope", "javascript:"), null);
});

test("a visitor's key is made once, kept, and replaced when what is kept is not a valid key", () => {
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  const first = visitorKey(storage);
  assert.match(first, /^[A-Za-z0-9_-]{8,64}$/);
  assert.equal(visitorKey(storage), first);
  store.set("tandem.visitor", "<bad key>");
  const next = visitorKey(storage);
  assert.notEqual(next, "<bad key>");
  assert.equal(store.get("tandem.visitor"), next);
  const blocked = { getItem: () => { throw new Error("SecurityError"); }, setItem: () => {} };
  assert.match(visitorKey(blocked), /^[A-Za-z0-9_-]{8,64}$/);
});
