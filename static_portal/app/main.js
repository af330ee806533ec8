// Agent workspace: sign-in, the top bar (search, notifications), routes, live updates.
import { api, me, signIn, signOut } from "../js/api.js";
import { h, mount, field, notice } from "../js/dom.js";
import { go, startRouter, currentRoute } from "../js/router.js";
import { createHost, staticView } from "../js/view.js";
import { createPoller } from "../js/live.js";
import { bindKeys, GLOBAL_SHORTCUTS } from "../js/keys.js";
import { state, loadDirectory, page } from "./state.js";
import { session, forget, isAdmin, may } from "./lookups.js";
import { setPriorities } from "./widgets.js";
import { createBell } from "./notifications.js";
import { createHelp } from "./help.js";
import { listView } from "./list.js";
import { boardView } from "./board.js";
import { treeView } from "./tree.js";
import { itemView } from "./item.js";
import { searchView } from "./search.js";
import { newItemView } from "./newitem.js";
import { adminView } from "./admin.js";
import { savedView } from "./views.js";
import { timeWeekView } from "./time_week.js";
import { approvalsView, approvalsAllowed } from "./time_approvals.js";
import { ganttView } from "./gantt.js";
import { calendarView } from "./calendar.js";
import { reportsView } from "./reports.js";
import { KB_ROUTE, kbView } from "./kb_routes.js";
import { kbOn } from "./kb.js";
import { chatView, chatsLink, chatsView, startChatLive, stopChatLive } from "./chats.js";
import { projectView, projectsView } from "./projects.js";
import { hiddenBy, isOn, offPage, offView, whenModulesChange } from "./modules_ui.js";

const LAST_TENANT = "tandem.lastTenant"; // a slug, not a secret: saves typing it at every sign-in
const POLL_MS = 5000;

// A screen that meets a switched-off module (a task's address while tasks are off) says so (issue 15).
const host = createHost({ onError: (err) => (err.code === "module_disabled" && err.details?.module
  ? offPage(err.details.module) : page("Something went wrong", notice("error", err.message))) });
const help = createHelp();
let bell = null;
let poller = null;

function searchForm() {
  const input = h("input", { type: "search", name: "q", autocomplete: "off", placeholder: kbOn() ? "Search items, customers, articles" : "Search items and customers", value: currentRoute().params.get("q") || "" });
  const label = h("label", { for: "global-search", class: "sr-only", text: "Search everything" });
  input.id = "global-search";
  return h("form", { role: "search", class: "global-search", "aria-label": "Search everything", onsubmit: (e) => {
    e.preventDefault();
    if (input.value.trim()) go("/search", { q: input.value.trim() });
  } }, label, input);
}

function shell() {
  const top = document.getElementById("topbar");
  // A switched-off module's screens leave the bar (issue 15).
  const link = (to, label) => (hiddenBy({ path: to, params: new URLSearchParams() }) ? null : h("a", { href: `#${to}`, dataset: { to }, text: label }));
  if (!session.me) return mount(top, h("a", { class: "brand", href: "#/list", text: "Tandem" }));
  bell = createBell();
  mount(
    top,
    h("a", { class: "brand", href: "#/list", text: "Tandem" }),
    h("nav", { "aria-label": "Workspace" }, link("/list", "Items"), link("/board", "Board"), link("/tree", "Tree"), link("/projects", "Projects"), link("/gantt", "Gantt"), link("/calendar", "Calendar"), may("items.edit") ? link("/new", "New item") : null, chatsLink(link), link("/time", "Time"), approvalsLink(link), session.me.role !== "customer" ? link("/reports", "Reports") : null, kbOn() ? link("/kb", "Knowledge base") : null, isAdmin() ? link("/admin", "Admin") : null),
    searchForm(),
    h("span", { class: "spacer" }),
    bell.elements,
    h("span", { class: "who", text: `${session.me.name || session.me.email} · ${session.me.tenant?.name || ""}` }),
    h("button", { type: "button", class: "secondary", onclick: doSignOut, text: "Sign out" }),
    help.element,
  );
  markCurrent();
}

/** "Approvals" for admins and project managers; asked after the bar is drawn (managers come from the projects). */
function approvalsLink(link) {
  if (!isOn("time_tracking")) return null;
  const slot = h("span", { class: "nav-slot" });
  approvalsAllowed().then((yes) => {
    if (yes) slot.replaceWith(link("/time/approvals", "Approvals"));
    markCurrent();
  }, () => {});
  return slot;
}

