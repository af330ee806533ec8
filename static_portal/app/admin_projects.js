// Admin: portfolios and projects — the tree (create both, move a project to another portfolio) and one page
// per project: name and description, members (users and teams, who may work on its items), managers (staff users
// who approve its timesheets) and followers.
import { api, get } from "../js/api.js";
import { h, field, notice } from "../js/dom.js";
import { page, loadDirectory } from "./state.js";
import { adminDirectory, choicesFor, select } from "./admin_common.js";
import { shareButton } from "./share_dialog.js";

const CUSTOMER_PAGE = 200;
const countOf = (n, noun) => `${n} ${noun}${n === 1 ? "" : "s"}`; // followers may be customers: one page of them in the picker, not the whole directory

function projectRow(project, dir, act) {
  const move = select(choicesFor(dir, "portfolio"), project.portfolio_id || "", { empty: "No portfolio" });
  return h("li", { class: "row" },
    h("a", { href: `#/admin/projects/${encodeURIComponent(project.id)}`, text: project.name }),
    h("span", { class: "muted", text: countOf((project.members || []).length, "member") }),
    h("form", { class: "row", "aria-label": `Move ${project.name}`, onsubmit: (e) => {
      e.preventDefault();
      const target = move.value || null;
      if (target === (project.portfolio_id || null)) return;
      act(() => api("PATCH", `/v1/projects/${encodeURIComponent(project.id)}`, { body: { portfolio_id: target }, ifMatch: `"${project.version}"` }),
        `${project.name} moved to ${target ? dir.names.portfolio(target) : "no portfolio"}.`);
    } }, field(`Portfolio of ${project.name}`, move), h("button", { type: "submit", class: "secondary", text: "Move" })));
}

function createForms(dir, act) {
  const pfName = h("input", { type: "text", maxlength: 200 });
  const pfDesc = h("input", { type: "text", maxlength: 500 });
  const prName = h("input", { type: "text", maxlength: 200 });
  const prPortfolio = select(choicesFor(dir, "portfolio"), "", { empty: "No portfolio" });
  const prMembers = select(choicesFor(dir, "principal"), [], { multi: true });
  const need = (input, wrap) => {
    wrap.setError(input.value.trim() ? "" : "A name is required.");
    if (!input.value.trim()) input.focus();
    return !!input.value.trim();
  };
  const pfField = field("Name", pfName, { required: true });
  const prField = field("Name", prName, { required: true });
  return h("div", { class: "grid2" },
    h("form", { class: "card", novalidate: true, "aria-label": "New portfolio", onsubmit: (e) => {
      e.preventDefault();
      if (need(pfName, pfField)) act(() => api("POST", "/v1/portfolios", { body: { name: pfName.value.trim(), description: pfDesc.value.trim() } }), `Portfolio ${pfName.value.trim()} created.`);
    } }, h("h2", { text: "New portfolio" }), pfField, field("Description", pfDesc), h("button", { type: "submit", text: "Create portfolio" })),
    h("form", { class: "card", novalidate: true, "aria-label": "New project", onsubmit: (e) => {
      e.preventDefault();
      if (need(prName, prField)) {
        act(() => api("POST", "/v1/projects", { body: { name: prName.value.trim(), portfolio_id: prPortfolio.value || null, members: prMembers.read() } }),
          `Project ${prName.value.trim()} created.`);
      }
    } }, h("h2", { text: "New project" }), prField, field("Portfolio", prPortfolio), field("Members", prMembers, { help: "Users and teams who may work on its items" }),
    h("button", { type: "submit", text: "Create project" })));
}

async function projectsTree(nav, flash) {
  let dir;
  let customers;
  try {
    [dir, customers] = await Promise.all([adminDirectory(["users", "teams", "projects", "portfolios"]),
      get("/v1/customers", { limit: CUSTOMER_PAGE }).then((p) => p.items || [])]);
  } catch (err) {
    return page("Portfolios and projects", nav, notice("error", err.message));
  }
  const out = h("div", { "aria-live": "polite" }, flash ? notice("ok", flash) : null);
  const act = async (fn, done) => {
    try {
      await fn();
      await loadDirectory();
      await projectsTree(nav, done);
    } catch (err) {
      out.replaceChildren(notice("error", err.status === 412 ? "Changed meanwhile: try again." : err.message));
    }
  };
  const groups = [...dir.portfolios.map((p) => ({ id: p.id, name: p.name })), { id: null, name: "Without portfolio" }];
  return page("Portfolios and projects", nav, out,
    h("div", { class: "row" }, shareButton(dir, customers, (summary) => act(async () => {}, summary))),
    groups.map((g) => {
      const projects = dir.projects.filter((p) => (p.portfolio_id || null) === g.id);
      if (!projects.length && g.id === null) return null;
      return h("section", { class: "card", "aria-label": g.name }, h("h2", { text: g.name }),
        projects.length ? h("ul", { class: "plain" }, projects.map((p) => projectRow(p, dir, act))) : h("p", { class: "muted", text: "No projects." }));
    }),
    createForms(dir, act));
}

