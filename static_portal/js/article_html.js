// An article's body: HTML the API rendered from Markdown (raw HTML disabled) and sanitised with nh3. It is shown
// as given, yet never through innerHTML on our document: it is parsed in an inert document (DOMParser: no script
// runs, nothing loads) and copied node by node through the allow-list below, so even a sanitiser slip on the
// server cannot put a script, an event handler or a `javascript:` link on the page. The CSP stays as it is.
import { safeUrl } from "./dom.js";

// What Markdown produces; anything else is unwrapped (its text kept) or, for the tags below, dropped whole.
const KEEP = new Set([
  "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark",
  "code", "pre", "kbd", "samp", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "table", "thead",
  "tbody", "tfoot", "tr", "th", "td", "caption", "sup", "sub", "span", "div", "abbr",
]);
const DROP = new Set([
  "script", "style", "template", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
  "noscript", "noembed", "textarea", "select", "option", "button", "input", "form", "link", "meta", "base",
  "title", "head", "audio", "video", "source", "track", "canvas", "portal", "dialog",
]);
const ATTRIBUTES = {
  a: ["href", "title"],
  img: ["src", "alt", "title"],
  th: ["colspan", "rowspan", "scope"],
  td: ["colspan", "rowspan"],
  ol: ["start"],
  abbr: ["title"],
};
const NUMERIC = new Set(["colspan", "rowspan", "start"]);
const MAX_DEPTH = 40; // deeper nesting is not an article: its inner part is left out

/** What happens to an element of this tag: "keep", "drop" (with its content) or "unwrap" (keep its content only). */
export function tagPolicy(tag) {
  const t = String(tag).toLowerCase();
  if (KEEP.has(t)) return "keep";
  if (DROP.has(t)) return "drop";
  return "unwrap";
}

/** The value to keep for an attribute, or null to leave it out: only the listed ones, URLs only when safe. */
export function attributeValue(tag, name, value) {
  const t = String(tag).toLowerCase();
  const n = String(name).toLowerCase();
  if (!(ATTRIBUTES[t] || []).includes(n)) return null;
  if (n === "href" || n === "src") return safeUrl(value);
  if (NUMERIC.has(n)) return /^\d{1,3}$/.test(String(value).trim()) ? String(value).trim() : null;
  if (n === "scope") return ["row", "col", "rowgroup", "colgroup"].includes(value) ? value : null;
  return String(value);
}

function sameOrigin(url) {
  const safe = safeUrl(url);
  return !!safe && new URL(safe, location.href).origin === location.origin;
}

/** The page's CSP loads images from our own origin only: another site's image becomes a link to it. */
function imageLink(img) {
  const label = img.getAttribute("alt") || "Image";
  const href = safeUrl(img.getAttribute("src"));
  if (!href) return document.createTextNode(label);
  const a = document.createElement("a");
  a.setAttribute("href", href);
  a.setAttribute("rel", "noopener noreferrer nofollow");
  a.setAttribute("target", "_blank");
  a.textContent = `${label} (image)`;
  return a;
}

function copyInto(target, source, depth) {
  for (const node of source.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      target.append(document.createTextNode(node.data));
      continue;
    }
    if (node.nodeType !== Node.ELEMENT_NODE || depth >= MAX_DEPTH) continue;
    const tag = node.localName;
    const policy = node.namespaceURI === "http://www.w3.org/1999/xhtml" ? tagPolicy(tag) : "drop";
    if (policy === "drop") continue;
    if (policy === "unwrap") {
      copyInto(target, node, depth + 1);
      continue;
    }
    if (tag === "img" && !sameOrigin(node.getAttribute("src"))) {
      target.append(imageLink(node));
      continue;
    }
    const el = document.createElement(tag);
    for (const attr of node.attributes) {
      const value = attributeValue(tag, attr.name, attr.value);
      if (value !== null) el.setAttribute(attr.name.toLowerCase(), value);
    }
    if (tag === "a" && el.hasAttribute("href")) {
      el.setAttribute("rel", "noopener noreferrer nofollow");
      if (!sameOrigin(el.getAttribute("href"))) el.setAttribute("target", "_blank");
    }
    if (tag === "img") el.setAttribute("loading", "lazy");
    copyInto(el, node, depth + 1);
    target.append(el);
  }
}

/** The article body as a DocumentFragment of our own, allow-listed nodes. */
export function articleBody(html) {
  const inert = new DOMParser().parseFromString(String(html ?? ""), "text/html");
  const out = document.createDocumentFragment();
  copyInto(out, inert.body, 0);
  return out;
}