/** The nav link of the open screen says so (without rebuilding the bar: its search box keeps its text); the
 * longest match wins, so #/time/approvals marks Approvals, not Time. */
function markCurrent() {
  const { path } = currentRoute();
  const links = [...document.querySelectorAll("#topbar nav a")];
  const best = links.filter((a) => path.startsWith(a.dataset.to)).sort((a, b) => b.dataset.to.length - a.dataset.to.length)[0];
  for (const a of links) {
    if (a === best) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

async function doSignOut() {
  poller?.stop();
  stopChatLive();
  await signOut();
  session.me = null;
  forget();
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
    h("form", { class: "card narrow", novalidate: true, "aria-label": "Sign in", onsubmit: async (e) => {
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
    } },
    field("Help desk (tenant)", tenant, { help: "The short name in your help desk's address, e.g. demo" }),
    field("Email", email),
    field("Password", password),
    out,
    submit),
  );
}

function startLive() {
  poller?.stop();
  poller = createPoller({
    interval: POLL_MS,
    fetchChanges: (etag) => api("GET", "/v1/changes", { ifNoneMatch: etag }),
    onUnread: (n) => bell?.setUnread(n),
    onChange: async () => {
      await Promise.all([host.refresh(), bell?.refresh()]);
    },
  });
  poller.start();
}

async function boot(next) {
  session.me = await me();
  forget();
  if (session.me && session.me.role === "customer") {
    shell();
    page("This is the agents' workspace", h("p", {}, "Customers use the portal: ", h("a", { href: `/portal/${session.me.tenant.slug}/`, text: "go to your portal" })));
    return false;
  }
  setPriorities();
  shell();
  if (session.me) startLive();
  startChatLive();
  if (next) go(next);
  return !!session.me;
}

function authed(makeView) {
  return (args, route) => {
    if (!session.me) return go("/signin", { next: route.path });
    const off = hiddenBy(route); // a switched-off module's route says so instead (issue 15)
    return host.show(off ? offView(off) : makeView(args, route));
  };
}

/** After an admin switched modules: the caller's /v1/me again, and the bar and live parts follow it. */
async function modulesChanged() {
  session.me = await me();
  shell();
  stopChatLive();
  startChatLive();
}

const legacy = (render) => staticView(render);

export async function start() {
  state.root = document.getElementById("main");
  document.querySelector(".skip")?.addEventListener("click", (e) => {
    e.preventDefault();
    state.root.focus();
  });
  await boot(null);
  if (session.me && session.me.role === "customer") return;
  whenModulesChange(modulesChanged);
  bindKeys(document, GLOBAL_SHORTCUTS, { help: () => session.me && help.open() });

  startRouter(
    [
      [/^\/signin$/, (a, route) => (session.me ? go(route.params.get("next") || "/list") : host.show(legacy(() => signInView(route))))],
      [/^\/list$/, authed((a, route) => listView(route))],
      [/^\/board$/, authed((a, route) => boardView(route))],
      [/^\/tree$/, authed(() => treeView())],
      [/^\/projects$/, authed(() => projectsView())],
      [/^\/projects\/([^/]+)$/, authed(([id]) => projectView(id))],
      [/^\/new$/, authed((a, route) => newItemView(route))],
      [/^\/gantt$/, authed((a, route) => ganttView(route))],
      [/^\/calendar$/, authed((a, route) => calendarView(route))],
      [/^\/search$/, authed((a, route) => searchView(route))],
      [/^\/items\/([^/]+)$/, authed(([ref], route) => itemView(ref, route))],
      [/^\/views\/([^/]+)$/, authed(([id]) => savedView(id))],
      [/^\/time$/, authed((a, route) => timeWeekView(route))],
      [/^\/time\/approvals$/, authed(() => approvalsView())],
      [/^\/reports$/, authed((a, route) => reportsView(route))],
      [KB_ROUTE, authed((args, route) => kbView(args, route))],
      [/^\/chats$/, authed(() => chatsView())],
      [/^\/chats\/([^/]+)$/, authed(([id]) => chatView(id))],
      [/^\/admin(?:\/([^/]+))?(?:\/([^/]+))?$/, authed(([section, id]) => legacy(async () => {
        await loadDirectory();
        await adminView(section, id);
      }))],
      [/^\/?$/, authed(() => legacy(() => go("/list")))],
    ],
    () => host.show(legacy(() => page("Page not found", h("p", {}, h("a", { href: "#/list", text: "Back to items" }))))),
  );
  window.addEventListener("hashchange", markCurrent);
}