/** A list of principals or user ids with Remove buttons, and a picker + Add button for one more. */
function peopleSection({ title, values, choices, name, onChange, pickerLabel }) {
  const left = choices.filter(([v]) => !values.includes(v));
  const picker = select(left, "", { empty: "Choose…" });
  return h("section", { class: "card", "aria-label": title }, h("h2", { text: title }),
    values.length ? h("ul", { class: "plain" }, values.map((v) => h("li", { class: "row" }, h("span", { text: name(v) || v }),
      h("button", { type: "button", class: "secondary", text: "Remove", "aria-label": `Remove ${name(v) || v} from ${title.toLowerCase()}`,
        onclick: () => onChange(values.filter((x) => x !== v), `${name(v) || v} removed.`) }))))
      : h("p", { class: "muted", text: "Nobody yet." }),
    left.length ? h("form", { class: "row", onsubmit: (e) => {
      e.preventDefault();
      if (picker.value) onChange([...values, picker.value], `${name(picker.value)} added.`);
    } }, field(pickerLabel, picker), h("button", { type: "submit", text: pickerLabel })) : null);
}

async function projectPage(nav, id, flash) {
  let res;
  let dir;
  let customers = [];
  try {
    [res, dir, customers] = await Promise.all([
      api("GET", `/v1/projects/${encodeURIComponent(id)}`),
      adminDirectory(["users", "teams", "portfolios"]),
      get("/v1/customers", { limit: CUSTOMER_PAGE }).then((p) => p.items || []),
    ]);
  } catch (err) {
    return page("Project", nav, notice("error", err.message));
  }
  const project = res.data;
  const out = h("div", { "aria-live": "polite" }, flash ? notice("ok", flash) : null);
  const patch = async (body, done) => {
    try {
      await api("PATCH", `/v1/projects/${encodeURIComponent(project.id)}`, { body, ifMatch: res.etag });
      await loadDirectory();
      await projectPage(nav, id, done);
    } catch (err) {
      out.replaceChildren(notice("error", err.status === 412 ? "The project changed meanwhile: reload the page." : err.message));
    }
  };
  const name = h("input", { type: "text", value: project.name, maxlength: 200 });
  const desc = h("textarea", { rows: 3, text: project.description || "" });
  const portfolio = select(choicesFor(dir, "portfolio"), project.portfolio_id || "", { empty: "No portfolio" });
  const people = new Map([...dir.users, ...customers].map((u) => [u.id, u.name || u.email]));
  const followerChoices = [...choicesFor(dir, "user"), ...customers.map((c) => [c.id, `${c.name || c.email} (customer)`])];
  return page(`Project: ${project.name}`, nav,
    h("p", {}, h("a", { href: "#/admin/projects", text: "← All portfolios and projects" }), " · ",
      h("a", { href: `#/list?project_id=${encodeURIComponent(project.id)}`, text: "Its items" }), " · ",
      h("a", { href: `#/projects/${encodeURIComponent(project.id)}`, text: "Join requests" })),
    out,
    h("div", { class: "grid2" },
      h("div", {},
        peopleSection({ title: "Members", values: project.members || [], choices: choicesFor(dir, "principal"), name: dir.names.principal,
          pickerLabel: "Add member", onChange: (members, done) => patch({ members }, done) }),
        peopleSection({ title: "Managers", values: project.managers || [], choices: choicesFor(dir, "user"), name: (v) => people.get(v),
          pickerLabel: "Add manager", onChange: (managers, done) => patch({ managers }, done) }),
        peopleSection({ title: "Followers", values: project.followers || [], choices: followerChoices, name: (v) => people.get(v),
          pickerLabel: "Add follower", onChange: (followers, done) => patch({ followers }, done) })),
      h("form", { class: "card", novalidate: true, "aria-label": "Project details", onsubmit: (e) => {
        e.preventDefault();
        patch({ name: name.value.trim(), description: desc.value.trim(), portfolio_id: portfolio.value || null }, "Saved.");
      } }, h("h2", { text: "Details" }), field("Name", name), field("Portfolio", portfolio), field("Description", desc),
      h("button", { type: "submit", text: "Save project" }))));
}

export function projectsView(nav, id) {
  return id ? projectPage(nav, id) : projectsTree(nav);
}
