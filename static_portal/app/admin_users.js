// Admin: users (staff) — a list read a page at a time, and one page per user: profile and role (a built-in or
// a custom one, see admin_roles.js), active or not, teams, and the projects they may work in ("Give access to
// project…": pick, click, done).
import { api, get, getAll } from "../js/api.js";
import { h, field, notice, uid } from "../js/dom.js";
import { go } from "../js/router.js";
import { pager } from "../js/paging.js";
import { page, state, loadDirectory } from "./state.js";
import { adminDirectory, select } from "./admin_common.js";
import { roleChoices, roleName } from "./roles_model.js";

const PAGE = 50;
const HELP = "What the person may do. A changed role signs them out everywhere; manage roles under Roles.";

/** The roles a picker offers (built-ins and custom): read when a users screen opens. */
const readRoles = () => getAll("/v1/roles", {}, 200);

function userRow(u, roles) {
  return h("tr", {},
    h("td", { "data-label": "Name" }, h("a", { href: `#/admin/users/${encodeURIComponent(u.id)}`, text: u.name || u.email })),
    h("td", { "data-label": "Email", text: u.email }),
    h("td", { "data-label": "Role", text: roleName(roles, u.role_id || u.role) }),
    h("td", { "data-label": "Active", text: u.active ? "yes" : "no" }));
}

function newUserForm(roles) {
  const c = {
    name: h("input", { type: "text", maxlength: 200 }),
    email: h("input", { type: "email" }),
    role_id: select(roleChoices(roles), "agent", { name: "role_id" }),
    password: h("input", { type: "password", autocomplete: "new-password" }),
  };
  const wraps = {
    name: field("Name", c.name, { required: true }), email: field("Email", c.email, { required: true }),
    role_id: field("Role", c.role_id, { help: HELP }), password: field("Initial password", c.password, { help: "At least 10 characters" }),
  };
  const out = h("div", { "aria-live": "polite" });
  return h("form", { class: "card", novalidate: true, "aria-label": "New user", onsubmit: async (e) => {
    e.preventDefault();
    out.replaceChildren();
    Object.values(wraps).forEach((w) => w.setError(""));
    const body = { name: c.name.value.trim(), email: c.email.value.trim(), role_id: c.role_id.value };
    if (c.password.value) body.password = c.password.value;
    try {
      const { data } = await api("POST", "/v1/users", { body });
      await loadDirectory();
      go(`/admin/users/${data.id}`);
    } catch (err) {
      const errs = err.fieldErrors();
      for (const [k, w] of Object.entries(wraps)) if (errs[k]) w.setError(String(errs[k]));
      out.append(notice("error", err.message));
    }
  } }, h("h2", { text: "New user" }), h("div", { class: "field-grid" }, Object.values(wraps)), out, h("button", { type: "submit", text: "Create user" }));
}

async function usersList(nav) {
  const roles = await readRoles().catch(() => []);
  const body = h("tbody");
  const more = h("button", { type: "button", class: "secondary", text: "Load more users" });
  const out = h("div", { "aria-live": "polite" });
  page("Users", nav,
    h("section", { class: "card table-card", "aria-label": "Users" },
      h("table", { class: "items-table", "aria-label": "Users" },
        h("thead", {}, h("tr", {}, ["Name", "Email", "Role", "Active"].map((t) => h("th", { scope: "col", text: t })))), body),
      more, out),
    newUserForm(roles));
  const load = pager({
    fetchPage: (cursor) => get("/v1/users", { limit: PAGE, cursor }),
    render: (rows) => body.append(...rows.map((u) => userRow(u, roles))),
    button: more,
    onError: (err) => out.replaceChildren(notice("error", err.message)),
  });
  await load();
}

/** Access: the projects naming the user, those reached through a team, and the picker to give one more. */
function accessSection(user, dir, say, refresh) {
  const ref = `user:${user.id}`;
  const direct = dir.projects.filter((p) => (p.members || []).includes(ref));
  const teams = dir.teams.filter((t) => (t.member_ids || []).includes(user.id));
  const viaTeams = dir.projects.filter((p) => !direct.includes(p) && teams.some((t) => (p.members || []).includes(`team:${t.id}`)));
  const setMembers = async (project, members, done) => {
    try {
      await api("PATCH", `/v1/projects/${encodeURIComponent(project.id)}`, { body: { members }, ifMatch: `"${project.version}"` });
      await refresh(done);
    } catch (err) {
      say("error", err.status === 412 ? `${project.name} changed meanwhile: try again.` : err.message);
    }
  };
  const open = dir.projects.filter((p) => !direct.includes(p));
  const picker = select(open.map((p) => [p.id, `${p.name}${p.portfolio_id ? ` (${dir.names.portfolio(p.portfolio_id)})` : ""}`]), "", { empty: "Choose a project…" });
  const give = async (e) => {
    e.preventDefault();
    const project = open.find((p) => p.id === picker.value);
    if (!project) return say("error", "Choose a project first.");
    return setMembers(project, [...(project.members || []), ref], `${user.name || user.email} may now work in ${project.name}.`);
  };
  return h("section", { class: "card", "aria-label": "Project access" }, h("h2", { text: "Project access" }),
    direct.length ? h("ul", { class: "plain" }, direct.map((p) => h("li", { class: "row" },
      h("a", { href: `#/admin/projects/${encodeURIComponent(p.id)}`, text: p.name }),
      h("button", { type: "button", class: "secondary", text: "Remove access", "aria-label": `Remove access to ${p.name}`,
        onclick: () => setMembers(p, p.members.filter((m) => m !== ref), `Access to ${p.name} removed.`) }))))
      : h("p", { class: "muted", text: "No project names this user directly." }),
    viaTeams.length ? h("p", { class: "muted", text: `Through teams: ${viaTeams.map((p) => p.name).join(", ")}` }) : null,
    open.length ? h("form", { class: "row", "aria-label": "Give access", onsubmit: give },
      field("Give access to project", picker), h("button", { type: "submit", text: "Give access" })) : null);
}

