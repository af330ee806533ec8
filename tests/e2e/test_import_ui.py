"""The workspace's CSV import screen (#/admin/import) in Debian chromium against the real local stack.

The first test goes through the real API end to end (mapping guessed, dry run, import, import again). The others
answer POST /v1/imports in the browser (Playwright routes) to check what 12 rows cannot show: a big file goes in
batches of 500 numbered from its first row, the bar advances per batch, Cancel stops between batches, and a batch
the API refuses is shown with its reason and can be resumed. Every page is watched (tests/e2e/conftest.py): an
uncaught script error or a console error fails the test.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.portal_helpers import build_world, open_app, screenshot, settle

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

FIELDS = [
    {"name": "title", "required": True, "description": "The item's title"},
    {"name": "description", "required": False, "description": "Its first message"},
    {"name": "requester", "required": False, "description": "Requester's email"},
    {"name": "key", "required": False, "description": "A unique key per row (re-runs skip it)"},
]


@pytest.fixture(scope="module")
def world(stack):
    return build_world(stack.base, prefix="importui")


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


def upload(page: Any, name: str, data: bytes) -> None:
    page.get_by_label("CSV file").set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": data}])


def all_items(client: Any) -> list[dict]:
    items, cursor = [], ""
    while True:
        page = client.get(f"/v1/items?limit=200{'&cursor=' + cursor if cursor else ''}")
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items


def result(page: Any) -> Any:
    return page.get_by_test_id("import-summary")


def test_admin_imports_items_dry_run_shows_the_bad_rows_and_a_second_run_creates_nothing(world, browser):
    # Given a 12-row items file whose rows 4 (no subject) and 9 (requester not an email) are bad
    tag = secrets.token_hex(3)
    rows = [["Subject", "Description", "Requester email"]]
    for n in range(1, 13):
        rows.append(
            [f"Imported {tag} #{n}", f"Line one of {n}\nline two, with a comma", f"buyer{n}@customer-a.example"]
        )
    rows[4][0] = ""
    rows[9][2] = "not-an-email"
    # and the admin on the admin pages, who reaches the import screen from the admin sections
    page = open_app(world, browser, "/admin/types", who="admin")
    page.get_by_role("navigation", name="Admin sections").get_by_role("link", name="Import").click()
    page.get_by_role("heading", name="Import", exact=True).wait_for()
    expect(page.get_by_label("What the file holds")).to_have_value("items")

    # When the admin uploads it as items
    upload(page, "items.csv", csv_bytes(rows))
    # Then the preview shows the file and the API's guess maps the columns
    page.get_by_role("status").filter(has_text="items.csv: 12 rows, 3 columns.").wait_for()
    expect(page.get_by_label("Field for column Subject")).to_have_value("title")
    expect(page.get_by_label("Field for column Requester email")).to_have_value("requester")
    settle(page)

    # When they run a dry run, then exactly the two bad rows are listed and nothing is written
    page.get_by_role("button", name="Dry run").click()
    expect(result(page)).to_contain_text("Dry run: 12 rows checked — 10 would be created")
    expect(result(page)).to_contain_text("2 rows with errors")
    errors = page.get_by_role("table", name="Import errors")
    cells = [r.locator("td").all_inner_texts() for r in errors.locator("tbody tr").all()]
    listed = {int(row): field for row, field, _reason in cells}
    assert listed.keys() == {4, 9}
    assert listed[4] in ("Subject", "title") and listed[9] in ("Requester email", "requester")
    assert all(reason.strip() for *_, reason in cells)
    # and the same list downloads as a CSV for fixing the file
    with page.expect_download() as download:
        page.get_by_role("button", name="Download errors (CSV)").click()
    assert download.value.suggested_filename == "items-errors.csv"
    saved = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert [r[:2] for r in saved] == [["row", "field"], ["4", listed[4]], ["9", listed[9]]]
    assert not [i for i in all_items(world.admin) if tag in i["title"]]
    screenshot(page, "admin-import-dry-run")

    # When they import, then 10 items are created and the API has them
    page.get_by_role("button", name="Import", exact=True).click()
    expect(result(page)).to_contain_text("Import finished: 12 rows read — 10 created, 0 skipped", timeout=30_000)
    expect(page.get_by_label("Import progress")).to_have_attribute("value", "100")
    created = sorted(i["title"] for i in all_items(world.admin) if tag in i["title"])
    assert created == sorted(f"Imported {tag} #{n}" for n in range(1, 13) if n not in (4, 9))

    # When they import the same file again, then nothing more is created: the 10 are skipped
    page.get_by_role("button", name="Import", exact=True).click()
    expect(result(page)).to_contain_text("Import finished: 12 rows read — 0 created, 10 skipped", timeout=30_000)
    assert len([i for i in all_items(world.admin) if tag in i["title"]]) == 10


class FakeImports:
    """POST /v1/imports/mapping and /v1/imports answered in the browser; batch reports from `answer(body)`, and
    with `hold` each batch waits in `pending` until the test releases it."""

    def __init__(self, page: Any, answer: Any = None, hold: bool = False) -> None:
        self.bodies: list[dict] = []
        self.pending: list[Any] = []
        self.answer = answer or self.ok
        self.hold = hold
        page.route("**/v1/imports/mapping", self.mapping)
        page.route("**/v1/imports", self.imports)

    @staticmethod
    def ok(body: dict) -> tuple[int, dict]:
        count = len(list(csv.reader(io.StringIO(body["csv"])))) - 1
        return 200, {"rows": count, "created": count, "skipped": 0, "errors": []}

    def mapping(self, route: Any) -> None:
        header = json.loads(route.request.post_data)["header"]
        guess = {"Subject": "title", "Requester email": "requester"}
        body = {"mapping": {c: guess.get(c) for c in header}, "fields": FIELDS}
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    def imports(self, route: Any) -> None:
        body = json.loads(route.request.post_data)
        self.bodies.append(body)
        if self.hold:
            self.pending.append((route, body))
        else:
            self.release(route, body)

    def release(self, route: Any, body: dict) -> None:
        status, payload = self.answer(body)
        route.fulfill(status=status, content_type="application/json", body=json.dumps(payload))

    def release_next(self, page: Any) -> None:
        page.wait_for_function("1")  # let the route handler run
        for _ in range(100):
            if self.pending:
                break
            page.wait_for_timeout(50)
        route, body = self.pending.pop(0)
        self.release(route, body)


def big_file(n: int) -> bytes:
    return csv_bytes([["Subject", "Requester email"], *([f"Row {i}", f"r{i}@example.com"] for i in range(1, n + 1))])


def test_a_big_file_goes_in_numbered_batches_of_500_with_the_bar_per_batch_and_cancel_between_batches(world, browser):
    # Given the screen with a 1,200-row file, the API answered in the browser, batch 2 reporting row 777 as bad
    def answer(body: dict) -> tuple[int, dict]:
        status, report = FakeImports.ok(body)
        if body["first_row"] == 501:
            report = {
                **report,
                "created": report["created"] - 1,
                "errors": [{"row": 777, "field": "Subject", "message": "title is required"}],
            }
        return status, report

    page = open_app(world, browser, "/admin/import", who="admin")
    fake = FakeImports(page, answer)
    upload(page, "big.csv", big_file(1200))
    expect(page.get_by_label("Field for column Subject")).to_have_value("title")
    expect(page.get_by_role("button", name="Import", exact=True)).to_be_disabled()

    # When the admin runs a dry run
    page.get_by_role("button", name="Dry run").click()
    expect(result(page)).to_contain_text(
        "Dry run: 1,200 rows checked — 1,199 would be created, 0 already imported, 1 row with errors"
    )
    # Then three batches went, 500, 500 and 200 rows, each with the header, its first row's number and the mapping
    assert [(b["first_row"], b["dry_run"], b["kind"]) for b in fake.bodies] == [
        (1, True, "items"),
        (501, True, "items"),
        (1001, True, "items"),
    ]
    sent = [list(csv.reader(io.StringIO(b["csv"]))) for b in fake.bodies]
    assert [len(s) - 1 for s in sent] == [500, 500, 200]
    assert all(s[0] == ["Subject", "Requester email"] for s in sent) and sent[1][1] == ["Row 501", "r501@example.com"]
    assert fake.bodies[0]["mapping"] == {"Subject": "title", "Requester email": "requester"}
    # and the report lists row 777 with its field and reason
    expect(page.get_by_role("table", name="Import errors").locator("tbody tr")).to_have_text(
        ["777Subjecttitle is required"]
    )

    # When they import with every batch held until released
    fake.bodies.clear()
    fake.hold = True
    page.get_by_role("button", name="Import", exact=True).click()
    bar = page.get_by_label("Import progress")
    expect(bar).to_have_attribute("value", "0")
    fake.release_next(page)
    # Then the bar advances per batch
    expect(bar).to_have_attribute("value", "41")
    expect(page.get_by_role("status").filter(has_text="Imported 500 of 1,200 rows (batch 1 of 3)")).to_be_visible()
    # When they cancel while batch 2 is in flight, then batch 2 completes and batch 3 is never sent
    page.get_by_role("button", name="Cancel").click()
    fake.release_next(page)
    expect(result(page)).to_contain_text("Import stopped: 1,000 rows read — 999 created")
    assert [b["first_row"] for b in fake.bodies] == [1, 501]
    assert all(b["dry_run"] is False for b in fake.bodies)
    expect(page.get_by_role("button", name="Cancel")).to_be_hidden()
    screenshot(page, "admin-import-stopped")


def test_a_batch_the_api_refuses_is_shown_with_its_reason_and_the_import_resumes_from_it(world, browser):
    # Given an API that refuses the second batch once (413) and a 1,000-row file checked by a dry run
    refused: list[int] = []

    def answer(body: dict) -> tuple[int, dict]:
        if body["first_row"] == 501 and not body["dry_run"] and not refused:
            refused.append(1)
            return 413, {"error": {"code": "too_large", "message": "A batch holds at most 5 MB", "details": {}}}
        return FakeImports.ok(body)

    page = open_app(world, browser, "/admin/import", who="admin")
    fake = FakeImports(page, answer)
    upload(page, "thousand.csv", big_file(1000))
    page.get_by_role("button", name="Dry run").click()
    expect(result(page)).to_contain_text("Dry run: 1,000 rows checked")

    # When the import meets the refusal
    page.get_by_role("button", name="Import", exact=True).click()
    # Then the page says which rows and why, keeps what was done, and offers to resume
    expect(
        page.get_by_role("alert").filter(has_text="Rows 501–1000 were not imported: A batch holds at most 5 MB")
    ).to_be_visible()
    expect(result(page)).to_contain_text("Import stopped: 500 rows read — 500 created")
    # When they resume, then the run continues from row 501 and the totals include the first batch
    fake.bodies.clear()
    page.get_by_role("button", name="Resume from row 501").click()
    expect(result(page)).to_contain_text("Import finished: 1,000 rows read — 1,000 created")
    assert [b["first_row"] for b in fake.bodies] == [501]


def test_an_unreadable_file_and_a_failing_mapping_are_explained_on_the_page(world, browser):
    page = open_app(world, browser, "/admin/import", who="admin")
    # Given a file whose quote is never closed, then the page names the line
    upload(page, "broken.csv", b'Subject,Requester email\r\nok,a@b.example\r\n"never closed,x\r\n')
    expect(page.get_by_role("alert")).to_have_text("broken.csv: A quoted field opened on line 3 is never closed.")
    # Given a row with a cell past the header (the API would refuse its batch), then the page names the row
    upload(page, "wide.csv", b"Subject,Requester email\r\n,,\r\nok,a@b.example\r\nbad,b@b.example,extra\r\n")
    expect(page.get_by_role("alert")).to_have_text(
        "wide.csv: row 2 has more cells than the header line names. Name those columns or remove the cells."
    )
    # Given a header-only file, then it says there are no rows
    upload(page, "empty.csv", b"Subject\r\n")
    expect(page.get_by_role("alert")).to_have_text("empty.csv has a header line but no rows.")
    # Given the API refusing the mapping request, then its reason is shown, not a blank
    page.route(
        "**/v1/imports/mapping",
        lambda route: route.fulfill(
            status=422,
            content_type="application/json",
            body=json.dumps(
                {
                    "error": {
                        "code": "validation_error",
                        "message": "header: at most 200 columns",
                        "details": {"field": "header"},
                    }
                }
            ),
        ),
    )
    upload(page, "ok.csv", big_file(3))
    expect(page.get_by_role("alert")).to_have_text(
        "The columns cannot be matched: header: at most 200 columns (header)"
    )
