// Admin: teams — create, rename, add and remove members. A team in a project's members gives all of its
// members access; a member taken off a team is signed out (their sessions carried the old teams).
import { api } from "../js/api.js";
import { h, field, notice } from "../js/dom.js";
import { page, loadDirectory } from "./state.js";
import { adminDirectory, choicesFor, select } from "./admin_common.js";

function teamCard(team, dir, act) {
  const ifMatch = `"${team.version}"`;
  const patch = (body, done) => act(() => api("PATCH", `/v1/teams/${encodeURIComponent(team.id)}`, { body, ifMatch }), done);
  const name = h("input", { type: "text", value: team.name, maxlength: 200 });
  const members = team.member_ids || [];
  const candidates = choicesFor(dir, "user").filter(([id]) => !members.includes(id));
  const picker = select(candidates, "", { empty: "Choose a user…" });
  return h("section", { class: "card", "aria-label": `Team ${team.name}` },
    h("h2", { text: team.name }),
    h("form", { class: "row", "aria-label": `Rename ${team.name}`, onsubmit: (e) => {
      e.preventDefault();
      if (name.value.trim()) patch({ name: name.value.trim() }, `Team renamed to ${name.value.trim()}.`);
    } }, field("Team name", name), h("button", { type: "submit", class: "secondary", text: "Rename" })),
    h("h3", { text: "Members" }),
    members.length ? h("ul", { class: "plain" }, members.map((id) => {
      const who = dir.names.user(id) || id;
      return h("li", { class: "row" }, h("span", { text: who }),
        h("button", { type: "button", class: "secondary", text: "Remove", "aria-label": `Remove ${who} from ${team.name}`,
          onclick: () => patch({ member_ids: members.filter((m) => m !== id) }, `${who} left ${team.name}.`) }));
    })) : h("p", { class: "muted", text: "No members yet." }),
    candidates.length ? h("form", { class: "row", "aria-label": `Add a member to ${team.name}`, onsubmit: (e) => {
      e.preventDefault();
      if (picker.value) patch({ member_ids: [...members, picker.value] }, `${dir.names.user(picker.value)} joined ${team.name}.`);
    } }, field("Add member", picker), h("button", { type: "submit", text: "Add" })) : null);
}

function newTeamForm(dir, act) {
  const name = h("input", { type: "text", maxlength: 200 });
  const members = select(choicesFor(dir, "user"), [], { multi: true });
  const nameField = field("Name", name, { required: true });
  return h("form", { class: "card", novalidate: true, "aria-label": "New team", onsubmit: (e) => {
    e.preventDefault();
    nameField.setError(name.value.trim() ? "" : "A name is required.");
    if (!name.value.trim()) return name.focus();
    return act(() => api("POST", "/v1/teams", { body: { name: name.value.trim(), member_ids: members.read() } }), `Team ${name.value.trim()} created.`);
  } }, h("h2", { text: "New team" }), h("div", { class: "field-grid" }, nameField, field("Members", members)),
  h("button", { type: "submit", text: "Create team" }));
}

export async function teamsView(nav, flash) {
  let dir;
  try {
    dir = await adminDirectory(["users", "teams"]);
  } catch (err) {
    return page("Teams", nav, notice("error", err.message));
  }
  const out = h("div", { "aria-live": "polite" }, flash ? notice("ok", flash) : null);
  const act = async (fn, done) => {
    try {
      await fn();
      await loadDirectory();
      await teamsView(nav, done);
    } catch (err) {
      out.replaceChildren(notice("error", err.status === 412 ? "The team changed meanwhile: try again." : err.message));
    }
  };
  return page("Teams", nav, out,
    dir.teams.length ? dir.teams.map((t) => teamCard(t, dir, act)) : h("p", { class: "muted", text: "No teams yet." }),
    newTeamForm(dir, act));
}
