// Projects in the workspace (issue 15): folder trees and pickers, the "Ask to join" control, the bulk share body
// and what the share dialog says.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  folderTree, flatten, folderChoices, folderPath, canHoldSubfolder, latestRequest, askLabel, shareBody, shareSummary,
  shareErrors, isMember, decides, MAX_FOLDER_DEPTH,
} from "../../static_portal/app/projects_model.js";

const F = (id, name, parent_id = null) => ({ id, name, parent_id });

test("a folder list becomes a tree in list order, orphans at the top, sub-folders under their parent", () => {
  // Given folders listed oldest first, one whose parent is gone
  const folders = [F("a", "Design"), F("b", "Drafts", "a"), F("c", "Final", "a"), F("d", "Old", "gone"), F("e", "Sketches", "b")];
  // When they become a tree and are walked depth first
  const walked = flatten(folderTree(folders)).map(({ folder, depth }) => `${depth}:${folder.name}`);
  // Then parents come before their children, with their depth, and the orphan is a top-level folder
  assert.deepEqual(walked, ["1:Design", "2:Drafts", "3:Sketches", "2:Final", "1:Old"]);
});

test("a cycle in stored folders neither loops nor loses a folder", () => {
  const walked = flatten(folderTree([F("a", "A", "b"), F("b", "B", "a")])).map(({ folder }) => folder.id);
  assert.deepEqual(walked.sort(), ["a", "b"]);
});

test("the folder picker indents sub-folders and the path names every level", () => {
  const folders = [F("a", "Design"), F("b", "Drafts", "a")];
  assert.deepEqual(folderChoices(folders), [["a", "Design"], ["b", "\u00a0\u00a0└ Drafts"]]);
  assert.equal(folderPath(folders, "b"), "Design / Drafts");
  assert.equal(folderPath(folders, "nope"), "");
});

test("a new sub-folder may go under a folder above the depth limit only", () => {
  const chain = Array.from({ length: MAX_FOLDER_DEPTH }, (_, i) => F(`f${i + 1}`, `L${i + 1}`, i ? `f${i}` : null));
  assert.equal(canHoldSubfolder(chain, null), true);
  assert.equal(canHoldSubfolder(chain, `f${MAX_FOLDER_DEPTH - 1}`), true);
  assert.equal(canHoldSubfolder(chain, `f${MAX_FOLDER_DEPTH}`), false);
  assert.equal(canHoldSubfolder(chain, "unknown"), false);
});

test("the ask control follows the caller's latest request", () => {
  const requests = [
    { id: "1", user_id: "me", state: "declined" },
    { id: "2", user_id: "other", state: "pending" },
    { id: "3", user_id: "me", state: "pending" },
  ];
  assert.equal(latestRequest(requests, "me").id, "3");
  assert.equal(latestRequest(requests, "nobody"), null);
  assert.deepEqual(askLabel(null), { text: "Ask to join", disabled: false });
  assert.deepEqual(askLabel({ state: "pending" }), { text: "Request sent", disabled: true });
  assert.deepEqual(askLabel({ state: "approved" }), { text: "Joined", disabled: true });
  assert.deepEqual(askLabel({ state: "declined" }), { text: "Ask again", disabled: false });
});

test("the share body drops blanks and repeats, and the summary counts what the API added", () => {
  assert.deepEqual(shareBody(["p1", "p2", "p1", ""], ["user:u1", " user:u1 "], []),
    { project_ids: ["p1", "p2"], members: ["user:u1"], followers: [] });
  assert.equal(shareSummary({ projects: [{}, {}, {}], added: 6 }), "Shared 3 projects: 6 memberships added.");
  assert.equal(shareSummary({ projects: [{}], added: 0 }), "Everyone chosen already had access to the 1 project.");
});

test("a refused share names each bad entry by its position, counted from one", () => {
  const details = { errors: [{ field: "project_ids[2]", message: "unknown project" }, { field: "members[0]", message: "unknown user" }] };
  assert.deepEqual(shareErrors(details), ["Project 3: unknown project", "Member 1: unknown user"]);
  assert.deepEqual(shareErrors(undefined), []);
});

test("membership counts the person and their teams; admins and managers decide", () => {
  const project = { members: ["team:support", "user:olaf"], managers: ["max"] };
  assert.equal(isMember(project, { id: "mia", team_ids: ["support"] }), true);
  assert.equal(isMember(project, { id: "olaf", team_ids: [] }), true);
  assert.equal(isMember(project, { id: "jo", team_ids: ["sales"] }), false);
  assert.deepEqual(["max", "mia"].map((id) => decides(project, { id, role: "agent" })), [true, false]);
  assert.equal(decides(project, { id: "ada", role: "admin" }), true);
});
