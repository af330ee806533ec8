"""Item changes, references, form validation, mentions and ids."""

from __future__ import annotations

import pytest

from tandem.domain.errors import ValidationError
from tandem.domain.ids import new_id
from tandem.domain.item_types import FieldType, FormField, check_form, validate_answers
from tandem.domain.items import Item, check_ref, diff_and_apply, format_ref
from tandem.domain.messages import mention_handles, resolve_mentions
from tandem.domain.statuses import Category, default_statuses, status_for_category

NOW = "2026-11-22T10:00:00.000Z"


def item() -> Item:
    return Item("t1", "i1", "T-1", "ticket", "ty", "Title", "new", Category.NEW, NOW, NOW)


def test_diff_reports_only_real_changes():
    updated, diff = diff_and_apply(item(), {"title": "Title", "priority": "high", "tags": ["a"]})
    assert diff == {"priority": ["normal", "high"], "tags": [[], ["a"]]}
    assert updated.priority == "high" and item().priority == "normal"


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "  "},
        {"priority": "whenever"},
        {"due_date": "soon"},
        {"percent_complete": 101},
        {"percent_complete": True},
        {"ref": "T-2"},
        {"assignees": "mia"},
    ],
)
def test_invalid_changes_are_refused(changes):
    with pytest.raises(ValidationError):
        diff_and_apply(item(), changes)


def test_references():
    assert format_ref("ticket", 1042) == "T-1042" and format_ref("task", 77) == "K-77"
    assert check_ref(" t-5 ") == "T-5"
    for bad in ("X-1", "T-", "T-1; drop", ""):
        with pytest.raises(ValidationError):
            check_ref(bad)


FORM = [
    FormField("due", "Due date", FieldType.DATE, required=True),
    FormField("count", "Count", FieldType.NUMBER),
    FormField("where", "Where", FieldType.SINGLE_CHOICE, options=["N", "S"]),
    FormField("tags", "Tags", FieldType.MULTI_CHOICE, options=["x", "y"]),
    FormField("agree", "Agree", FieldType.CHECKBOX, required=True),
    FormField("contact", "Contact", FieldType.EMAIL),
]


def test_form_answers_are_coerced():
    clean = validate_answers(
        FORM,
        {"due": "2026-12-24", "count": "3", "where": "N", "tags": ["y"], "agree": True, "contact": " Me@X.example "},
    )
    assert clean == {
        "due": "2026-12-24",
        "count": 3,
        "where": "N",
        "tags": ["y"],
        "agree": True,
        "contact": "me@x.example",
    }


def test_form_errors_are_reported_together():
    with pytest.raises(ValidationError) as exc:
        validate_answers(FORM, {"count": "many", "where": "E", "tags": ["z"], "contact": "nope", "extra": 1})
    assert set(exc.value.details["fields"]) == {"due", "count", "where", "tags", "agree", "contact", "extra"}


def test_partial_validation_skips_required():
    assert validate_answers(FORM, {"count": 2}, partial=True) == {"count": 2}


def test_form_definitions_are_checked():
    with pytest.raises(ValidationError):
        check_form([FormField("a", "A", FieldType.TEXT), FormField("a", "A", FieldType.TEXT)])
    with pytest.raises(ValidationError):
        check_form([FormField("pick", "Pick", FieldType.SINGLE_CHOICE)])


def test_mentions():
    body = "Hi @mia and @Customer-Support, mail me@example.com not @mia again. @unknown"
    assert mention_handles(body) == ["mia", "customer-support", "unknown"]
    assert resolve_mentions(body, {"mia": "u1"}, {"customer-support": "t1"}) == ["user:u1", "team:t1"]


def test_ids_sort_in_creation_order():
    ids = [new_id() for _ in range(500)]
    assert ids == sorted(ids) and len(set(ids)) == 500


def test_status_categories_map_between_kinds():
    task = default_statuses()["task"]
    assert status_for_category(task, Category.OPEN).key == "in_progress"
    assert status_for_category(task, Category.WAITING).key == "blocked"


def test_reply_separation_keeps_content_and_drops_quotes_and_signatures():
    from tandem.mail.reply import split_reply

    assert split_reply("Thanks!\n\nOn Mon, 23 Nov 2026, Support wrote:\n> old")[0] == "Thanks!"
    assert split_reply("Hi\n\nSee the log at\nhttps://logs.example/1")[0] == "Hi\n\nSee the log at\nhttps://logs.example/1"
    assert split_reply("Works now.\n\n-- \nDana Club\nCEO")[0] == "Works now."
    reply, quoted = split_reply("On 04/02/2012, Megan wrote:\n> Hi\nHello")
    assert reply == "Hello" and "Megan wrote" in quoted
    assert split_reply("Ok\n\nMit freundlichen Grüßen\nDana")[0] == "Ok"
