// The import screen's arithmetic (pure; tests/js/import_model.test.js): a parsed file cut into batches the API
// takes (POST /v1/imports: ≤ 1,000 rows and ≤ 5 MB each), the totals of the batches' reports, the progress bar's
// numbers, and what is wrong with a mapping before anything is sent.
import { toCsv } from "../js/csv.js";

export const BATCH_ROWS = 500;
// Measured on the CSV text; a JSON body escapes " and line ends, at most doubling them, so 1 MB of CSV stays well
// under the API's 5 MB whatever the file holds.
export const BATCH_BYTES = 1_000_000;

const utf8 = new TextEncoder();

/**
 * The data rows cut into batches of at most `maxRows` rows and `maxBytes` bytes of CSV, each re-serialised with the
 * header line and the 1-based number of its first row (`first_row`), so the API's row numbers are the file's. A row
 * bigger than maxBytes goes alone (the API then refuses that batch by name rather than the screen guessing).
 */
export function splitBatches(header, rows, { maxRows = BATCH_ROWS, maxBytes = BATCH_BYTES } = {}) {
  const headLine = toCsv([header]);
  const headBytes = utf8.encode(headLine).length;
  const batches = [];
  let lines = [];
  let bytes = headBytes;
  let first = 1;
  const flush = () => {
    if (!lines.length) return;
    batches.push({ first_row: first, count: lines.length, csv: headLine + lines.join("") });
    first += lines.length;
    lines = [];
    bytes = headBytes;
  };
  for (const row of rows) {
    const line = toCsv([row]);
    const size = utf8.encode(line).length;
    if (lines.length >= maxRows || (lines.length && bytes + size > maxBytes)) flush();
    lines.push(line);
    bytes += size;
  }
  flush();
  return batches;
}

export const emptyTotals = () => ({ rows: 0, created: 0, skipped: 0, errors: [] });

/** Totals after one more batch's report ({rows, created, skipped, errors}; missing counts read as 0). */
export function addReport(totals, report) {
  const r = report || {};
  return {
    rows: totals.rows + (Number(r.rows) || 0),
    created: totals.created + (Number(r.created) || 0),
    skipped: totals.skipped + (Number(r.skipped) || 0),
    errors: [...totals.errors, ...(Array.isArray(r.errors) ? r.errors : [])],
  };
}

/** The progress bar after `doneRows` of `totalRows`: a whole percent, never past 100, and what it says. */
export function progressOf(doneRows, totalRows, batch, batchCount) {
  const percent = totalRows > 0 ? Math.min(100, Math.floor((doneRows / totalRows) * 100)) : 100;
  const n = (x) => x.toLocaleString("en");
  return { percent, label: `${n(doneRows)} of ${n(totalRows)} rows (batch ${batch} of ${batchCount})` };
}

/** The mapping the API takes: every named column of the header, its field or null (ignored). */
export function mappingBody(header, chosen) {
  return Object.fromEntries(header.filter(Boolean).map((col) => [col, chosen[col] || null]));
}

/**
 * The header line and data rows of a parsed file, read as the API reads a batch (domain/imports.py read_csv): rows
 * whose every cell is blank (Excel's trailing ",,,") are no rows, so row numbers agree; header names are trimmed.
 * `tooWide` lists the numbers of rows with non-blank cells past the header, which the API refuses.
 */
export function dataOf(records) {
  const filled = records.filter((r) => r.some((c) => c.trim()));
  const header = (filled[0] || []).map((c) => c.trim());
  const rows = filled.slice(1);
  const tooWide = [];
  rows.forEach((r, i) => {
    if (r.slice(header.length).some((c) => c.trim())) tooWide.push(i + 1);
  });
  return { header, rows, tooWide };
}

/** Header names the API reads in its own way, in words: an unnamed column is never read, a repeated name only once. */
export function headerWarnings(header) {
  const warnings = [];
  const seen = new Set();
  for (const col of header) {
    if (!col) warnings.push("A column has no name in the header line: it is not imported.");
    else if (seen.has(col)) warnings.push(`The column “${col}” appears twice in the header line: only the first is read.`);
    seen.add(col);
  }
  return [...new Set(warnings)];
}

/** What the API would refuse in a mapping, in words: a field fed by two columns, a required field nothing feeds. */
export function mappingProblems(header, chosen, fields) {
  const byField = new Map();
  for (const col of new Set(header)) {
    const f = col && chosen[col];
    if (f) byField.set(f, [...(byField.get(f) || []), col]);
  }
  const problems = [];
  for (const [f, cols] of byField) if (cols.length > 1) problems.push(`${cols.map((c) => `“${c}”`).join(" and ")} are both mapped to ${f}: keep one.`);
  for (const f of fields) if (f.required && !byField.has(f.name)) problems.push(`No column is mapped to ${f.name}, which is required.`);
  return problems;
}

/** The report's errors as a CSV file (row, field, reason), for fixing the file in a spreadsheet. */
export function errorsCsv(errors) {
  return toCsv([["row", "field", "reason"], ...errors.map((e) => [e.row, e.field ?? "", e.message ?? ""])]);
}

/** How many rows have at least one error (a row can fail on several fields). */
export const errorRowCount = (errors) => new Set(errors.map((e) => e.row)).size;

/** The one-line outcome of a run: what a dry run would do, or what an import did (and whether it was stopped). */
export function summaryOf(totals, { dryRun, stopped = false } = {}) {
  const bad = errorRowCount(totals.errors);
  const problems = totals.errors.length > bad ? ` (${totals.errors.length} problems)` : "";
  const rowsWord = (n) => `${n.toLocaleString("en")} ${n === 1 ? "row" : "rows"}`;
  const parts = dryRun
    ? [`${totals.created.toLocaleString("en")} would be created`, `${totals.skipped.toLocaleString("en")} already imported`]
    : [`${totals.created.toLocaleString("en")} created`, `${totals.skipped.toLocaleString("en")} skipped (already imported)`];
  parts.push(`${rowsWord(bad)} with errors${problems}`);
  const head = dryRun ? (stopped ? "Dry run stopped" : "Dry run") : stopped ? "Import stopped" : "Import finished";
  const tail = dryRun ? " Nothing was written." : "";
  return `${head}: ${rowsWord(totals.rows)} ${dryRun ? "checked" : "read"} — ${parts.join(", ")}.${tail}`;
}
