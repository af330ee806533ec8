// The browser's CSV reader and writer (static_portal/js/csv.js).
import { test } from "node:test";
import assert from "node:assert/strict";

import { CsvError, csvField, decodeBytes, parseCsv, sniffSeparator, toCsv } from "../../static_portal/js/csv.js";

test("plain records split on commas and line ends, LF or CRLF or CR alike", () => {
  assert.deepEqual(parseCsv("a,b\n1,2\n"), [["a", "b"], ["1", "2"]]);
  assert.deepEqual(parseCsv("a,b\r\n1,2\r\n3,4"), [["a", "b"], ["1", "2"], ["3", "4"]]);
  assert.deepEqual(parseCsv("a,b\r1,2\r"), [["a", "b"], ["1", "2"]]);
});

test("quoted fields keep commas, escaped quotes and newlines of any kind", () => {
  // Given fields quoted as RFC 4180 says
  const text = 'title,body\r\n"Hello, world","She said ""hi"""\r\n"two\r\nlines","a\nb"\r\n';
  // Then their content comes back unquoted and whole
  assert.deepEqual(parseCsv(text), [
    ["title", "body"],
    ["Hello, world", 'She said "hi"'],
    ["two\r\nlines", "a\nb"],
  ]);
});

test("empty fields, quoted empty fields and a trailing separator are all kept as empty strings", () => {
  assert.deepEqual(parseCsv('a,b,c\n,"",\n'), [["a", "b", "c"], ["", "", ""]]);
  assert.deepEqual(parseCsv('""\n'), [[""]]);
  assert.deepEqual(parseCsv('"""q"""\n'), [['"q"']]);
});

test("a UTF-8 byte order mark is not part of the first column's name", () => {
  const [header] = parseCsv("\uFEFFSubject,E-mail\nx,y");
  assert.deepEqual(header, ["Subject", "E-mail"]);
});

test("blank lines are skipped so record numbers match the API's reader", () => {
  assert.deepEqual(parseCsv("a\n\n1\r\n\r\n2\n\n"), [["a"], ["1"], ["2"]]);
  assert.deepEqual(parseCsv(""), []);
});

test("sloppy quotes in the middle of a field are kept as text", () => {
  assert.deepEqual(parseCsv('a,b\n5" screen,"x"y\n'), [["a", "b"], ['5" screen', "xy"]]);
});

test("a quote never closed is an error naming the line it opened on", () => {
  // Given a quoted field opened on line 3 whose closing quote is missing
  const text = 'a,b\n1,2\n3,"four\nfive\n';
  // Then the parser refuses it, naming line 3
  assert.throws(() => parseCsv(text), (err) => err instanceof CsvError && err.line === 3 && /line 3/.test(err.message));
});

test("line numbers in errors count newlines inside earlier quoted fields", () => {
  assert.throws(() => parseCsv('a\n"x\r\ny"\n"open'), (err) => err.line === 4);
});

test("semicolon and tab separated files (European Excel) are recognised from the header line", () => {
  assert.equal(sniffSeparator("Subject;Requester;Notes\n"), ";");
  assert.equal(sniffSeparator("a\tb\tc"), "\t");
  assert.equal(sniffSeparator('"a;b",c\n'), ",");
  assert.equal(sniffSeparator("single"), ",");
  assert.deepEqual(parseCsv('Subject;Price\n"Café; crème";3,50\n'), [["Subject", "Price"], ["Café; crème", "3,50"]]);
  assert.deepEqual(parseCsv("a,b\n1;2,3", { separator: "," }), [["a", "b"], ["1;2", "3"]]);
});

test("fields are quoted only when they must be, and text written is read back the same", () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField("a,b"), '"a,b"');
  assert.equal(csvField('say "x"'), '"say ""x"""');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField(null), "");
  const records = [["title", "body"], ["Hello, world", 'She said "hi"'], ["multi\r\nline", ""], [" padded ", "é"]];
  const text = toCsv(records);
  assert.ok(text.endsWith("\r\n"));
  assert.deepEqual(parseCsv(text), records);
});

test("bytes are read as UTF-8 when valid, else as Windows-1252 (Excel's plain CSV)", () => {
  const utf8 = new TextEncoder().encode("\uFEFFCafé,€");
  assert.deepEqual(decodeBytes(utf8), { text: "Café,€", encoding: "utf-8" });
  // "Café,ü" as Excel saves it (0x80-0x9F, e.g. €, are left out: node's small ICU maps them as Latin-1, browsers do not)
  const cp1252 = new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x2c, 0xfc]);
  assert.deepEqual(decodeBytes(cp1252), { text: "Café,ü", encoding: "windows-1252" });
});
