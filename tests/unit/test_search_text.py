"""Search words: folding, tokens, query words and snippets (domain/search_text.py)."""

from __future__ import annotations

import pytest

from tandem.domain.errors import ValidationError
from tandem.domain.search_text import (
    QUERY_WORDS,
    WORD_CHARS,
    QueryWord,
    fold,
    index_words,
    matches,
    query_words,
    snippet,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hélène Côté à l'hôpital", "helene cote a l'hopital"),  # French
        ("Società Perché città", "societa perche citta"),  # Italian
        ("Ёлка ЁЖ Йошкар-Ола", "елка еж иошкар-ола"),  # Russian: ё → е, й → и (NFKD splits the breve too)
        ("Straße ØRSTED Łódź", "strasse orsted lodz"),
        ("ﬁle №5", "file no5"),  # compatibility forms
    ],
)
def test_folding_drops_case_and_accents(text, folded):
    assert fold(text) == folded


def test_index_words_are_distinct_folded_and_at_least_two_characters():
    # Given a text with accents, repeats and one-letter words
    words = index_words("Hélène a RAPPELÉ, hélène rappelle à 9h")
    # Then each word comes once, folded, in order; the one-letter ones are left out
    assert words == ["helene", "rappele", "rappelle", "9h"]


def test_an_email_address_is_one_token_and_its_parts_are_words():
    words = index_words("Write to Jane.Doe+help@Acme-Corp.example please")
    assert "jane.doe+help@acme-corp.example" in words
    assert {"jane", "doe", "help", "acme", "corp", "example"} <= set(words)


def test_an_item_reference_is_one_token():
    assert "t-12" in index_words("Same as T-12 and k-7")
    assert "k-7" in index_words("Same as T-12 and k-7")


def test_long_words_are_cut_and_a_source_keeps_its_first_words_only():
    assert index_words("x" * 100) == ["x" * WORD_CHARS]
    many = " ".join(f"w{n}" for n in range(50))
    assert index_words(many, limit=10) == [f"w{n}" for n in range(10)]


def test_query_words_are_prefixes_folded_like_the_index():
    # Given a query typed without accents and in capitals
    words = query_words("  HELENE   Societ ")
    # Then they are prefixes, and they match the folded index words
    assert words == [QueryWord("helene"), QueryWord("societ")]
    assert matches(index_words("Hélène")[0], words[0]) and matches(index_words("Società")[0], words[1])
    assert not matches("helen", words[0])


def test_a_query_reference_is_matched_whole_and_an_email_stays_one_word():
    assert query_words("T-12") == [QueryWord("t-12", exact=True)]
    assert not matches("t-120", QueryWord("t-12", exact=True))
    assert query_words("jane.doe@acm") == [QueryWord("jane.doe@acm")]
    assert matches("jane.doe@acme.example", query_words("jane.doe@acm")[0])


def test_a_query_word_that_another_one_extends_is_dropped():
    assert query_words("print printer") == [QueryWord("printer")]


@pytest.mark.parametrize("q", [None, "", "   ", "!!! ??? ...", "a b c", "-- @ --"])
def test_nothing_to_look_for_is_a_validation_error_on_q(q):
    with pytest.raises(ValidationError) as caught:
        query_words(q)
    assert caught.value.details == {"field": "q"}


def test_too_long_or_too_many_words_is_a_validation_error():
    with pytest.raises(ValidationError):
        query_words("x" * 201)
    with pytest.raises(ValidationError):
        query_words(" ".join(f"w{n}" for n in range(QUERY_WORDS + 1)))


def test_a_snippet_shows_the_passage_around_the_first_match():
    text = "Intro words " * 30 + "the Hélène printer jammed again " + "tail words " * 30
    cut = snippet(text, query_words("helene"))
    assert "Hélène printer jammed" in cut
    assert cut.startswith("…") and cut.endswith("…") and len(cut) <= 162


def test_a_snippet_without_a_match_starts_at_the_beginning():
    assert snippet("Short text", query_words("other")) == "Short text"
    assert snippet(None, query_words("other")) == ""
