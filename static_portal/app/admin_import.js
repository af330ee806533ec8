// Admin: import items, customers or users from a CSV file (#/admin/import). The file is read and parsed here, in
// the browser; the API guesses the column mapping (POST /v1/imports/mapping) and checks and writes the rows
// (POST /v1/imports) in batches of 500, so a 50,000-row file never travels in one request. Imports are
// idempotent on the server (a row already imported is skipped), which is what makes Cancel and Resume safe.
import { api } from "../js/api.js";
import { h, field, notice, saveFile } from "../js/dom.js";
import { CsvError, decodeBytes, parseCsv } from "../js/csv.js";
import { page } from "./state.js";
import { options } from "./widgets.js";
import { table } from "./admin_common.js";
import {
  addReport, dataOf, emptyTotals, errorsCsv, headerWarnings, mappingBody, mappingProblems, progressOf, splitBatches, summaryOf,
} from "./import_model.js";

const KINDS = [["items", "Items (tickets and tasks)"], ["customers", "Customers"], ["users", "Users (staff)"]];
const PREVIEW_ROWS = 5;
const SHOWN_ERRORS = 200;

/** An API failure in words, with the field it names when it names one (never a blank). */
function describe(err) {
  const fields = Object.keys(err.fieldErrors ? err.fieldErrors() : {});
  const base = err.message || "The request failed.";
  return fields.length ? `${base} (${fields.join(", ")})` : base;
}

const card = (label, ...children) => h("section", { class: "card", "aria-label": label, hidden: true }, h("h2", { text: label }), ...children);

export function importView(nav) {
  const s = { kind: "items", name: "", header: [], rows: [], fields: [], chosen: {}, checkedKey: null, busy: false, guess: 0 };
  const ui = {
    kind: h("select", { name: "kind" }, options(KINDS, s.kind)),
    file: h("input", { type: "file", name: "file", accept: ".csv,text/csv,text/plain" }),
    fileOut: h("div", { "aria-live": "polite" }),
    previewBody: h("div", { class: "table-card" }),
    mapBody: h("div"),
    mapOut: h("div", { "aria-live": "polite" }),
    progress: h("div", { class: "progress-row", hidden: true }),
    runOut: h("div", { "aria-live": "polite", "data-testid": "import-result" }),
  };
  ui.preview = card("Preview", ui.previewBody);
  ui.mapping = card("Columns", h("p", { class: "muted", text: "What each column of the file becomes. Guessed from the header line; change any." }), ui.mapBody, ui.mapOut);
  ui.dry = h("button", { type: "button", text: "Dry run", onclick: () => run(s, ui, { dryRun: true }) });
  ui.go = h("button", { type: "button", text: "Import", disabled: true, onclick: () => run(s, ui, { dryRun: false }) });
  ui.cancel = h("button", { type: "button", class: "secondary", text: "Cancel", hidden: true, onclick: () => { s.cancel = true; ui.cancel.disabled = true; } });
  ui.actions = card("Check and import",
    h("p", { class: "muted", text: "A dry run checks every row and writes nothing. Import then creates the rows without errors; rows imported before are skipped, so running it again is safe." }),
    h("div", { class: "row" }, ui.dry, ui.go, ui.cancel), ui.progress, ui.runOut);
  ui.kind.addEventListener("change", () => {
    s.kind = ui.kind.value;
    if (s.header.length) guessMapping(s, ui);
  });
  ui.file.addEventListener("change", () => readFile(s, ui));
  page("Import", nav,
    h("section", { class: "card narrow", "aria-label": "File" }, h("h2", { text: "File" }),
      field("What the file holds", ui.kind),
      field("CSV file", ui.file, { help: "The first line names the columns. UTF-8 or Excel's CSV; comma, semicolon or tab separated." }),
      ui.fileOut),
    ui.preview, ui.mapping, ui.actions);
}

