// Projects (issue 15): #/projects lists the caller's projects and those they may ask to join ("Ask to join");
// #/projects/ID is one project: its items and folders, asking to join it, and — for admins and its managers — its
// join requests with Approve and Decline. Mail and notifications about a join request link here.
import { api, get, getAll } from "../js/api.js";
import { h, field, notice, formatDate } from "../js/dom.js";
import { defineView } from "../js/view.js";
import { page } from "./state.js";
import * as look from "./lookups.js";
import { askLabel, decides, latestRequest } from "./projects_model.js";

const REQUESTS = 200; // a project's requests read per list (the API lists oldest first)

const projectPath = (id) => `/v1/projects/${encodeURIComponent(id)}`;

/** The "Ask to join" control of one project: a button, with an optional message on the project's own page. */
function askControl(project, request, { withMessage = false } = {}) {
  const out = h("div", { "aria-live": "polite" });
  const label = askLabel(request);
  const message = withMessage ? h("textarea", { rows: 2, maxlength: 4000 }) : null;
  const button = h("button", { type: "submit", text: label.text, disabled: label.disabled || null,
    "aria-label": `${label.text}: ${project.name}` });
  return h("form", { class: withMessage ? "card" : "row", "aria-label": `Ask to join ${project.name}`, onsubmit: async (e) => {
    e.preventDefault();
    button.disabled = true;
    try {
      const body = message && message.value.trim() ? { message: message.value.trim() } : {};
      const { data } = await api("POST", `${projectPath(project.id)}/join-requests`, { body });
      button.textContent = askLabel(data).text;
      button.setAttribute("aria-label", `${button.textContent}: ${project.name}`);
      out.replaceChildren(notice("ok", "Request sent: the project's managers decide."));
    } catch (err) {
      button.disabled = false;
      out.replaceChildren(notice("error", err.message));
    }
  } },
  withMessage ? h("h2", { text: "Ask to join" }) : null,
  withMessage ? h("p", { class: "muted", text: "You are not a member of this project. Its managers (or the admins) decide." }) : null,
  message ? field("Message (optional)", message) : null, button, out);
}

/** One pending or decided request, with Approve and Decline (and a note) while it is pending. */
function requestRow(project, request, onDone) {
  const who = look.people.name(request.user_id, "Someone");
  const note = h("input", { type: "text", maxlength: 4000, "aria-label": `Note to ${who}`, placeholder: `Note to ${who} (optional)` });
  const out = h("span", { "aria-live": "polite" });
  const decide = (verb) => async () => {
    try {
      await api("POST", `${projectPath(project.id)}/join-requests/${encodeURIComponent(request.id)}/${verb}`,
        { body: note.value.trim() ? { note: note.value.trim() } : {} });
      onDone(`${who}'s request ${verb === "approve" ? "approved" : "declined"}.`);
    } catch (err) {
      out.replaceChildren(notice("error", err.status === 409 ? `Decided meanwhile: ${err.message}` : err.message));
    }
  };
  const pending = request.state === "pending";
  return h("li", { class: "row join-request", dataset: { id: request.id } },
    h("strong", { text: who }),
    h("span", { class: "muted", text: ` asked ${formatDate(request.created_at)}` }),
    request.message ? h("q", { text: request.message }) : null,
    pending ? [note,
      h("button", { type: "button", text: "Approve", "aria-label": `Approve ${who}`, onclick: decide("approve") }),
      h("button", { type: "button", class: "secondary", text: "Decline", "aria-label": `Decline ${who}`, onclick: decide("decline") })]
      : h("span", { class: `badge ${request.state}`, text: request.state }),
    out);
}

function requestsSection(project, requests, onDone) {
  const pending = requests.filter((r) => r.state === "pending");
  const decided = requests.filter((r) => r.state !== "pending").slice(-10).reverse();
  return h("section", { class: "card", "aria-label": "Join requests" }, h("h2", { text: "Join requests" }),
    pending.length ? h("ul", { class: "plain" }, pending.map((r) => requestRow(project, r, onDone)))
      : h("p", { class: "muted", text: "No pending requests." }),
    decided.length ? h("details", {}, h("summary", { text: "Recently decided" }),
      h("ul", { class: "plain" }, decided.map((r) => requestRow(project, r, onDone)))) : null);
}

