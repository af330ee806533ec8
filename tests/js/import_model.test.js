// The import screen's batches, totals, progress and mapping checks (static_portal/app/import_model.js).
import { test } from "node:test";
import assert from "node:assert/strict";

import { parseCsv } from "../../static_portal/js/csv.js";
import {
  addReport, dataOf, emptyTotals, errorRowCount, headerWarnings, errorsCsv, mappingBody, mappingProblems, progressOf, splitBatches, summaryOf,
} from "../../static_portal/app/import_model.js";

const rowsOf = (n) => Array.from({ length: n }, (_, i) => [`Title ${i + 1}`, `r${i + 1}@example.com`]);

test("1,200 rows go in batches of 500, 500 and 200, each with the header and its first row's number", () => {
  // Given a parsed file of 1,200 data rows
  const header = ["Subject", "E-mail"];
  const batches = splitBatches(header, rowsOf(1200));
  // Then three batches numbered from the file's first data row
  assert.deepEqual(batches.map((b) => [b.first_row, b.count]), [[1, 500], [501, 500], [1001, 200]]);
  // and each is a CSV text of its own, header first, whose rows are those rows
  const third = parseCsv(batches[2].csv);
  assert.deepEqual(third[0], header);
  assert.equal(third.length, 201);
  assert.deepEqual(third[1], ["Title 1001", "r1001@example.com"]);
});

test("quoted content survives the round trip into a batch", () => {
  const rows = [["Hello, world", 'He said "no"\nthen left']];
  const [batch] = splitBatches(["a", "b"], rows);
  assert.deepEqual(parseCsv(batch.csv), [["a", "b"], ...rows]);
});

test("a batch also closes when its CSV would pass the byte limit; an oversized row goes alone", () => {
  // Given rows of 100 bytes, a 250-byte limit and a header of 4 bytes ("a,b" + CRLF... "t\r\n" is 3)
  const big = "x".repeat(98); // 98 + CRLF = 100 bytes
  const batches = splitBatches(["t"], [[big], [big], [big], ["y".repeat(400)], [big]], { maxBytes: 250 });
  // Then two rows fit with the header (3 + 200 ≤ 250), the third starts a new batch, the huge one is alone
  assert.deepEqual(batches.map((b) => [b.first_row, b.count]), [[1, 2], [3, 1], [4, 1], [5, 1]]);
  assert.ok(batches.every((b) => b.csv.startsWith("t\r\n")));
});

test("bytes are counted in UTF-8, not characters", () => {
  const batches = splitBatches(["t"], [["é".repeat(60)], ["é".repeat(60)]], { maxBytes: 200 });
  // 60 × 2 bytes + CRLF = 122 bytes a row: two rows (3 + 244) pass 200, so two batches
  assert.equal(batches.length, 2);
});

test("no rows, no batches", () => {
  assert.deepEqual(splitBatches(["a"], []), []);
});

test("reports of the batches add up, errors kept in order", () => {
  // Given two batch reports
  let totals = emptyTotals();
  totals = addReport(totals, { rows: 500, created: 498, skipped: 0, errors: [{ row: 7, field: "title", message: "required" }] });
  totals = addReport(totals, { rows: 3, created: 0, skipped: 2, errors: [{ row: 503, field: "requester", message: "bad email" }] });
  // Then the totals are their sums
  assert.deepEqual(totals, {
    rows: 503, created: 498, skipped: 2,
    errors: [{ row: 7, field: "title", message: "required" }, { row: 503, field: "requester", message: "bad email" }],
  });
  // and a report missing a count does not poison the totals
  assert.deepEqual(addReport(totals, { rows: 1 }).created, 498);
});

test("progress is a whole percent of rows sent, capped at 100, with what it stands for", () => {
  assert.deepEqual(progressOf(500, 1200, 1, 3), { percent: 41, label: "500 of 1,200 rows (batch 1 of 3)" });
  assert.equal(progressOf(1200, 1200, 3, 3).percent, 100);
  assert.equal(progressOf(1300, 1200, 3, 3).percent, 100);
  assert.equal(progressOf(0, 0, 0, 0).percent, 100);
});

