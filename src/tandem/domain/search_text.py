"""Search words: how text becomes index words and how a query becomes the words to look up (pure).

Both sides fold the same way, so "Hélène" typed as "helene" (or "HELENE") finds it: casefold, NFKD, combining
marks dropped, and a few letters NFKD leaves alone (ø, ł, đ, ı, æ, œ) spelled out. Words are `\\w+` runs of at
least two characters, cut at WORD_CHARS; email addresses and item references are also kept whole, so
"jane.doe@acme.example" and "T-12" are one token each. A source (an item's fields, one message, one customer)
contributes at most WORDS_PER_SOURCE distinct words: its first ones, the title coming first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from tandem.domain.errors import ValidationError
from tandem.domain.limits import SEARCH

WORD_CHARS = 40  # longer words are cut here (a query word too), so they still match by prefix
TOKEN_CHARS = 100  # whole email addresses
MIN_CHARS = 2  # one-letter words are not indexed: every query word needs two characters
WORDS_PER_SOURCE = 1_000  # distinct words of one source; a 20,000-character description rarely has more
QUERY_CHARS = SEARCH
QUERY_WORDS = 8

_LETTERS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe", "ħ": "h", "þ": "th"})
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_REF = re.compile(r"(?<![\w-])[tk]-\d{1,12}(?![\w-])")
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(rf"{_EMAIL.pattern}|{_REF.pattern}|\w+", re.IGNORECASE)
_QUERY_REF = re.compile(r"^[tk]-\d{1,12}$")


def fold(text: str) -> str:
    """Lower case without accents: "Société Ёлка ØRSTED" → "societe елка orsted"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().translate(_LETTERS)  # again: a compatibility form may decompose to capitals (№ → No)


def _cut(token: str) -> str:
    return token[:TOKEN_CHARS] if "@" in token else token[:WORD_CHARS]


def index_words(*texts: str | None, limit: int = WORDS_PER_SOURCE) -> list[str]:
    """The distinct words of `texts` in order of appearance: words, whole emails, references; at most `limit`."""
    seen: dict[str, None] = {}
    for text in texts:
        if not text:
            continue
        folded = fold(text)
        for token in _special_then_words(folded):
            if len(token) >= MIN_CHARS:
                seen.setdefault(_cut(token), None)
                if len(seen) >= limit:
                    return list(seen)
    return list(seen)


def _special_then_words(folded: str) -> Iterable[str]:
    for m in _TOKEN.finditer(folded):
        token = m.group(0)
        yield token
        if not _WORD.fullmatch(token):  # an email or a reference: its words are words too
            yield from _WORD.findall(token)


@dataclass(frozen=True)
class QueryWord:
    """One word to look up: a prefix of index words, or (`exact`) the whole word (item references)."""

    text: str
    exact: bool = False


def query_words(q: str | None, field: str = "q") -> list[QueryWord]:
    """The words of a search box, folded as the index is; ValidationError (422, `field`) when there is nothing
    to look for, the text is longer than QUERY_CHARS, or it has more than QUERY_WORDS words."""
    text = (q or "").strip()
    if len(text) > QUERY_CHARS:
        raise ValidationError(f"{field} takes at most {QUERY_CHARS} characters", {"field": field})
    found: dict[str, QueryWord] = {}
    for chunk in fold(text).split():
        for word in _chunk_words(chunk):
            if len(word.text) >= MIN_CHARS:
                found.setdefault(word.text, word)
    if not found:
        raise ValidationError(f"{field} needs a word of at least {MIN_CHARS} letters or digits", {"field": field})
    words = _without_redundant(list(found.values()))
    if len(words) > QUERY_WORDS:
        raise ValidationError(f"{field} takes at most {QUERY_WORDS} words", {"field": field})
    return words


def _chunk_words(chunk: str) -> list[QueryWord]:
    """One whitespace-separated piece: an email (or its beginning), a reference, or plain words."""
    bare = chunk.strip(".,;:!?()[]{}<>\"'")
    if _QUERY_REF.match(bare):
        return [QueryWord(bare, exact=True)]
    at = bare.find("@")
    if at > 0 and re.fullmatch(r"[\w.+@-]+", bare):
        return [QueryWord(_cut(bare))]
    return [QueryWord(w[:WORD_CHARS]) for w in _WORD.findall(chunk)]


def _without_redundant(words: list[QueryWord]) -> list[QueryWord]:
    """A prefix word that another query word starts with adds nothing ("print printer" → "printer")."""
    kept = []
    for w in words:
        covered = any(o is not w and not w.exact and o.text.startswith(w.text) and o.text != w.text for o in words)
        if not covered:
            kept.append(w)
    return kept


def matches(token: str, word: QueryWord) -> bool:
    """Whether an index word answers a query word."""
    return token == word.text if word.exact else token.startswith(word.text)


SNIPPET_CHARS = 160


def snippet(text: str | None, words: list[QueryWord], width: int = SNIPPET_CHARS) -> str:
    """A window of `text` around its first word that a query word matches (its beginning when none does)."""
    flat = " ".join(unicodedata.normalize("NFC", text or "").split())
    start = 0
    for m in _TOKEN.finditer(flat):
        if any(matches(fold(m.group(0)), w) for w in words):
            start = max(0, m.start() - width // 3)
            break
    if start:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < m.start() else start
    end = start + width
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > start else end
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")


# Documents and sources. A posting says: this word occurs in that source of that document. Item sources are the
# item's own fields, its requester (name and email) and each message, private ones marked so that customers never
# match on the words of an internal note; a customer's are their name and email, and their organisation's name.
# A knowledge base article (issue 14) has one source, its fields: title and the text of its rendered body.
ITEM, CUSTOMER, ARTICLE = "item", "customer", "article"
FIELDS, REQUESTER, ORGANIZATION = "f", "r", "o"
PUBLIC_MESSAGE, PRIVATE_MESSAGE = "m", "p"


def message_source(message_id: str, private: bool) -> str:
    return (PRIVATE_MESSAGE if private else PUBLIC_MESSAGE) + message_id


def is_private(source: str) -> bool:
    return source.startswith(PRIVATE_MESSAGE)


def message_of(source: str) -> str | None:
    """The message id a message source names (None for the other sources)."""
    return source[1:] if source[:1] in (PUBLIC_MESSAGE, PRIVATE_MESSAGE) and len(source) > 1 else None


def item_words(title: str, ref: str, former_refs: list[str], description: str) -> list[str]:
    """An item's own words: its title first, then its references (current and retired), then its description."""
    return index_words(title, ref, " ".join(former_refs), description)


def person_words(name: str | None, email: str | None) -> list[str]:
    return index_words(name, email)


def article_words(title: str, text: str) -> list[str]:
    """An article's words: its title first, then the plain text of its body (not its Markdown: link targets and
    markup are not words a reader sees)."""
    return index_words(title, text)