/** Read the chosen file (decoded here: UTF-8, else Windows-1252), parse it, show it, and ask for a mapping. */
async function readFile(s, ui) {
  const f = ui.file.files[0];
  s.header = [];
  s.rows = [];
  for (const el of [ui.preview, ui.mapping, ui.actions]) el.hidden = true;
  ui.fileOut.replaceChildren();
  if (!f) return;
  let records;
  let encoding;
  try {
    const decoded = decodeBytes(new Uint8Array(await f.arrayBuffer()));
    encoding = decoded.encoding;
    records = parseCsv(decoded.text);
  } catch (err) {
    const why = err instanceof CsvError ? err.message : `The file cannot be read: ${err.message}`;
    return ui.fileOut.replaceChildren(notice("error", `${f.name}: ${why}`));
  }
  const { header, rows, tooWide } = dataOf(records);
  if (!rows.length) return ui.fileOut.replaceChildren(notice("error", `${f.name} has ${header.length ? "a header line but no rows" : "nothing in it"}.`));
  if (tooWide.length) {
    const which = tooWide.slice(0, 10).join(", ") + (tooWide.length > 10 ? ` and ${tooWide.length - 10} more` : "");
    const say = tooWide.length > 1 ? `rows ${which} have` : `row ${which} has`;
    return ui.fileOut.replaceChildren(notice("error", `${f.name}: ${say} more cells than the header line names. Name those columns or remove the cells.`));
  }
  s.name = f.name;
  s.header = header;
  s.rows = rows;
  const note = encoding === "utf-8" ? "" : " Read as Windows-1252 (it is not UTF-8): check accented letters in the preview.";
  ui.fileOut.replaceChildren(notice("info", `${f.name}: ${rows.length.toLocaleString("en")} rows, ${header.length} columns.${note}`),
    ...headerWarnings(header).map((w) => notice("warning", w)));
  showPreview(s, ui);
  await guessMapping(s, ui);
}

function showPreview(s, ui) {
  const rows = s.rows.slice(0, PREVIEW_ROWS).map((r, i) => [String(i + 1), ...s.header.map((_, j) => r[j] ?? "")]);
  const more = s.rows.length > PREVIEW_ROWS ? h("p", { class: "muted", text: `First ${PREVIEW_ROWS} of ${s.rows.length.toLocaleString("en")} rows.` }) : null;
  ui.previewBody.replaceChildren(table("File preview", ["Row", ...s.header], rows), more);
  ui.preview.hidden = false;
}

/** The API's guess for this kind and header; an answer to an older question (kind changed meanwhile) is dropped. */
async function guessMapping(s, ui) {
  const asked = ++s.guess;
  ui.mapBody.replaceChildren(h("p", { class: "muted", text: "Matching columns…" }));
  ui.mapOut.replaceChildren();
  ui.mapping.hidden = false;
  ui.actions.hidden = true;
  let data;
  try {
    ({ data } = await api("POST", "/v1/imports/mapping", { body: { kind: s.kind, header: s.header } }));
  } catch (err) {
    if (asked !== s.guess) return;
    return ui.mapBody.replaceChildren(notice("error", `The columns cannot be matched: ${describe(err)}`));
  }
  if (asked !== s.guess) return;
  s.fields = data.fields || [];
  s.chosen = Object.fromEntries(s.header.map((c) => [c, (data.mapping || {})[c] || ""]));
  showMapping(s, ui);
  ui.actions.hidden = false;
  resetRun(s, ui);
}

function showMapping(s, ui) {
  const read = new Set();
  const rows = s.header.map((col, j) => {
    const sample = s.rows.map((r) => r[j] ?? "").find((v) => v.trim()) || "";
    const name = col || `(column ${j + 1})`;
    if (!col || read.has(col)) return [name, sample, h("span", { class: "muted", text: "Not read (see the note above)" })];
    read.add(col);
    const known = s.fields.some((f) => f.name === s.chosen[col]);
    const pick = h("select", { "aria-label": `Field for column ${col}` },
      options(s.fields.map((f) => [f.name, f.required ? `${f.name} (required)` : f.name]), known ? s.chosen[col] : "", "Ignore this column"));
    const about = h("span", { class: "muted" });
    const describeChoice = () => { about.textContent = (s.fields.find((f) => f.name === pick.value) || {}).description || ""; };
    describeChoice();
    pick.addEventListener("change", () => {
      s.chosen[col] = pick.value;
      describeChoice();
      checkMapping(s, ui);
      resetRun(s, ui);
    });
    return [name, sample, h("div", { class: "import-pick" }, pick, about)];
  });
  ui.mapBody.replaceChildren(table("Column mapping", ["Column", "Example", "Imports as"], rows));
  checkMapping(s, ui);
}

function checkMapping(s, ui) {
  const problems = mappingProblems(s.header, s.chosen, s.fields);
  ui.mapOut.replaceChildren(...problems.map((p) => notice("warning", p)));
  return problems;
}

