"""Real mail from other projects, read in place from ../shared/corpus (never copied into this repo).

Helpers shared by the mail tests: where the corpus is, which of its files are raw messages, and the
expectations other projects wrote for them (Zammad's yml, talon's naming conventions). Without the
corpus every caller skips with the reason, so a checkout on its own still runs green.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
OWN_EMAILS = Path(__file__).resolve().parents[2] / "emails"

# Files that describe mail rather than being mail: events, docs, expectations, HTML fragments.
NOT_MAIL_SUFFIXES = {".json", ".md", ".yml", ".yaml", ".html", ".py", ".rb"}
# Folders of bare message bodies (no headers): reply-separation fixtures, not raw mail.
BODY_FOLDERS = ("github-email_reply_parser", "zapier-email-reply-parser", "mail-parser-reply", "signature")
HEADER_LINE = re.compile(rb"^(From|Received|Return-Path|Message-ID|Subject|Date|To|MIME-Version|Delivered-To):",
                         re.M | re.I)


def corpus_dir(*parts: str) -> Path:
    """The corpus (or a folder inside it); skips the calling test when it is not there."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus not present at {path}")
    return path


def raw_mail_files() -> list[Path]:
    """Every file in the corpus that is a raw message: .eml, Zammad's .box, RT's and spamscope's bare names."""
    root = corpus_dir()
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix.lower() in NOT_MAIL_SUFFIXES:
            continue
        if path.name.startswith(("LICENSE", "SOURCE_", "README")):
            continue
        if any(part in BODY_FOLDERS for part in path.relative_to(root).parts):
            continue
        # Sniff as well as trust suffixes: RT and spamscope name their messages without one.
        if path.suffix.lower() in (".eml", ".box") or HEADER_LINE.search(path.read_bytes()[:8192]):
            found.append(path)
    return found


def read_text(path: Path) -> str:
    """A fixture's text with line endings normalised (several corpus files are CRLF)."""
    return path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")


def own_emails() -> list[Path]:
    """Our own fixtures in tests/emails (written for this project, always present)."""
    return sorted(OWN_EMAILS.glob("*.eml"))


def zammad_pairs() -> list[tuple[Path, dict[str, Any]]]:
    """(mailNNN.box, its expected parse result) for every Zammad message that has a yml beside it."""
    import yaml

    class Loader(yaml.SafeLoader):
        """Zammad's yml tags hashes as `!ruby/hash:ActiveSupport::HashWithIndifferentAccess`: plain mappings."""

    Loader.add_multi_constructor("!ruby/", lambda loader, suffix, node: loader.construct_mapping(node, deep=True))
    pairs = []
    for yml in sorted(corpus_dir("zammad").glob("*.yml")):
        box = yml.with_suffix(".box")
        if box.exists():
            pairs.append((box, yaml.load(yml.read_text(encoding="utf-8"), Loader=Loader)))
    return pairs
