// Building DOM without innerHTML: every piece of text that came from a user or an email goes
// through textContent (via h()), so markup in data can never become markup on the page.

const SAFE_SCHEMES = /^(https?:|mailto:)/i;

/** A URL we are willing to put in href/src: relative, http(s) or mailto. `javascript:` and `data:` never. */
export function safeUrl(url) {
  const s = String(url ?? "").trim();
  if (!s) return null;
  if (s.startsWith("/") && !s.startsWith("//")) return s;
  if (s.startsWith("#") || s.startsWith("?")) return s;
  try {
    const u = new URL(s, location.href);
    return SAFE_SCHEMES.test(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * h("button", {class: "x", onclick: fn, type: "button"}, "text", childNode, [more])
 * Strings become text nodes; attributes named on* must be functions (never strings of code).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) {
      if (typeof value !== "function") throw new TypeError(`${name} must be a function`);
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "class") {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
    } else if (name === "text") {
      el.textContent = String(value);
    } else if (name === "dataset") {
      Object.assign(el.dataset, value);
    } else if (name === "href" || name === "src") {
      const url = safeUrl(value);
      if (url) el.setAttribute(name, url);
    } else if (name === "style") {
      throw new TypeError("inline styles are blocked by the CSP; use classes");
    } else if (value === true) {
      el.setAttribute(name, "");
    } else if (name === "value" || name === "checked" || name === "selected") {
      el[name] = value;
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replace an element's content. */
export function mount(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let idSeq = 0;
export function uid(prefix = "f") {
  idSeq += 1;
  return `${prefix}-${idSeq}`;
}

/** A labelled control: every field gets a real <label for>, and help/error text tied by aria-describedby. */
export function field(label, control, { help, required } = {}) {
  if (!control.id) control.id = uid();
  const helpEl = help ? h("p", { class: "help", id: `${control.id}-help`, text: help }) : null;
  const errorEl = h("p", { class: "error", id: `${control.id}-error`, role: "alert", hidden: true });
  control.setAttribute("aria-describedby", [helpEl?.id, errorEl.id].filter(Boolean).join(" "));
  const labelEl = h("label", { for: control.id, id: `${control.id}-label` }, label, required ? h("span", { class: "req", "aria-hidden": "true", text: " *" }) : null);
  // A <label for> does not name a group: point the group at its label instead.
  if (control.tagName === "FIELDSET") control.setAttribute("aria-labelledby", labelEl.id);
  const wrap = h("div", { class: "field" }, labelEl, control, helpEl, errorEl);
  wrap.setError = (message) => {
    errorEl.textContent = message || "";
    errorEl.hidden = !message;
    if (message) control.setAttribute("aria-invalid", "true");
    else control.removeAttribute("aria-invalid");
  };
  return wrap;
}

/** A status line for "saved", "failed" etc. announced to screen readers. */
export function notice(kind, message) {
  return h("p", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status", text: message });
}

export function formatDate(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return iso.length <= 10 ? d.toLocaleDateString(undefined, { timeZone: "UTC" }) : d.toLocaleString();
}

/** "in_progress" → "In progress" when the tenant's status names are not available to the caller. */
export function humanize(key) {
  const s = String(key ?? "").replace(/[_-]+/g, " ").trim();
  return s ? s[0].toUpperCase() + s.slice(1) : "";
}

/** "just now", "5 min ago", "3 h ago", then the date: how long ago something happened, for lists. */
export function relativeTime(iso, now = Date.now()) {
  if (!iso) return "";
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return String(iso);
  const minutes = Math.floor((now - t) / 60000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ago`;
  return formatDate(iso);
}

/** Hand a file the page holds (a Blob) to the browser's downloads under `name`. */
export function saveFile(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a"); // not h(): its href is a blob: URL, which safeUrl rightly refuses
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000); // the download has its copy by then
}
