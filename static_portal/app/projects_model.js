// Pure helpers of the project screens (issue 15): folder trees, the folder picker, join request states and the
// bulk share request. No DOM here; checked by node's test runner (tests/js/projects_model.test.js).
import { holds } from "./roles_model.js";

export const MAX_FOLDER_DEPTH = 5;

/**
 * folderTree(folders) → [{folder, depth, children}] roots in list order (the API lists oldest first), each with its
 * sub-folders. A folder whose parent is missing (deleted meanwhile, or on a later page) shows at the top level;
 * a cycle in stored data cannot loop.
 */
export function folderTree(folders) {
  const byId = new Map((folders || []).map((f) => [f.id, { folder: f, depth: 1, children: [] }]));
  const roots = [];
  for (const node of byId.values()) {
    const parent = node.folder.parent_id ? byId.get(node.folder.parent_id) : null;
    if (parent && parent !== node && !isUnder(byId, parent.folder.id, node.folder.id)) parent.children.push(node);
    else roots.push(node);
  }
  const setDepth = (nodes, depth) => nodes.forEach((n) => {
    n.depth = depth;
    setDepth(n.children, depth + 1);
  });
  setDepth(roots, 1);
  return roots;
}

/** Whether `id` is `ancestor` or below it, following parents (bounded: stored data may hold a cycle). */
function isUnder(byId, id, ancestor) {
  let current = id;
  for (let i = 0; current && i <= byId.size; i += 1) {
    if (current === ancestor) return true;
    current = byId.get(current)?.folder.parent_id || null;
  }
  return false;
}

/** The tree depth first: [{folder, depth}] in the order a tree or a picker shows them. */
export function flatten(tree) {
  const out = [];
  const walk = (nodes) => nodes.forEach((n) => {
    out.push({ folder: n.folder, depth: n.depth });
    walk(n.children);
  });
  walk(tree);
  return out;
}

/** [[id, label]] for a <select>: sub-folders indented with non-breaking spaces and a marker under their parent. */
export function folderChoices(folders) {
  return flatten(folderTree(folders)).map(({ folder, depth }) => [folder.id, `${"\u00a0\u00a0".repeat(depth - 1)}${depth > 1 ? "└ " : ""}${folder.name}`]);
}

/** "Design / Drafts": the names from the top down to `id` ("" when unknown). */
export function folderPath(folders, id) {
  const byId = new Map((folders || []).map((f) => [f.id, f]));
  const names = [];
  let current = byId.get(id);
  while (current && names.length <= byId.size) {
    names.unshift(current.name);
    current = current.parent_id ? byId.get(current.parent_id) : null;
  }
  return names.join(" / ");
}

/** Whether a new folder may go under `parentId` (none: the top level) without passing the depth limit. */
export function canHoldSubfolder(folders, parentId) {
  if (!parentId) return true;
  const found = flatten(folderTree(folders)).find((x) => x.folder.id === parentId);
  return !!found && found.depth < MAX_FOLDER_DEPTH;
}

/** The caller's latest request among a project's requests (the API lists oldest first), or null. */
export function latestRequest(requests, userId) {
  const mine = (requests || []).filter((r) => r.user_id === userId);
  return mine.length ? mine[mine.length - 1] : null;
}

/** What the "Ask to join" control shows for a request state (null: no request yet, or a declined one to ask again). */
export function askLabel(request) {
  if (!request) return { text: "Ask to join", disabled: false };
  if (request.state === "pending") return { text: "Request sent", disabled: true };
  if (request.state === "approved") return { text: "Joined", disabled: true };
  return { text: "Ask again", disabled: false };
}

/** The body of `POST /v1/projects/share` from the dialog's choices, each list without repeats or blanks. */
export function shareBody(projectIds, members, followers) {
  const clean = (xs) => [...new Set((xs || []).map((x) => String(x).trim()).filter(Boolean))];
  return { project_ids: clean(projectIds), members: clean(members), followers: clean(followers) };
}

/** What the dialog says once the API answered. */
export function shareSummary(result) {
  const n = (result?.projects || []).length;
  const projects = `${n} project${n === 1 ? "" : "s"}`;
  const added = result?.added || 0;
  if (!added) return `Everyone chosen already had access to the ${projects}.`;
  return `Shared ${projects}: ${added} membership${added === 1 ? "" : "s"} added.`;
}

/** Field errors of a 422 share answer as "Project 2: unknown project" lines, by the index they name. */
export function shareErrors(details, labels = {}) {
  const names = { project_ids: "Project", members: "Member", followers: "Follower", ...labels };
  return (details?.errors || []).map((e) => {
    const m = /^(\w+)\[(\d+)\]$/.exec(e.field || "");
    return m ? `${names[m[1]] || m[1]} ${Number(m[2]) + 1}: ${e.message}` : `${e.field}: ${e.message}`;
  });
}

/** Whether `me` ({id, team_ids}) is a member of `project`, in their own name or through a team. */
export function isMember(project, me) {
  const refs = new Set([`user:${me?.id}`, ...(me?.team_ids || []).map((t) => `team:${t}`)]);
  return (project?.members || []).some((m) => refs.has(m));
}

/** Whether `me` decides on the project's join requests: holders of projects.manage (admins) and its managers. */
export function decides(project, me) {
  return holds(me, "projects.manage") || (project?.managers || []).includes(me?.id);
}
