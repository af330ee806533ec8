// "Share projects" (issue 15): one dialog of the projects admin to give many projects many members (users, teams)
// and followers (people, customers too) in one step — `POST /v1/projects/share`, which adds all to all.
import { api } from "../js/api.js";
import { h, field, notice } from "../js/dom.js";
import { choicesFor, select } from "./admin_common.js";
import { shareBody, shareErrors, shareSummary } from "./projects_model.js";

/**
 * shareButton(dir, customers, onShared) → [button, dialog]: the button opens the dialog; `onShared(summary)` runs
 * after a successful share (the screen reloads its projects).
 */
export function shareButton(dir, customers, onShared) {
  const projects = select(choicesFor(dir, "project"), [], { multi: true, name: "project_ids" });
  const members = select(choicesFor(dir, "principal"), [], { multi: true, name: "members" });
  const followerChoices = [...choicesFor(dir, "user"), ...customers.map((c) => [c.id, `${c.name || c.email} (customer)`])];
  const followers = select(followerChoices, [], { multi: true, name: "followers" });
  const out = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", text: "Share" });
  const close = h("button", { type: "button", class: "secondary", text: "Close" });
  const dialog = h("dialog", { class: "share-dialog", "aria-labelledby": "share-title" },
    h("form", { novalidate: true, "aria-label": "Share projects", onsubmit: async (e) => {
      e.preventDefault();
      const body = shareBody(projects.read(), members.read(), followers.read());
      out.replaceChildren();
      if (!body.project_ids.length) return out.append(notice("error", "Choose at least one project."));
      if (!body.members.length && !body.followers.length) return out.append(notice("error", "Choose members or followers to add."));
      submit.disabled = true;
      try {
        const { data } = await api("POST", "/v1/projects/share", { body });
        const summary = shareSummary(data);
        out.append(notice("ok", summary));
        onShared(summary);
      } catch (err) {
        const lines = shareErrors(err.details);
        out.append(notice("error", err.message), lines.length ? h("ul", {}, lines.map((l) => h("li", { text: l }))) : null);
      } finally {
        submit.disabled = false;
      }
    } },
    h("h2", { id: "share-title", text: "Share projects" }),
    h("p", { class: "muted", text: "Everyone chosen is added to every project chosen; nobody is removed." }),
    field("Projects", projects, { help: "Ctrl/⌘-click to choose several" }),
    field("Members (users and teams)", members, { help: "Who may work on the projects' items" }),
    field("Followers", followers, { help: "Who follows the projects (customers too)" }),
    out,
    h("div", { class: "row" }, submit, close)));
  close.addEventListener("click", () => dialog.close());
  const open = h("button", { type: "button", class: "secondary", text: "Share projects", "aria-haspopup": "dialog", onclick: () => {
    out.replaceChildren();
    dialog.showModal();
    projects.focus();
  } });
  return [open, dialog];
}
