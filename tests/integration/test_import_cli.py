"""`tandem import …` on the test container (memory backend): batches, progress, summary, exit status."""

from __future__ import annotations

import pytest

from integration.test_imports import BAD, items_csv
from integration.world import build_world
from tandem import cli, cli_import


@pytest.fixture
def w(container):
    return build_world(container.deps)


def tandem(*argv: str) -> int:
    with pytest.raises(SystemExit) as done:
        cli.main(list(argv))
    return done.value.code


def test_a_file_is_imported_in_batches_with_progress_lines_a_summary_and_its_bad_rows(w, tmp_path, capsys):
    # Given the generated 1,000-row file with 20 bad rows, whose "Requester e-mail" is guessed as the requester
    path = tmp_path / "tickets.csv"
    path.write_text(items_csv(), encoding="utf-8")
    # When it is imported in batches of 300 (output is no terminal: plain lines)
    code = tandem("import", "items", str(path), "--tenant", "agency", "--batch", "300", "--map", "Assignee=assignees")
    out = capsys.readouterr().out.splitlines()
    # Then one progress line per batch, the summary, every bad row with its column and reason; exit status 1
    assert code == 1
    assert out[0].startswith("mapping: Subject → title, Body → description, Requester e-mail → requester")
    assert [ln.split("  ")[0] for ln in out[1:5]] == ["rows 300/1000", "rows 600/1000", "rows 900/1000",
                                                      "rows 1000/1000"]
    assert out[4] == "rows 1000/1000  created 980  skipped 0  errors 20"
    assert out[5] == "items: 1000 rows, 980 created, 0 skipped, 20 with errors"
    listed = [ln.split(":")[0].split() for ln in out[6:]]
    assert sorted((int(r[1]), " ".join(r[2:])) for r in listed) == sorted((n, c) for n, (c, _) in BAD.items())
    # When it is imported again, then nothing is created and every good row is skipped
    assert tandem("import", "items", str(path), "--tenant", "agency", "--batch", "300") == 1
    assert "items: 1000 rows, 0 created, 980 skipped, 20 with errors" in capsys.readouterr().out


def test_a_dry_run_says_what_would_be_created_and_writes_nothing(w, container, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_text("E-mail,Name\r\nnew@brand-new.example,New\r\n", encoding="utf-8")
    assert tandem("import", "customers", str(path), "--tenant", "agency", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "customers: 1 rows, 1 would be created, 0 skipped, 0 with errors (dry run: nothing written)" in out
    assert container.deps.repos.users.by_email(w.ids["tenant"].id, "new@brand-new.example") is None


def test_on_a_terminal_a_rich_progress_bar_is_drawn(w, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli_import, "plain_output", lambda: False)
    path = tmp_path / "people.csv"
    path.write_text("Email,Name,Role\nzoe@agency.example,Zoe,agent\n", encoding="utf-8")
    assert tandem("import", "users", str(path), "--tenant", "agency") == 0
    out = capsys.readouterr().out
    assert "importing" in out and "1/1" in out and "created 1  skipped 0  errors 0" in out
    assert "users: 1 rows, 1 created, 0 skipped, 0 with errors" in out


def test_what_cannot_start_exits_2_saying_why(w, tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("Subject\nhello\n", encoding="utf-8")
    assert tandem("import", "items", str(path), "--tenant", "nope") == 2
    assert "no tenant 'nope'" in capsys.readouterr().err
    assert tandem("import", "items", str(path), "--tenant", "agency", "--map", "Colour=title") == 2
    assert "no column 'Colour'" in capsys.readouterr().err
    assert tandem("import", "items", str(path), "--tenant", "agency", "--map", "Subject=") == 2
    assert "a column must fill title" in capsys.readouterr().err
    assert tandem("import", "items", str(path), "--tenant", "agency", "--as", "mia@agency.example") == 2
    assert "is no active admin" in capsys.readouterr().err


def test_batches_hold_at_most_their_rows_and_bytes():
    rows = iter([["a", "b"]] * 5)
    assert [n for _, n in cli_import.batches(["x", "y"], rows, 2)] == [2, 2, 1]
    big = iter([["é" * 1_500_000]] * 3)  # 3 MB of UTF-8 each: one row per 5 MB batch
    assert [n for _, n in cli_import.batches(["x"], big, 500)] == [1, 1, 1]


def test_help_names_the_kinds_fields_and_examples(capsys):
    assert tandem("import", "items", "--help") == 0
    text = capsys.readouterr().out
    assert "examples:" in text and "--dry-run" in text and "title*" in text and "tandem import customers" in text
