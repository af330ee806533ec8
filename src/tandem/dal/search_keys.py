"""Sort keys of search postings, shared by the table (dynamo_search.py) and its in-memory twin (memory_search.py).

`{i|c|a}#{word}#{inverted doc id}#{source}`: shorter words first ("print" before "printer": `#` sorts before letters
and digits) and, within a word, newest documents first (time-ordered ids stored inverted).
"""

from __future__ import annotations

from tandem.services.ports import Posting

KINDS = {"item": "i", "customer": "c", "article": "a"}
_NAMES = {v: k for k, v in KINDS.items()}
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # domain/ids.py's
_INVERT = str.maketrans(_ALPHABET, _ALPHABET[::-1])


def invert(doc_id: str) -> str:
    """Each id character mirrored in the id alphabet: ascending order becomes newest first (its own inverse)."""
    return doc_id.translate(_INVERT)


def sort_key(p: Posting) -> str:
    return f"{KINDS[p.doc_kind]}#{p.word}#{invert(p.doc_id)}#{p.source}"


def prefix_key(doc_kind: str, word: str, exact: bool) -> str:
    """What the sort keys of a lookup begin with."""
    return f"{KINDS[doc_kind]}#{word}" + ("#" if exact else "")


def posting_of(key: str, target: str | None) -> Posting:
    kind, word, doc, source = key.split("#", 3)
    return Posting(word, _NAMES[kind], invert(doc), source, target or "")
