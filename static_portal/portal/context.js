// What every portal view needs: the tenant (from its public forms endpoint), the signed-in
// customer (if the cookie belongs to THIS tenant), and a way to mount a page.
import { get, me as fetchMe } from "../js/api.js";
import { h, mount, safeUrl } from "../js/dom.js";
import { modulesOfError } from "../js/modules.js";

const SLUG_RE = /^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/;

/** /portal/<slug>/… (the served URL), /v1/public/<slug>/widget (the widget) or ?t=<slug> (a plain file server). */
export function slugFromLocation() {
  const m =
    location.pathname.match(/^\/portal\/([a-z0-9-]+)(?:\/|$)/) ||
    location.pathname.match(/^\/v1\/public\/([a-z0-9-]+)\/widget$/);
  const candidate = m && m[1] !== "index.html" ? m[1] : new URLSearchParams(location.search).get("t");
  return candidate && SLUG_RE.test(candidate) ? candidate : null;
}

export const ctx = {
  slug: null,
  embedded: false,
  tenant: null, // {slug, name, branding}
  requireLogin: true,
  forms: [],
  modules: null, // the tenant's switches (js/modules.js); absent means each module's default
  portalOff: false, // the tenant switched its portal off: only the widget's chat may be left (issue 15)
  tabs: [], // extra nav tabs a page adds (the widget's Chat)
  me: null,
  otherTenant: null, // signed in, but to another help desk
  root: null,
  onShell: null,
};

export async function loadTenant() {
  let data;
  try {
    data = await get(`/v1/public/${encodeURIComponent(ctx.slug)}/forms`);
  } catch (err) {
    // The portal switched off: its config says which modules are on, so the widget can still offer chat.
    const modules = modulesOfError(err);
    if (!modules) throw err;
    Object.assign(ctx, { portalOff: true, modules, requireLogin: false, forms: [] });
    return;
  }
  ctx.tenant = data.tenant;
  ctx.requireLogin = !!data.require_login;
  ctx.forms = data.items || [];
  ctx.modules = data.modules || null;
  applyBranding(data.tenant);
}

export async function refreshMe() {
  const who = await fetchMe();
  ctx.otherTenant = null;
  ctx.me = null;
  if (who && who.tenant && who.tenant.slug === ctx.slug) ctx.me = who;
  else if (who) ctx.otherTenant = who;
  ctx.onShell?.();
  return ctx.me;
}

const COLOR_RE = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

function applyBranding(tenant) {
  const b = (tenant && tenant.branding) || {};
  if (COLOR_RE.test(b.color || "")) {
    // CSSOM, not a style attribute: allowed by style-src 'self'.
    document.documentElement.style.setProperty("--brand", b.color);
    document.documentElement.style.setProperty("--brand-ink", readableInk(b.color));
  }
  document.title = `${b.name || tenant.name} — help`;
}

/** Black or white text, whichever reads better on the brand colour. */
function readableInk(hex) {
  let c = hex.slice(1);
  if (c.length === 3) c = [...c].map((x) => x + x).join("");
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(c.slice(i, i + 2), 16) / 255);
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return lum > 0.6 ? "#111" : "#fff";
}

export function brandName() {
  const b = (ctx.tenant && ctx.tenant.branding) || {};
  return b.name || (ctx.tenant && ctx.tenant.name) || ctx.slug;
}

export function logo() {
  const url = safeUrl(ctx.tenant?.branding?.logo_url);
  if (!url) return null;
  const img = h("img", { src: url, alt: "" });
  img.addEventListener("error", () => img.remove()); // blocked by CSP (other host) or broken: name only
  return img;
}

/** Mount a page: one h1, focus moved to it so keyboard and screen-reader users land on the new content. */
export function page(title, ...children) {
  const heading = h("h1", { tabindex: "-1", text: title });
  mount(ctx.root, heading, ...children);
  document.title = `${title} — ${brandName()}`;
  heading.focus({ preventScroll: false });
  return heading;
}
