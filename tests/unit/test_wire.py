"""tandem.dal.wire decodes DynamoDB's wire format as boto3's TypeDeserializer does (it replaces it on the cold path)."""

from __future__ import annotations

import pytest
from boto3.dynamodb.types import TypeDeserializer

from tandem.dal import wire

SAMPLES = [
    {"S": "text"},
    {"N": "12.50"},
    {"N": "-3"},
    {"BOOL": False},
    {"NULL": True},
    {"B": b"\x00\x01"},
    {"SS": ["a", "b"]},
    {"NS": ["1", "2.5"]},
    {"BS": [b"x", b"y"]},
    {"L": [{"S": "a"}, {"N": "1"}, {"M": {"k": {"BOOL": True}}}]},
    {"M": {"pk": {"S": "T#1"}, "n": {"N": "7"}, "tags": {"L": [{"S": "x"}]}, "none": {"NULL": True}}},
]


@pytest.mark.parametrize("value", SAMPLES, ids=[next(iter(s)) for s in SAMPLES])
def test_given_a_wire_value_when_decoded_then_it_equals_boto3s_decoding(value):
    # Given a value as DynamoDB sends it; When decoded by both; Then the values and their types agree
    ours, theirs = wire.deserialize(value), TypeDeserializer().deserialize(value)
    assert ours == theirs
    assert type(ours) is type(theirs)


def test_given_an_empty_or_unknown_value_when_decoded_then_it_is_refused_like_boto3():
    # Given values boto3 refuses; When decoded; Then TypeError, as boto3 raises
    for bad in ({}, {"X": "1"}):
        with pytest.raises(TypeError):
            wire.deserialize(bad)
        with pytest.raises(TypeError):
            TypeDeserializer().deserialize(bad)

