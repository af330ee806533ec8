"""CSV imports: what each kind of import fills, guessing a column's field from its header, reading the CSV, and the
row key that makes a re-run create nothing twice.

The fields are the create fields of the API (Item, User), under the names a spreadsheet uses: an item's `type` and
`project` are a name or an id (the API's `type_id`, `project_id`), its `requester` and `assignees` are emails.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from tandem.domain.errors import TooLarge, ValidationError
from tandem.domain.exposure import exposure
from tandem.domain.items import Item
from tandem.domain.people import User

KINDS = ("items", "customers", "users")
MAX_ROWS = 1000  # rows of one batch (one API call); bigger files are sent in batches (the CLI, the screen)
MAX_BYTES = 5 * 1024 * 1024  # the CSV text of one batch, as UTF-8
KEY = "key"  # the target naming a row's own key (an id from the system it comes from)
KEY_CHARS = 200  # longer keys are hashed: markers are keyed by them


@dataclass(frozen=True)
class Target:
    """A field a column can fill: `api` is the create field it becomes (None: the import's own, like `key`)."""

    name: str
    description: str
    required: bool = False
    api: str | None = None
    synonyms: tuple[str, ...] = ()


_KEY = Target(KEY, "the row's id in the system it comes from: re-imports skip rows already imported (without it "
               "a hash of the mapped values is the key)", synonyms=("id", "external id", "ref", "reference", "number",
                                                                      "ticket id", "issue id", "issue key", "#"))
TARGETS: dict[str, tuple[Target, ...]] = {
    "items": (
        Target("title", "the item's title", True, "title", ("subject", "summary", "name", "task", "task name",
                                                            "ticket title", "issue", "headline", "titre", "betreff")),
        Target("description", "the text of the item", False, "description",
               ("body", "details", "content", "text", "message", "notes", "comment", "beschreibung")),
        Target("kind", "ticket or task (default: the kind of the type)", False, "kind",
               ("item kind", "ticket or task")),
        Target("type", "the item type, by name or id (default: the first type of the kind)", False, "type_id",
               ("type id", "item type", "ticket type", "issue type", "task type", "form")),
        Target("priority", "low, normal, high or urgent", False, "priority", ("prio", "urgency", "severity")),
        Target("requester", "the requester's email: a customer is found or created", False, "requester",
               ("requester email", "email", "customer", "customer email", "from", "reporter", "contact",
                "submitter", "requested by", "client")),
        Target("assignees", "staff emails, separated by commas", False, "assignees",
               ("assignee", "assigned to", "owner", "agent", "responsible")),
        Target("project", "the project, by name or id", False, "project_id", ("project id", "project name", "board")),
        Target("due_date", "a date (YYYY-MM-DD)", False, "due_date", ("due", "deadline", "due on", "due by")),
        Target("planned_start", "a date (YYYY-MM-DD)", False, "planned_start", ("start", "start date", "begin")),
        Target("planned_finish", "a date (YYYY-MM-DD)", False, "planned_finish",
               ("finish", "end", "end date", "planned end", "finish date")),
        Target("tags", "words separated by commas", False, "tags", ("tag", "labels", "label", "keywords")),
        _KEY,
    ),
    "customers": (
        Target("email", "the customer's email", True, "email", ("e-mail", "mail", "email address", "customer email",
                                                                "contact email")),
        Target("name", "the customer's name (default: the email's local part)", False, "name",
               ("full name", "customer", "customer name", "contact", "contact name", "display name")),
        Target("organization", "an organisation's id, or the name of the one made for the email's domain", False,
               None, ("organisation", "company", "company name", "org", "account")),
        _KEY,
    ),
    "users": (
        Target("email", "the user's email", True, "email", ("e-mail", "mail", "email address", "login")),
        Target("name", "the user's name", True, "name", ("full name", "display name", "user name")),
        Target("role", "admin or agent (default: agent)", False, "role", ("access", "permission", "user type")),
        _KEY,
    ),
}
# Headers that name something the import does not set (an export's bookkeeping): guessed as ignored.
IGNORED = ("created", "created at", "creation date", "updated", "updated at", "last updated", "closed at",
           "resolved at", "status", "state")


def _create_fields(cls: type) -> set[str]:
    return {exposure(f).name or f.name for f in dataclasses.fields(cls) if exposure(f).create}


# The targets are the API's create fields: a field the models lose is an import field that must go too.
assert {t.api for t in TARGETS["items"] if t.api} <= _create_fields(Item)
assert {t.api for t in TARGETS["customers"] + TARGETS["users"] if t.api} <= _create_fields(User)

FREE_MAIL = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "ymail.com", "aol.com",
    "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "pm.me", "gmx.de", "gmx.net", "gmx.com",
    "web.de", "mail.com", "yandex.ru", "yandex.com", "zoho.com", "fastmail.com", "hey.com", "qq.com", "163.com",
    "orange.fr", "free.fr", "laposte.net", "t-online.de", "libero.it", "mail.ru",
})
# Providers with a domain per country (yahoo.co.uk, hotmail.fr, outlook.de …).
FREE_MAIL_FAMILIES = ("yahoo", "hotmail", "outlook", "live", "gmx", "yandex", "aol")