/** A project's requests the caller may read: every pending one (first pages of both lists), then the others. */
async function joinRequests(id) {
  const read = (query) => get(`${projectPath(id)}/join-requests`, { limit: REQUESTS, ...query }).then((p) => p.items || [], () => []);
  const [pending, all] = await Promise.all([read({ state: "pending" }), read({})]);
  return [...all, ...pending.filter((r) => !all.some((x) => x.id === r.id))];
}

/** A live refresh redraws the screen, unless the person is typing in one of its forms or notes. */
const typing = () => !!document.activeElement?.closest?.("form, li.join-request");

/** Draw one project's page from what projectView loaded. */
function drawProject(id, data, flash, onDone) {
  const me = look.session.me;
  if (!data.named) return page("Project not found", h("p", {}, h("a", { href: "#/projects", text: "All projects" })));
  const { project, named, requests } = data;
  return page(`Project: ${named.name}`,
    h("p", {}, h("a", { href: "#/projects", text: "← All projects" }),
      project ? [" · ", h("a", { href: `#/list?project_id=${encodeURIComponent(id)}`, text: "Its items and folders" })] : null),
    h("div", { "aria-live": "polite" }, flash ? notice("ok", flash) : null),
    named.description ? h("p", { text: named.description }) : null,
    // Deciders need not ask (a manager who is no member shares the project with himself instead).
    data.canAsk && !(project && decides(project, me)) ? askControl(named, latestRequest(requests, me.id), { withMessage: true }) : null,
    project && decides(project, me) ? requestsSection(project, requests, onDone) : null);
}

/** #/projects/ID: a project the caller sees, or one they may only ask to join. */
export function projectView(id) {
  let flash = "";
  const draw = (data) => {
    drawProject(id, data, flash, (done) => {
      flash = done;
      view.refresh();
    });
    flash = "";
  };
  const view = defineView({
    load: async () => {
      let project = null;
      try {
        project = await get(projectPath(id));
      } catch (err) {
        if (err.status !== 404) throw err;
      }
      const joinable = await getAll("/v1/projects/joinable", {}, 2000);
      const named = project || joinable.find((p) => p.id === id) || null;
      const requests = named ? await joinRequests(id) : [];
      await look.people.resolve(requests.map((r) => r.user_id));
      return { project, named, requests, canAsk: joinable.some((p) => p.id === id) };
    },
    render: draw,
    update: (data) => (typing() && !flash ? null : draw(data)),
  });
  return view;
}

/** #/projects: the caller's projects, and the others they may ask to join. */
export function projectsView() {
  return defineView({
    load: async () => {
      const [mine, joinable] = await Promise.all([getAll("/v1/projects", {}, 2000), getAll("/v1/projects/joinable", {}, 2000)]);
      return { mine: mine.filter((p) => !joinable.some((j) => j.id === p.id)), joinable };
    },
    render: ({ mine, joinable }) => {
      const me = look.session.me;
      const row = (p) => h("li", { class: "row" },
        h("a", { href: `#/projects/${encodeURIComponent(p.id)}`, text: p.name }),
        h("a", { href: `#/list?project_id=${encodeURIComponent(p.id)}`, class: "muted", text: "Items", "aria-label": `Items of ${p.name}` }),
        decides(p, me) ? h("span", { class: "muted", text: "You decide its join requests" }) : null);
      page("Projects",
        h("section", { class: "card", "aria-label": "Your projects" }, h("h2", { text: "Your projects" }),
          mine.length ? h("ul", { class: "plain" }, mine.map(row)) : h("p", { class: "muted", text: "You are in no project yet." })),
        h("section", { class: "card", "aria-label": "Projects you can join" }, h("h2", { text: "Projects you can join" }),
          joinable.length ? h("ul", { class: "plain" }, joinable.map((p) => h("li", { class: "row" },
            h("a", { href: `#/projects/${encodeURIComponent(p.id)}`, text: p.name }),
            p.description ? h("span", { class: "muted", text: p.description }) : null,
            askControl(p, null))))
            : h("p", { class: "muted", text: "There is no other project to join." })));
    },
  });
}
