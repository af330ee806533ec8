// A project's sub-folders in the item list (issue 15): the tree (a folder's link filters the list to its items),
// new folders (nested at most 5 levels), renaming and deleting (the API refuses a folder that still holds folders
// or items). Also the folder picker of the item page. The list shows the panel when it is filtered by a project.
import { api, getAll } from "../js/api.js";
import { h, field, notice } from "../js/dom.js";
import { cached, forget } from "./lookups.js";
import { deleteButton } from "./admin_common.js";
import { listParams } from "./list_query.js";
import { canHoldSubfolder, folderChoices, folderTree } from "./projects_model.js";

const base = (projectId) => `/v1/projects/${encodeURIComponent(projectId)}/folders`;

/** A project's folders, cached for the session until one of them changes here. */
export const projectFolders = (projectId) => cached(`folders:${projectId}`, () => getAll(base(projectId), {}, 1000));

/** The "Folders" panel of the list of `projectId`; `params` is the list's address (the open folder among them). */
export function foldersPanel(projectId, params) {
  const section = h("section", { class: "card folders", "aria-label": "Folders" }, h("h2", { text: "Folders" }));
  const out = h("div", { "aria-live": "polite" });
  const open = params.get("folder_id") || "";
  const link = (folderId, text) => h("a", {
    href: `#/list?${new URLSearchParams(listParams(params, { folder_id: folderId }))}`, text,
    "aria-current": (folderId || "") === open ? "page" : null,
  });

  const act = async (fn, done) => {
    try {
      await fn();
      forget(`folders:${projectId}`);
      await draw(done);
    } catch (err) {
      out.replaceChildren(notice("error", err.message));
    }
  };

  const node = (n) => {
    const f = n.folder;
    const row = h("div", { class: "row folder-row" });
    const shown = () => row.replaceChildren(link(f.id, f.name),
      h("button", { type: "button", class: "link", text: "Rename", "aria-label": `Rename ${f.name}`, onclick: renaming }),
      deleteButton(`folder ${f.name}`, () => act(() => api("DELETE", `${base(projectId)}/${encodeURIComponent(f.id)}`,
        { ifMatch: `"${f.version}"` }), `Folder ${f.name} deleted.`)));
    const renaming = () => {
      const name = h("input", { type: "text", value: f.name, maxlength: 200, "aria-label": `New name of ${f.name}` });
      row.replaceChildren(h("form", { class: "row", onsubmit: (e) => {
        e.preventDefault();
        if (name.value.trim()) act(() => api("PATCH", `${base(projectId)}/${encodeURIComponent(f.id)}`,
          { body: { name: name.value.trim() }, ifMatch: `"${f.version}"` }), `Folder renamed to ${name.value.trim()}.`);
      } }, name, h("button", { type: "submit", text: "Save" }), h("button", { type: "button", class: "secondary", text: "Cancel", onclick: shown })));
      name.focus();
    };
    shown();
    return h("li", { dataset: { id: f.id } }, row, n.children.length ? h("ul", {}, n.children.map(node)) : null);
  };

  const newForm = (folders) => {
    const name = h("input", { type: "text", maxlength: 200 });
    const parents = folderChoices(folders).filter(([id]) => canHoldSubfolder(folders, id));
    const parent = h("select", {}, h("option", { value: "", text: "Top level" }), parents.map(([v, label]) => h("option", { value: v, text: label })));
    const wrap = field("Folder name", name);
    return h("form", { class: "new-folder", novalidate: true, "aria-label": "New folder", onsubmit: (e) => {
      e.preventDefault();
      wrap.setError(name.value.trim() ? "" : "A name is required.");
      if (!name.value.trim()) return name.focus();
      return act(() => api("POST", base(projectId), { body: { name: name.value.trim(), ...(parent.value ? { parent_id: parent.value } : {}) } }),
        `Folder ${name.value.trim()} created.`);
    } }, wrap, field("Inside", parent), h("button", { type: "submit", text: "Create folder" }));
  };

  const draw = async (done) => {
    let folders = [];
    try {
      folders = await projectFolders(projectId);
    } catch (err) {
      out.replaceChildren(notice("error", err.message));
    }
    if (done) out.replaceChildren(notice("ok", done));
    section.replaceChildren(h("h2", { text: "Folders" }), out,
      h("nav", { "aria-label": "Folders of this project" },
        h("ul", { class: "folder-tree" }, h("li", {}, link("", "All items of the project")), folderTree(folders).map(node))),
      newForm(folders));
  };
  draw();
  return section;
}

/** The folder picker of an item: a <select> of `projectId`'s folders (filled once they are read). */
export function folderSelect(projectId, value) {
  const el = h("select", { name: "folder_id" });
  const none = () => h("option", { value: "", text: "No folder" });
  const fill = (id, selected) => {
    // Until the folders are read the current one stays chosen, so saving other fields meanwhile keeps it.
    el.replaceChildren(none(), selected ? h("option", { value: selected, text: "…", selected: true }) : null);
    if (!id) return;
    projectFolders(id).then((folders) => {
      const chosen = el.value;
      el.replaceChildren(none(), ...folderChoices(folders).map(([v, label]) => h("option", { value: v, text: label, selected: v === chosen })));
      if (chosen && !folders.some((f) => f.id === chosen)) el.append(h("option", { value: chosen, text: "(a folder that is gone)", selected: true }));
    }, () => {});
  };
  fill(projectId, value);
  el.forProject = (id) => fill(id, "");
  return el;
}