def is_free_mail(domain: str) -> bool:
    """Whether addresses of `domain` belong to people rather than to one organisation."""
    domain = domain.strip().lower()
    return domain in FREE_MAIL or domain.split(".", 1)[0] in FREE_MAIL_FAMILIES


def normalize_header(header: str) -> str:
    """A header as guessing compares it: case folded, accents and everything but letters and digits dropped."""
    plain = unicodedata.normalize("NFKD", header or "").casefold()
    return "".join(c for c in plain if c.isalnum() and not unicodedata.combining(c))


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError(f"kind must be one of {', '.join(KINDS)}", {"field": "kind"})
    return kind


def targets(kind: str) -> dict[str, Target]:
    return {t.name: t for t in TARGETS[check_kind(kind)]}


def _words(kind: str) -> dict[str, str | None]:
    """Normalised header → target (None: ignored), exact names first so a synonym never shadows a name."""
    words: dict[str, str | None] = {normalize_header(w): None for w in IGNORED}
    for t in TARGETS[kind]:
        for word in t.synonyms:
            words.setdefault(normalize_header(word), t.name)
    for t in TARGETS[kind]:
        words[normalize_header(t.name)] = t.name
    return words


def guess_mapping(kind: str, header: Iterable[str]) -> dict[str, str | None]:
    """Each column's field, guessed from its header: an exact name or synonym, else the longest one the header
    contains ("Requester's e-mail address" → requester); each field goes to the first column that claims it."""
    words = _words(check_kind(kind))
    taken: set[str] = set()
    mapping: dict[str, str | None] = {}
    for column in header:
        norm = normalize_header(column)
        found = words.get(norm) if norm in words else _contained(words, norm)
        if found in taken:
            found = None
        if found is not None:
            taken.add(found)
        mapping.setdefault(column, found)
    return mapping


def _contained(words: dict[str, str | None], norm: str) -> str | None:
    inside = [w for w in words if len(w) >= 4 and w in norm]
    return words[max(inside, key=len)] if inside else None


def check_mapping(kind: str, header: list[str], mapping: Mapping[str, str | None]) -> dict[str, str]:
    """The mapping as column → target for the columns that fill one; 422 naming each bad entry."""
    known = targets(kind)
    errors: list[dict[str, str]] = []
    chosen: dict[str, str] = {}
    for column, target in mapping.items():
        where = f"mapping.{column}"
        if column not in header:
            errors.append({"field": where, "message": "the CSV has no such column"})
        elif target is None or target == "":
            continue
        elif target not in known:
            errors.append({"field": where, "message": f"{target!r} is not a field of a {kind} import"})
        elif target in chosen.values():
            errors.append({"field": where, "message": f"another column already fills {target}"})
        else:
            chosen[column] = target
    for t in known.values():
        if t.required and t.name not in chosen.values():
            errors.append({"field": "mapping", "message": f"a column must fill {t.name}"})
    if errors:
        raise ValidationError(f"invalid mapping: {errors[0]['field']}: {errors[0]['message']}", {"errors": errors})
    return chosen


