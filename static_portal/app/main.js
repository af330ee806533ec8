// Agent workspace: sign-in, header, routes.
import { me, signIn, signOut } from "../js/api.js";
import { h, mount, field, notice } from "../js/dom.js";
import { go, startRouter, currentRoute } from "../js/router.js";
import { state, loadDirectory, page, isAdmin } from "./state.js";
import { listView } from "./list.js";
import { boardView } from "./board.js";
import { treeView } from "./tree.js";
import { itemView } from "./item.js";
import { newItemView } from "./newitem.js";
import { adminView } from "./admin.js";

const LAST_TENANT = "tandem.lastTenant"; // a slug, not a secret: saves typing it at every sign-in

function shell() {
  const top = document.getElementById("topbar");
  const { path } = currentRoute();
  const link = (to, label) => h("a", { href: `#${to}`, "aria-current": path.startsWith(to) ? "page" : null, text: label });
  mount(
    top,
    h("a", { class: "brand", href: "#/list", text: "Tandem" }),
    state.me
      ? [
          h("nav", { "aria-label": "Workspace" }, link("/list", "Items"), link("/board", "Board"), link("/tree", "Tree"), link("/new", "New item"), isAdmin() ? link("/admin", "Admin") : null),
          h("span", { class: "spacer" }),
          h("span", { class: "who", text: `${state.me.name || state.me.email} · ${state.me.tenant?.name || ""}` }),
          h("button", { type: "button", class: "secondary", onclick: doSignOut, text: "Sign out" }),
        ]
      : null,
  );
}

async function doSignOut() {
  await signOut();
  state.me = null;
  shell();
  go("/signin");
}

function signInView(route) {
  const tenant = h("input", { type: "text", name: "tenant", autocomplete: "organization", required: true, value: localStorage.getItem(LAST_TENANT) || "" });
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const out = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", text: "Sign in" });
  page(
    "Sign in to the workspace",
    h(
      "form",
      {
        class: "card narrow",
        novalidate: true,
        "aria-label": "Sign in",
        onsubmit: async (e) => {
          e.preventDefault();
          out.replaceChildren();
          if (!tenant.value.trim() || !email.value.trim() || !password.value) return out.append(notice("error", "Fill in all three fields."));
          submit.disabled = true;
          try {
            await signIn(tenant.value.trim().toLowerCase(), email.value.trim(), password.value);
            localStorage.setItem(LAST_TENANT, tenant.value.trim().toLowerCase());
            await boot(route.params.get("next") || "/list");
          } catch (err) {
            out.append(notice("error", err.status === 401 || err.status === 400 ? "Help desk, email or password is not right." : err.message));
          } finally {
            submit.disabled = false;
          }
        },
      },
      field("Help desk (tenant)", tenant, { help: "The short name in your help desk's address, e.g. demo" }),
      field("Email", email),
      field("Password", password),
      out,
      submit,
    ),
  );
}

async function boot(next) {
  state.me = await me();
  if (state.me && state.me.role === "customer") {
    shell();
    page("This is the agents' workspace", h("p", {}, "Customers use the portal: ", h("a", { href: `/portal/${state.me.tenant.slug}/`, text: "go to your portal" })));
    return false;
  }
  if (state.me) await loadDirectory();
  shell();
  if (next) go(next);
  return !!state.me;
}

function authed(view) {
  return (args, route) => (state.me ? view(args, route) : go("/signin", { next: route.path }));
}

export async function start() {
  state.root = document.getElementById("main");
  document.querySelector(".skip")?.addEventListener("click", (e) => {
    e.preventDefault();
    state.root.focus();
  });
  await boot(null);
  if (state.me && state.me.role === "customer") return;

  startRouter(
    [
      [/^\/signin$/, (a, route) => (state.me ? go(route.params.get("next") || "/list") : signInView(route))],
      [/^\/list$/, authed((a, route) => listView(route))],
      [/^\/board$/, authed((a, route) => boardView(route))],
      [/^\/tree$/, authed(() => treeView())],
      [/^\/new$/, authed((a, route) => newItemView(route))],
      [/^\/items\/([^/]+)$/, authed(([ref], route) => itemView(ref, route))],
      [/^\/admin(?:\/([^/]+))?(?:\/([^/]+))?$/, authed(([section, id]) => adminView(section, id))],
      [/^\/?$/, authed(() => go("/list"))],
    ],
    () => page("Page not found", h("p", {}, h("a", { href: "#/list", text: "Back to items" }))),
  );
  window.addEventListener("hashchange", shell);
}
