// Admin: portal settings (visibility, require login, branding, widget origins).
import { api } from "../js/api.js";
import { h, field, notice, uid, humanize } from "../js/dom.js";
import { state, page } from "./state.js";
import { options } from "./widgets.js";

const VISIBILITY = [
  ["none", "Nothing (portal for forms only)"],
  ["own", "Own requests"],
  ["own_and_followed", "Own requests and items in projects they follow"],
  ["own_and_organization", "Own requests and everything from their organisation"],
  ["all_public", "Every portal-visible item"],
];

export async function portalView(nav) {
  let res;
  try {
    res = await api("GET", "/v1/settings");
  } catch (err) {
    return page("Portal settings", nav, notice("error", err.message));
  }
  const s = res.data;
  const p = s.portal || {};
  const b = p.branding || {};
  const c = {
    visibility: h("select", {}, options(VISIBILITY, p.visibility)),
    require_login: h("input", { type: "checkbox", id: uid("rl"), checked: !!p.require_login }),
    name: h("input", { type: "text", value: b.name || "", maxlength: 100 }),
    logo_url: h("input", { type: "url", value: b.logo_url || "", maxlength: 500 }),
    color: h("input", { type: "color", value: /^#[0-9a-f]{6}$/i.test(b.color || "") ? b.color : "#2f6fed" }),
    origins: h("textarea", { rows: 3, value: (p.allowed_origins || []).join("\n") }),
  };
  const out = h("div", { "aria-live": "polite" });
  const portalUrl = `${location.origin}/portal/${s.slug}/`;
  page("Portal settings", nav,
    h("p", {}, "Your portal: ", h("a", { href: portalUrl, text: portalUrl }), ". Widget snippet: ",
      h("code", { text: `<script src="${location.origin}/widget.js" data-tenant="${s.slug}" async></script>` })),
    h("form", { class: "card", novalidate: true, "aria-label": "Portal settings", onsubmit: async (e) => {
      e.preventDefault();
      const origins = c.origins.value.split(/\s+/).map((x) => x.trim()).filter(Boolean);
      const bad = origins.find((o) => !/^https?:\/\/[^/\s]+$/.test(o));
      if (bad) return out.replaceChildren(notice("error", `"${bad}" is not an origin (scheme://host[:port], no path).`));
      try {
        res = await api("PATCH", "/v1/settings", {
          ifMatch: res.etag,
          body: {
            portal: {
              visibility: c.visibility.value, require_login: c.require_login.checked, allowed_origins: origins,
              branding: { name: c.name.value.trim(), logo_url: c.logo_url.value.trim(), color: c.color.value },
            },
          },
        });
        state.settings = res.data;
        out.replaceChildren(notice("ok", "Saved."));
      } catch (err) {
        out.replaceChildren(notice("error", err.status === 412 ? "Changed by someone else meanwhile: reload the page." : err.message));
      }
    } },
      h("h2", { text: "What customers see" }),
      field("Customers see", c.visibility),
      h("div", { class: "field check" }, c.require_login, h("label", { for: c.require_login.id, text: "Require sign-in (no anonymous forms)" })),
      h("h2", { text: "Branding" }),
      h("div", { class: "field-grid" }, field("Portal name", c.name), field("Logo URL", c.logo_url, { help: "Served from this site (the portal's CSP blocks images of other hosts)" }), field("Colour", c.color)),
      h("h2", { text: "Widget" }),
      field("Sites allowed to embed the widget", c.origins, { help: "One origin per line, e.g. https://intranet.example" }),
      out,
      h("button", { type: "submit", text: "Save settings" })),
    h("section", { class: "card", "aria-label": "Statuses" }, h("h2", { text: "Lifecycle statuses" }),
      Object.entries(s.statuses || {}).map(([kind, list]) => h("p", {}, h("strong", { text: `${humanize(kind)}: ` }), list.map((st) => `${st.name} (${st.category})`).join(" → ")))),
  );
}