test("the mapping sent names every named column; unmapped ones are null", () => {
  assert.deepEqual(mappingBody(["Subject", "Notes", "", "E-mail"], { Subject: "title", "E-mail": "requester", Notes: "" }),
    { Subject: "title", Notes: null, "E-mail": "requester" });
});

test("a mapping's problems are said in words: a field fed twice, a required field missing", () => {
  const fields = [{ name: "title", required: true }, { name: "requester", required: false }, { name: "key", required: false }];
  // Given a good mapping, then nothing is wrong
  assert.deepEqual(mappingProblems(["Subject", "Mail"], { Subject: "title", Mail: "requester" }, fields), []);
  // Given two columns mapped to requester and none to title
  const problems = mappingProblems(["Subject", "Mail", "Other mail"], { Mail: "requester", "Other mail": "requester" }, fields);
  assert.deepEqual(problems, [
    "“Mail” and “Other mail” are both mapped to requester: keep one.",
    "No column is mapped to title, which is required.",
  ]);
  // Given a repeated column name, then it is one column (the API reads it once), not a field fed twice
  assert.deepEqual(mappingProblems(["Subject", "Subject"], { Subject: "title" }, fields), []);
});

test("blank and repeated header names are warned about, once each", () => {
  assert.deepEqual(headerWarnings(["Subject", "", "", "Subject", "Mail"]), [
    "A column has no name in the header line: it is not imported.",
    "The column “Subject” appears twice in the header line: only the first is read.",
  ]);
  assert.deepEqual(headerWarnings(["a", "b"]), []);
});

test("rows are read as the API reads them: all-blank rows dropped, header trimmed, too-wide rows named", () => {
  // Given a file with blank lines, Excel's ",," rows and a row with a cell past the header
  const records = parseCsv(" Subject ,Mail\n,\nA,a@x.example\n , \nB,b@x.example,extra\nC,c@x.example,\n,,\n");
  const { header, rows, tooWide } = dataOf(records);
  // Then the header is trimmed, the rows are A, B, C numbered 1-3, and row 2 is too wide (an empty extra cell is not)
  assert.deepEqual(header, ["Subject", "Mail"]);
  assert.deepEqual(rows.map((r) => r[0]), ["A", "B", "C"]);
  assert.deepEqual(tooWide, [2]);
  assert.deepEqual(dataOf([]), { header: [], rows: [], tooWide: [] });
});

test("errors download as a CSV of row, field and reason", () => {
  const text = errorsCsv([{ row: 3, field: "requester", message: "not an email, \"x\"" }, { row: 9, message: "empty" }]);
  assert.deepEqual(parseCsv(text), [["row", "field", "reason"], ["3", "requester", 'not an email, "x"'], ["9", "", "empty"]]);
});

test("the outcome line counts rows with errors, not problems, and says a dry run wrote nothing", () => {
  // Given 12 rows of which 2 have errors, one of them on two fields
  const totals = {
    rows: 12, created: 10, skipped: 0,
    errors: [{ row: 4, field: "title", message: "x" }, { row: 9, field: "requester", message: "y" }, { row: 9, field: "priority", message: "z" }],
  };
  // Then the dry run's line says what would happen and that nothing was written
  assert.equal(summaryOf(totals, { dryRun: true }),
    "Dry run: 12 rows checked — 10 would be created, 0 already imported, 2 rows with errors (3 problems). Nothing was written.");
  // and the import's line what did happen
  assert.equal(summaryOf({ rows: 1, created: 0, skipped: 1, errors: [] }, { dryRun: false }),
    "Import finished: 1 row read — 0 created, 1 skipped (already imported), 0 rows with errors.");
  assert.match(summaryOf(totals, { dryRun: false, stopped: true }), /^Import stopped: 12 rows read/);
  assert.equal(errorRowCount(totals.errors), 2);
});
