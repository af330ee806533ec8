// CSV in the browser (pure; tests/js/csv.test.js): read what spreadsheets save (RFC 4180 quoting, "" inside
// quotes, CRLF, LF or CR line ends, newlines inside quoted fields, a UTF-8 BOM, a ; or tab separator from
// European Excel) and write plain RFC 4180 text for the API. Written here rather than vendored: the whole job
// is ~100 lines, and a parser we own answers its errors in our words (which line a quote was left open on).

export class CsvError extends Error {
  constructor(message, line) {
    super(message);
    this.line = line;
  }
}

const SEPARATORS = [",", ";", "\t"];

/**
 * The separator of a file: whichever of , ; or tab occurs most in its first line outside quotes (a comma when
 * none does: a one-column file).
 */
export function sniffSeparator(text) {
  const counts = new Map(SEPARATORS.map((s) => [s, 0]));
  let quoted = false;
  for (const c of stripBom(text)) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === "\n" || c === "\r")) break;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c) + 1);
  }
  let best = ",";
  for (const s of SEPARATORS) if (counts.get(s) > counts.get(best)) best = s;
  return best;
}

const stripBom = (text) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/**
 * Records of a CSV text as arrays of strings. Blank lines are skipped (as Python's csv.DictReader does, so row
 * numbers agree with the API's); a quote left open to the end of the text is a CsvError naming its line. Lenient
 * where spreadsheets are sloppy: a quote inside an unquoted field, or text after a closing quote, is kept as text.
 */
export function parseCsv(text, { separator } = {}) {
  const src = stripBom(String(text ?? ""));
  const sep = separator || sniffSeparator(src);
  const records = [];
  let record = [];
  let fieldText = "";
  let touched = false; // the record has any character (so an empty line is not a record of one empty field)
  let line = 1;
  let i = 0;
  const endField = () => {
    record.push(fieldText);
    fieldText = "";
  };
  const endRecord = () => {
    endField();
    if (touched) records.push(record);
    record = [];
    touched = false;
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '"' && fieldText === "" && !fieldIsOpen(src, i, sep)) {
      const start = line;
      i += 1;
      for (;;) {
        if (i >= src.length) throw new CsvError(`A quoted field opened on line ${start} is never closed.`, start);
        const q = src[i];
        if (q === '"' && src[i + 1] === '"') {
          fieldText += '"';
          i += 2;
        } else if (q === '"') {
          i += 1;
          break;
        } else {
          if (q === "\n" || (q === "\r" && src[i + 1] !== "\n")) line += 1;
          fieldText += q;
          i += 1;
        }
      }
      touched = true;
    } else if (c === sep) {
      endField();
      touched = true;
      i += 1;
    } else if (c === "\r" || c === "\n") {
      endRecord();
      i += c === "\r" && src[i + 1] === "\n" ? 2 : 1;
      line += 1;
    } else {
      fieldText += c;
      touched = true;
      i += 1;
    }
  }
  if (touched) endRecord();
  return records;
}

// A quote opens a quoted field only at the field's start; `fieldText === ""` alone cannot tell `a,"b"` from
// `"",x` continuing (`""` then text), so look back: the previous character must be a separator, a line end or
// nothing.
function fieldIsOpen(src, i, sep) {
  if (i === 0) return false;
  const prev = src[i - 1];
  return !(prev === sep || prev === "\n" || prev === "\r");
}

/** One field as RFC 4180 text: quoted when it holds a comma, a quote or a line end. */
export function csvField(value) {
  const s = value == null ? "" : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Records as RFC 4180 text: comma-separated, CRLF line ends, the last line ended too. */
export function toCsv(records) {
  return records.map((r) => `${r.map(csvField).join(",")}\r\n`).join("");
}

/**
 * The text of a file's bytes: UTF-8 (a BOM dropped) when they are valid UTF-8, else Windows-1252, which is what
 * Excel's plain "CSV" saves on Western systems (so "Café" is not shown as "Caf\uFFFD").
 */
export function decodeBytes(bytes) {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    return { text: new TextDecoder("windows-1252").decode(bytes), encoding: "windows-1252" };
  }
}