function teamsSection(user, dir, say, refresh) {
  const boxes = dir.teams.map((t) => {
    const input = h("input", { type: "checkbox", id: uid("team"), checked: (t.member_ids || []).includes(user.id) });
    return { t, input, el: h("div", { class: "check" }, input, h("label", { for: input.id, text: t.name })) };
  });
  const save = async (e) => {
    e.preventDefault();
    const changed = boxes.filter(({ t, input }) => (t.member_ids || []).includes(user.id) !== input.checked);
    try {
      for (const { t, input } of changed) {
        const members = input.checked ? [...t.member_ids, user.id] : t.member_ids.filter((m) => m !== user.id);
        await api("PATCH", `/v1/teams/${encodeURIComponent(t.id)}`, { body: { member_ids: members }, ifMatch: `"${t.version}"` });
      }
      await refresh(changed.length ? "Teams saved." : "No change.");
    } catch (err) {
      say("error", err.message);
    }
  };
  return h("form", { class: "card", "aria-label": "Teams", onsubmit: save }, h("h2", { text: "Teams" }),
    boxes.length ? h("fieldset", { class: "choices" }, h("legend", { text: "Member of" }), boxes.map((b) => b.el))
      : h("p", {}, "No teams yet. ", h("a", { href: "#/admin/teams", text: "Create one" })),
    boxes.length ? h("button", { type: "submit", text: "Save teams" }) : null);
}

function profileForm(res, roles, say, refresh) {
  const user = res.data;
  const name = h("input", { type: "text", value: user.name, maxlength: 200 });
  const email = h("input", { type: "email", value: user.email });
  const role = select(roleChoices(roles), user.role_id || user.role, { name: "role_id" });
  const wraps = { name: field("Name", name), email: field("Email", email), role_id: field("Role", role, { help: HELP }) };
  return h("form", { class: "card", novalidate: true, "aria-label": "Profile", onsubmit: async (e) => {
    e.preventDefault();
    Object.values(wraps).forEach((w) => w.setError(""));
    try {
      const body = { name: name.value.trim(), email: email.value.trim() };
      if (role.value !== (user.role_id || user.role)) body.role_id = role.value;
      await api("PATCH", `/v1/users/${encodeURIComponent(user.id)}`, { body, ifMatch: res.etag });
      await refresh("Saved.");
    } catch (err) {
      const errs = err.fieldErrors();
      for (const [k, w] of Object.entries(wraps)) if (errs[k]) w.setError(String(errs[k]));
      say("error", err.status === 412 ? "Changed by someone else meanwhile: reload the page." : err.message);
    }
  } }, h("h2", { text: "Profile" }), h("div", { class: "field-grid" }, Object.values(wraps)), h("button", { type: "submit", text: "Save profile" }));
}

function activeSection(res, say, refresh) {
  const user = res.data;
  const self = state.me && state.me.id === user.id;
  const toggle = async () => {
    try {
      await api("PATCH", `/v1/users/${encodeURIComponent(user.id)}`, { body: { active: !user.active }, ifMatch: res.etag });
      await refresh(user.active ? `${user.name} is deactivated: signed out everywhere, and cannot sign in.` : `${user.name} may sign in again.`);
    } catch (err) {
      say("error", err.message);
    }
  };
  return h("section", { class: "card", "aria-label": "Sign-in" }, h("h2", { text: "Sign-in" }),
    h("p", { text: user.active ? "Active: may sign in." : "Deactivated: cannot sign in; their items and history stay." }),
    self ? h("p", { class: "muted", text: "You cannot deactivate yourself." })
      : h("button", { type: "button", class: user.active ? "danger" : "", text: user.active ? "Deactivate user" : "Reactivate user", onclick: toggle }));
}

async function userPage(nav, id, flash) {
  let res;
  let dir;
  let roles;
  try {
    [res, dir, roles] = await Promise.all([api("GET", `/v1/users/${encodeURIComponent(id)}`), adminDirectory(["teams", "projects", "portfolios"]), readRoles()]);
  } catch (err) {
    return page("User", nav, notice("error", err.message));
  }
  const user = res.data;
  const messages = h("div", { "aria-live": "polite" }, flash ? notice("ok", flash) : null);
  const say = (kind, text) => messages.replaceChildren(notice(kind, text));
  const refresh = async (text) => {
    await loadDirectory();
    await userPage(nav, id, text);
  };
  return page(`User: ${user.name || user.email}`, nav,
    h("p", {}, h("a", { href: "#/admin/users", text: "← All users" })),
    messages,
    h("div", { class: "grid2" },
      h("div", {}, profileForm(res, roles, say, refresh), activeSection(res, say, refresh)),
      h("div", {}, accessSection(user, dir, say, refresh), teamsSection(user, dir, say, refresh))));
}

export function usersView(nav, id) {
  return id ? userPage(nav, id) : usersList(nav);
}