@dataclass
class Row:
    """One data row: its number (1 = the file's first data row) and its cells by column."""

    number: int
    cells: dict[str, str]


def read_csv(text: str, *, first_row: int = 1) -> tuple[list[str], list[Row]]:
    """The header and the data rows of a CSV batch (BOM, quoted newlines, any line ending); blank lines are no rows.
    413 beyond MAX_BYTES or MAX_ROWS; 422 when the text is no CSV or a row has more cells than the header."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise TooLarge(f"a batch is at most {MAX_BYTES} bytes of CSV; send the file in batches", {"limit": MAX_BYTES})
    lines = iter_rows(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = next(lines, None)
    if header is None or not any(h.strip() for h in header):
        raise ValidationError("the CSV needs a header line naming its columns", {"field": "csv"})
    header = [h.strip() for h in header]
    rows: list[Row] = []
    for n, cells in enumerate(lines):
        if len(rows) == MAX_ROWS:
            raise TooLarge(f"a batch is at most {MAX_ROWS} rows; send the file in batches", {"limit": MAX_ROWS})
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            raise ValidationError(f"row {first_row + n} has more cells than the header", {"field": "csv"})
        rows.append(Row(first_row + n, _cells(header, cells)))
    return header, rows


def _cells(header: list[str], cells: list[str]) -> dict[str, str]:
    """Cells by column; a column named twice keeps its first cell, a short row has empty cells."""
    out: dict[str, str] = {}
    for h, c in zip(header, cells, strict=False):
        if h:
            out.setdefault(h, c)
    return out


def iter_rows(stream: Iterable[str]) -> Iterator[list[str]]:
    """The non-blank rows of a CSV stream (a file opened with newline=""), read lazily: the CLI streams big files."""
    try:
        for cells in csv.reader(stream):
            if any(c.strip() for c in cells):
                yield cells
    except csv.Error as exc:
        raise ValidationError(f"not a readable CSV: {exc}", {"field": "csv"}) from exc


def mapped_values(row: Row, mapping: Mapping[str, str]) -> dict[str, str]:
    """target → the row's trimmed value, for the mapped columns with a value."""
    out = {}
    for column, target in mapping.items():
        value = (row.cells.get(column) or "").strip()
        if value:
            out[target] = value
    return out


def row_key(values: Mapping[str, str]) -> str:
    """What marks a row as imported: its mapped `key`, else a hash of its mapped values (so the same row in the same
    file is the same row, whatever the column order). Long keys are hashed to keep marker keys short."""
    own = (values.get(KEY) or "").strip()
    if own:
        return "key:" + own if len(own) <= KEY_CHARS else "key#" + hashlib.sha256(own.encode()).hexdigest()
    canonical = json.dumps(sorted((k, v.strip()) for k, v in values.items() if v.strip()), ensure_ascii=False)
    return "row#" + hashlib.sha256(canonical.encode()).hexdigest()[:40]


SEPARATORS = re.compile(r"[,;\n]")
PRIORITY_WORDS = {"medium": "normal", "normal": "normal", "critical": "urgent", "highest": "urgent", "lowest": "low"}


def split_list(value: str) -> list[str]:
    """A cell holding several values: commas, semicolons or lines between them."""
    return [v.strip() for v in SEPARATORS.split(value) if v.strip()]


def parse_date(value: str, field: str) -> str:
    """An ISO date (a date-time keeps its date), else a 422 naming the field."""
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError as exc:
        raise ValidationError(f"{field} must be a date (YYYY-MM-DD), not {value!r}", {"field": field}) from exc


def priority_word(value: str) -> str:
    """A spreadsheet's priority in our words where it is plainly one of ours; anything else as given (the use case
    refuses what is not a priority)."""
    word = value.strip().casefold()
    return PRIORITY_WORDS.get(word, word)