/** A changed file, kind or mapping makes the last dry run stale: Import waits for a new one. */
function resetRun(s, ui) {
  s.checkedKey = null;
  ui.go.disabled = true;
  ui.progress.hidden = true;
  ui.runOut.replaceChildren();
}

const runKey = (s) => JSON.stringify([s.kind, s.name, s.rows.length, s.chosen]);

/**
 * Send the batches one after another, the bar advancing per batch; Cancel stops between batches. A failed batch
 * stops the run with the API's reason and offers to resume from that batch (rows before it are done and would be
 * skipped anyway).
 */
async function run(s, ui, { dryRun, from = 0, totals = emptyTotals() }) {
  const problems = checkMapping(s, ui);
  if (problems.length) return ui.runOut.replaceChildren(notice("error", `Fix the mapping first: ${problems[0]}`));
  const batches = splitBatches(s.header, s.rows);
  const mapping = mappingBody(s.header, s.chosen);
  setBusy(s, ui, true);
  let done = batches.slice(0, from).reduce((n, b) => n + b.count, 0);
  showProgress(ui, progressOf(done, s.rows.length, from, batches.length), dryRun);
  for (let i = from; i < batches.length; i += 1) {
    if (s.cancel) return finish(s, ui, totals, { dryRun, stopped: true });
    const b = batches[i];
    try {
      const { data } = await api("POST", "/v1/imports", { body: { kind: s.kind, csv: b.csv, mapping, dry_run: dryRun, first_row: b.first_row } });
      totals = addReport(totals, data);
    } catch (err) {
      finish(s, ui, totals, { dryRun, stopped: true });
      const last = b.first_row + b.count - 1;
      const resume = h("button", { type: "button", class: "secondary", text: `Resume from row ${b.first_row}`, onclick: () => run(s, ui, { dryRun, from: i, totals }) });
      return ui.runOut.prepend(notice("error", `Rows ${b.first_row}–${last} were not ${dryRun ? "checked" : "imported"}: ${describe(err)}`), resume);
    }
    done += b.count;
    showProgress(ui, progressOf(done, s.rows.length, i + 1, batches.length), dryRun);
  }
  finish(s, ui, totals, { dryRun, stopped: false });
  if (dryRun) {
    s.checkedKey = runKey(s);
    ui.go.disabled = false;
  }
}

function setBusy(s, ui, busy) {
  s.busy = busy;
  s.cancel = false;
  for (const el of [ui.kind, ui.file, ui.dry, ui.go, ...ui.mapBody.querySelectorAll("select")]) el.disabled = busy;
  if (!busy) ui.go.disabled = s.checkedKey !== runKey(s);
  ui.cancel.hidden = !busy;
  ui.cancel.disabled = false;
  if (busy) ui.runOut.replaceChildren();
}

function showProgress(ui, { percent, label }, dryRun) {
  const what = dryRun ? "Checked" : "Imported";
  ui.progress.replaceChildren(
    h("progress", { max: 100, value: percent, "aria-label": dryRun ? "Dry run progress" : "Import progress" }),
    h("span", { class: "muted", role: "status", text: `${what} ${label}` }));
  ui.progress.hidden = false;
}

function finish(s, ui, totals, { dryRun, stopped }) {
  setBusy(s, ui, false);
  ui.runOut.replaceChildren(report(s, totals, { dryRun, stopped }));
  ui.actions.scrollIntoView({ block: "start" }); // the outcome, not the preview, is what the admin came for
}

function report(s, totals, { dryRun, stopped }) {
  const summary = notice(totals.errors.length || stopped ? "warning" : "ok", summaryOf(totals, { dryRun, stopped }));
  summary.dataset.testid = "import-summary";
  if (!totals.errors.length) return summary;
  const shown = totals.errors.slice(0, SHOWN_ERRORS).map((e) => [String(e.row ?? ""), e.field ?? "", e.message ?? ""]);
  const more = totals.errors.length > SHOWN_ERRORS ? h("p", { class: "muted", text: `The first ${SHOWN_ERRORS} of ${totals.errors.length} errors; download them all.` }) : null;
  const download = h("button", { type: "button", class: "secondary", text: "Download errors (CSV)",
    onclick: () => saveFile(new Blob([errorsCsv(totals.errors)], { type: "text/csv" }), `${s.name.replace(/\.csv$/i, "")}-errors.csv`) });
  return h("div", {}, summary, table("Import errors", ["Row", "Field", "Reason"], shown), more, download);
}
