"""The pure side of CSV imports: guessing fields from headers, reading CSV text, row keys, free-mail domains."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.domain.errors import TooLarge, ValidationError
from tandem.domain.imports import (
    MAX_ROWS,
    TARGETS,
    check_mapping,
    guess_mapping,
    is_free_mail,
    mapped_values,
    normalize_header,
    parse_date,
    read_csv,
    row_key,
    split_list,
)


@pytest.mark.parametrize(("header", "field"), [
    ("Subject", "title"), ("TITLE", "title"), ("  Summary ", "title"), ("E-mail", "requester"),
    ("Requester email", "requester"), ("Requester's e-mail address", "requester"), ("Priorité", "priority"),
    ("Due date", "due_date"), ("due_date", "due_date"), ("Assigned to", "assignees"), ("Labels", "tags"),
    ("Ticket ID", "key"), ("Created", None), ("Created at", None), ("Status", None), ("Colour", None),
])
def test_item_headers_are_guessed_whatever_their_case_spacing_accents_and_punctuation(header, field):
    assert guess_mapping("items", [header]) == {header: field}


def test_customer_and_user_headers_have_their_own_synonyms():
    assert guess_mapping("customers", ["E-Mail", "Full name", "Company"]) == {
        "E-Mail": "email", "Full name": "name", "Company": "organization"}
    assert guess_mapping("users", ["Email address", "Name", "Access"]) == {
        "Email address": "email", "Name": "name", "Access": "role"}


def test_a_field_goes_to_the_first_column_that_claims_it():
    assert guess_mapping("items", ["Subject", "Title"]) == {"Subject": "title", "Title": None}


@given(st.text(max_size=40))
def test_guessing_any_header_gives_a_field_of_the_kind_or_none(header):
    names = {t.name for t in TARGETS["items"]}
    assert set(guess_mapping("items", [header]).values()) <= names | {None}


@given(st.text(max_size=30))
def test_normalised_headers_are_lowercase_letters_and_digits_only(header):
    norm = normalize_header(header)
    assert norm == normalize_header(norm.upper()) and all(c.isalnum() for c in norm)


def test_a_mapping_names_real_columns_and_fills_the_required_fields_once():
    header = ["Subject", "Mail", "Other"]
    assert check_mapping("items", header, {"Subject": "title", "Mail": "requester", "Other": None}) == {
        "Subject": "title", "Mail": "requester"}
    with pytest.raises(ValidationError) as bad:
        check_mapping("items", header, {"Subject": "colour", "Missing": "title", "Mail": "requester"})
    fields = [e["field"] for e in bad.value.details["errors"]]
    assert fields == ["mapping.Subject", "mapping.Missing", "mapping"]
    with pytest.raises(ValidationError):
        check_mapping("items", header, {"Subject": "title", "Mail": "title"})


def test_csv_text_with_a_bom_quoted_newlines_and_mixed_line_endings_is_read_row_by_row():
    text = '\ufeffTitle,Description\r\n"Printer, 2nd floor","line one\nline two"\r\n\r\nScanner,""\rFax,x\n'
    header, rows = read_csv(text, first_row=501)
    assert header == ["Title", "Description"]
    assert [(r.number, r.cells) for r in rows] == [
        (501, {"Title": "Printer, 2nd floor", "Description": "line one\nline two"}),
        (502, {"Title": "Scanner", "Description": ""}),
        (503, {"Title": "Fax", "Description": "x"}),
    ]


def test_a_batch_too_big_is_refused_before_any_row_is_looked_at():
    with pytest.raises(TooLarge):
        read_csv("Title\n" + "x\n" * (MAX_ROWS + 1))
    with pytest.raises(TooLarge):
        read_csv("Title\n" + "x" * (5 * 1024 * 1024) + "\n")
    assert len(read_csv("Title\n" + "x\n" * MAX_ROWS)[1]) == MAX_ROWS


def test_text_without_a_header_or_with_too_many_cells_is_refused_naming_the_row():
    with pytest.raises(ValidationError):
        read_csv("\n\n")
    with pytest.raises(ValidationError, match="row 2 has more cells"):
        read_csv("Title\nok\na,b\n")


cells = st.dictionaries(st.sampled_from(["title", "description", "priority", "requester"]),
                        st.text(min_size=1, max_size=20).filter(str.strip), min_size=1)


@given(cells)
def test_a_row_key_does_not_depend_on_column_order_or_surrounding_spaces(values):
    reordered = dict(reversed(list(values.items())))
    padded = {k: f"  {v} " for k, v in values.items()}
    assert row_key(values) == row_key(reordered) == row_key(padded)


@given(cells, cells)
def test_different_values_give_different_row_keys(a, b):
    stripped = ({k: v.strip() for k, v in a.items()}, {k: v.strip() for k, v in b.items()})
    assert (row_key(a) == row_key(b)) == (stripped[0] == stripped[1])


def test_a_mapped_key_column_is_the_row_key_and_long_keys_are_hashed():
    assert row_key({"key": "ZD-42", "title": "A"}) == row_key({"key": "ZD-42", "title": "B"}) == "key:ZD-42"
    long = row_key({"key": "x" * 500})
    assert long.startswith("key#") and len(long) < 100


def test_mapped_values_keep_the_mapped_non_empty_cells_under_their_field():
    from tandem.domain.imports import Row

    row = Row(1, {"Subject": " Hello ", "Mail": "", "Other": "x"})
    assert mapped_values(row, {"Subject": "title", "Mail": "requester"}) == {"title": "Hello"}


@pytest.mark.parametrize(("domain", "free"), [
    ("gmail.com", True), ("GMAIL.COM", True), ("yahoo.co.uk", True), ("hotmail.fr", True), ("acme.example", False),
    ("mail.acme.example", False), ("yahoo-fans.example", False),
])
def test_free_mail_domains_belong_to_people_not_organisations(domain, free):
    assert is_free_mail(domain) is free


def test_lists_and_dates_are_read_from_cells():
    assert split_list("a@x.example, b@x.example;c@x.example\n") == ["a@x.example", "b@x.example", "c@x.example"]
    assert parse_date("2026-03-02T10:00:00Z", "due_date") == "2026-03-02"
    with pytest.raises(ValidationError, match="due_date must be a date"):
        parse_date("31/02/2026", "due_date")
