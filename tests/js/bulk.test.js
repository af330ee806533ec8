// Bulk changes: the request body from the form, and the summary of the answer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { bulkBody, bulkSummary, tagList, UNASSIGN } from "../../static_portal/app/bulk.js";

test("only the chosen changes are sent", () => {
  const refs = new Set(["T-1", "T-2", "T-3"]);
  assert.deepEqual(bulkBody(refs, { status: "resolved", add_tags: "vip, urgent vip" }), {
    refs: ["T-1", "T-2", "T-3"], set: { status: "resolved" }, add_tags: ["vip", "urgent"],
  });
  assert.deepEqual(bulkBody(refs, { assignee: UNASSIGN, macro_id: "m1" }).set, { assignees: [] });
  assert.equal(bulkBody(refs, { status: "", remove_tags: " , " }), null);
});

test("the summary counts what changed and what did not", () => {
  assert.equal(bulkSummary([{ ok: true }, { ok: true }, { ok: true }]), "3 items changed.");
  assert.equal(bulkSummary([{ ok: true }, { ok: false }]), "1 item changed; 1 was not:");
  assert.deepEqual(tagList("a,b  a"), ["a", "b"]);
});
