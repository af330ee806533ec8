"""JSONPath-like paths of inbound webhook mappings: what parses, what does not, and extraction that cannot crash.

Given any string as a path, parsing gives steps or a ValidationError naming the field — nothing else; given any
JSON document and any valid path, extraction answers a value or MISSING — it never raises.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.domain.errors import ValidationError
from tandem.domain.json_paths import MISSING, extract, parse
from tandem.domain.limits import JSON_PATH

DOC = {"a": {"b": [{"c": 1}, {"c": None}]}, "key with space": "x", "it's": True, "x-y": [[0, 1]], "": "empty"}


@pytest.mark.parametrize(("path", "steps"), [
    ("$", ()),
    ("$.a.b", ("a", "b")),
    ("$.a.b[0].c", ("a", "b", 0, "c")),
    ('$["key with space"]', ("key with space",)),
    ("$['it\\'s']", ("it's",)),
    ('$["a"]["b"][1]', ("a", "b", 1)),
    ("$.x-y[0][1]", ("x-y", 0, 1)),
    ('$[""]', ("",)),
    ('$["\\"q\\" \\\\ \\n"]', ('"q" \\ \n',)),
    ('$["caf\\u00e9 \\ud83d\\ude00"]', ("café 😀",)),
])
def test_valid_paths_parse_into_their_steps(path, steps):
    assert parse(path) == steps


@pytest.mark.parametrize("path", [
    "", "a.b", "$.", "$..a", "$.a[", "$.a[01]", "$.a[-1]", "$.a[*]", "$[?(@.a)]", '$["open', "$['x\\q']", "$ .a",
    "$.1a", '$["\\ud83d"]', '$["\\u12"]', "$.a[1234567]", "$" + ".a" * 33, "$." + "a" * JSON_PATH,
])
def test_invalid_paths_are_a_validation_error_naming_the_field(path):
    with pytest.raises(ValidationError) as caught:
        parse(path, "mapping.fields.priority")
    assert caught.value.details == {"field": "mapping.fields.priority"}


@pytest.mark.parametrize(("path", "value"), [
    ("$.a.b[0].c", 1), ("$.a.b[1].c", None), ('$["key with space"]', "x"), ("$.x-y[0][1]", 1), ('$[""]', "empty"),
    ("$", DOC),
])
def test_extraction_finds_the_value(path, value):
    assert extract(DOC, parse(path)) == value


@pytest.mark.parametrize("path", ["$.a.b[2].c", "$.a.z", "$.a[0]", "$.a.b.c", '$["key with space"].more', "$[0]"])
def test_extraction_of_what_is_not_there_is_missing(path):
    assert extract(DOC, parse(path)) is MISSING


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=8) | st.integers(min_value=0, max_value=99_999), max_size=8))
def test_any_key_written_as_a_quoted_json_string_parses_back(steps):
    # Given steps written the way a tool would (names as JSON strings, ASCII-escaped or not)
    for ascii_only in (True, False):
        path = "$" + "".join(f"[{s}]" if isinstance(s, int) else f"[{json.dumps(s, ensure_ascii=ascii_only)}]"
                             for s in steps)
        # Then parsing gives the same steps back (lone surrogates aside, which JSON cannot round-trip either)
        try:
            assert parse(path) == tuple(steps)
        except ValidationError:
            assert len(path) > JSON_PATH


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80) | st.from_regex(r"\$(\.[a-z_\-]{0,4}|\[[0-9'\"a-z\\ ]{0,6}\]?){0,5}", fullmatch=True))
def test_any_string_parses_or_is_a_validation_error(path):
    try:
        steps = parse(path, "mapping.title")
    except ValidationError as exc:
        assert exc.details == {"field": "mapping.title"}
    else:
        assert all(isinstance(s, str | int) for s in steps)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=25,
)
STEPS = st.lists(st.text(max_size=5) | st.integers(min_value=0, max_value=5), max_size=6).map(tuple)


@settings(max_examples=500, deadline=None)
@given(JSON, STEPS)
def test_extraction_from_any_document_never_raises(document, steps):
    value = extract(document, steps)
    assert value is MISSING or value is None or isinstance(value, bool | int | float | str | list | dict)
