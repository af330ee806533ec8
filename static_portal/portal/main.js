// Customer portal (and, with embedded=true, the widget panel): boot, header and routes.
import { signOut } from "../js/api.js";
import { h, mount, notice } from "../js/dom.js";
import { go, startRouter, currentRoute } from "../js/router.js";
import { ctx, slugFromLocation, loadTenant, refreshMe, brandName, logo, page } from "./context.js";
import { signInView } from "./signin.js";
import { homeView, requestsView } from "./requests.js";
import { newRequestView, thanksView } from "./newrequest.js";
import { itemView } from "./item.js";
import { articleView, helpCentreView, helpOn } from "./kb.js";

function shell() {
  const header = document.getElementById("topbar");
  const { path } = currentRoute();
  const link = (to, label) =>
    h("a", { href: `#${to}`, "aria-current": path === to || (to !== "/" && path.startsWith(to)) ? "page" : null, text: label });
  mount(
    header,
    h("a", { class: "brand", href: "#/" }, logo(), brandName()),
    h("nav", { "aria-label": "Portal" }, ctx.portalOff ? null : link("/", "New request"), ctx.me ? link("/requests", "My requests") : null,
      helpOn() ? link("/kb", ctx.embedded ? "Help" : "Help centre") : null,
      ctx.tabs.filter((t) => t.shown()).map((t) => link(t.path, t.label))),
    h("span", { class: "spacer" }),
    ctx.me
      ? [h("span", { class: "who", text: ctx.me.name || ctx.me.email }),
         h("button", { type: "button", class: "secondary", onclick: doSignOut, text: "Sign out" })]
      : ctx.portalOff ? null : h("a", { href: "#/signin", text: "Sign in" }),
    ctx.embedded && !ctx.portalOff ? h("a", { href: `/portal/${ctx.slug}/`, target: "_blank", rel: "noopener", text: "Open portal ↗" }) : null,
  );
}

async function doSignOut() {
  await signOut();
  await refreshMe();
  go("/");
}

/** Views that need a signed-in customer send visitors to sign-in and come back afterwards. */
function needsLogin(view) {
  return (args, route) => {
    if (!ctx.me) return go("/signin", { next: route.path });
    return view(args, route);
  };
}

/** `tabs`: extra screens ({path, label, pattern, shown(), view(args, route), start?()}), e.g. the widget's chat. */
export async function startPortal({ embedded = false, tabs = [] } = {}) {
  ctx.embedded = embedded;
  ctx.tabs = tabs;
  ctx.root = document.getElementById("main");
  ctx.onShell = shell;
  if (embedded) {
    document.body.classList.add("embedded");
    // Escape inside the panel never reaches the host page: ask widget.js to close it. The message
    // carries no data, so any target origin is fine.
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && window.parent !== window) window.parent.postMessage({ type: "tandem:close" }, "*");
    });
  }
  // "#main" would be read as a route: the skip link moves focus itself.
  document.querySelector(".skip")?.addEventListener("click", (e) => {
    e.preventDefault();
    ctx.root.focus();
  });
  ctx.slug = slugFromLocation();
  if (!ctx.slug) {
    mount(ctx.root, h("h1", { text: "Which help desk?" }), h("p", {}, "This address does not name a help desk. ", h("a", { href: "/", text: "Choose one" })));
    return;
  }
  try {
    await loadTenant();
  } catch (err) {
    mount(ctx.root, h("h1", { text: "Help desk not found" }), h("p", { class: "muted", text: err.status === 404 ? "No help desk answers at this address." : err.message }));
    return;
  }
  if (ctx.portalOff) return startWithoutPortal(tabs);
  await refreshMe();
  for (const t of tabs) t.start?.();
  const guard = (view) => (args, route) => {
    // Require-login tenants show nothing but the sign-in page to visitors.
    if (ctx.requireLogin && !ctx.me && route.path !== "/signin") return go("/signin", { next: route.path === "/" ? "" : route.path });
    return view(args, route);
  };
  startRouter(
    [
      [/^\/signin$/, (args, route) => signInView(route)],
      [/^\/new\/([^/]+)$/, guard(([typeId]) => newRequestView(typeId))],
      [/^\/thanks\/([^/]+)$/, guard(([ref]) => thanksView(ref))],
      [/^\/requests$/, needsLogin(() => requestsView())],
      [/^\/items\/([^/]+)$/, needsLogin(([ref]) => itemView(ref))],
      [/^\/kb$/, guard((args, route) => helpCentreView(route))],
      [/^\/kb\/([^/]+)$/, guard(([id]) => articleView(id))],
      [/^\/?$/, guard(() => homeView())],
      ...tabs.map((t) => [t.pattern, guard(t.view)]),
    ],
    () => page("Page not found", h("p", {}, h("a", { href: "#/", text: "Back to the start" }))),
  );
  window.addEventListener("hashchange", shell);
}

/** The tenant switched its portal off (issue 15): the portal says it is not available; the widget keeps the tabs
 * whose own module is on (live chat), without sign-in, forms or requests. */
function startWithoutPortal(tabs) {
  const left = ctx.embedded ? tabs.filter((t) => t.shown()) : [];
  ctx.tabs = left;
  const unavailable = () => page("Not available", h("div", { class: "module-off", dataset: { module: "portal" } },
    notice("info", "This help desk's portal is not available."),
    h("p", { class: "muted", text: "You can still reach the help desk by email." })));
  if (!left.length) {
    shell();
    return unavailable();
  }
  for (const t of left) t.start?.();
  startRouter([...left.map((t) => [t.pattern, t.view]), [/^\/?$/, () => go(left[0].path)]], unavailable);
  window.addEventListener("hashchange", shell);
  shell();
}
