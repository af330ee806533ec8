"""Real mail from other projects (../shared/corpus): every message parses and ends somewhere, nothing lost.

The corpus is read in place, never copied; without it these tests skip with the reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from integration.mailbox import deliver
from integration.world import build_world
from tandem.mail.parse import parse_email

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
NOT_MAIL = {".json", ".md", ".yml", ".html", ".py", ".rb"}
REPLY_BODIES = ("github-email_reply_parser", "mail-parser-reply", "zapier-email-reply-parser")
OUTCOMES = {"created", "replied", "duplicate", "rejected", "bounce"}

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"mail corpus not present at {CORPUS}")


def raw_messages() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    found = []
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file() or path.suffix.lower() in NOT_MAIL or path.name.startswith(("LICENSE", "SOURCE_")):
            continue
        if path.name in ("README.txt", "README") or any(part in path.parts for part in REPLY_BODIES):
            continue
        head = path.read_bytes()[:4096]
        if re.search(rb"^(From|Received|Return-Path|Message-ID|Subject|Date|To|MIME-Version):", head, re.M | re.I):
            found.append(path)
    return found


def test_the_corpus_has_mail():
    assert len(raw_messages()) > 250


def test_every_message_parses_and_ends_as_item_message_or_rejection(container):
    build_world(container.deps)
    results: dict[str, int] = {}
    for path in raw_messages():
        raw = path.read_bytes()
        parse_email(raw)  # never raises
        outcomes = deliver(container, raw, ["support@agency.tandem.local"])
        assert outcomes, path
        for outcome in outcomes:
            assert outcome["result"] in OUTCOMES, (path, outcome)
            if outcome["result"] == "rejected":
                assert outcome["reason"], path
            results[outcome["result"]] = results.get(outcome["result"], 0) + 1
    print(f"\ncorpus outcomes: {results}")
    assert results.get("created", 0) > 50


def _zammad_pairs() -> list[tuple[Path, dict]]:
    yaml = pytest.importorskip("yaml")

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!ruby/", lambda loader, suffix, node: loader.construct_mapping(node, deep=True))
    pairs = []
    for yml in sorted((CORPUS / "zammad").glob("*.yml")):
        box = yml.with_suffix(".box")
        if box.exists():
            pairs.append((box, yaml.load(yml.read_text(encoding="utf-8"), Loader=Loader)))
    return pairs


def test_zammad_expectations():
    pairs = _zammad_pairs()
    assert pairs
    for box, expected in pairs:
        mail = parse_email(box.read_bytes())
        if "=?" in box.read_text(encoding="utf-8", errors="replace").split("\nFrom:", 1)[-1].split("\n", 1)[0]:
            # An encoded word inside the address: we refuse the sender rather than decode it into someone.
            assert mail.from_addr in (None, expected.get("from_email", "").lower()), box.name
            continue
        if "from_email" in expected:
            assert mail.from_addr == expected["from_email"].lower(), box.name
        if "from_display_name" in expected:
            assert mail.from_name == expected["from_display_name"], box.name
        if "subject" in expected:
            assert mail.subject == re.sub(r"\s+", " ", expected["subject"]).strip(), box.name
        names = [a.get("filename") for a in expected.get("attachments") or [] if a.get("filename")]
        ours = [a.filename for a in mail.attachments]
        for name in names:
            if name == "message.html":
                continue  # Zammad keeps the HTML alternative as a file; we keep it as the sanitised body
            assert name in ours, (box.name, name, ours)


def test_encoded_word_addresses_are_not_decoded_into_an_agent():
    for name, forbidden in (("mail117.box", "agent@victim.example"), ("mail118.box", "agent@example.com")):
        path = CORPUS / "zammad" / name
        if path.exists():
            assert parse_email(path.read_bytes()).from_addr != forbidden, name


def test_sisimai_bounces_are_classified_as_automatic():
    bounces = sorted((CORPUS / "sisimai-set-of-emails" / "maildir" / "bsd").glob("*"))
    assert bounces
    missed = [p.name for p in bounces if not parse_email(p.read_bytes()).auto.is_automatic]
    share = 1 - len(missed) / len(bounces)
    print(f"\nsisimai bounces classified automatic: {len(bounces) - len(missed)}/{len(bounces)} ({share:.0%})")
    assert not missed, missed


def _norm(text: str) -> str:
    return " ".join(text.split())


def reply_cases() -> list[tuple[str, str, str]]:
    """(name, input text, expected new text) from talon's fixtures: standard replies expect their
    `<name>_reply_text` or "Hello" (talon's own rule); signature samples expect the body without it."""
    from tandem.mail.parse import parse_email

    root = CORPUS / "mailgun-talon" / "tests" / "fixtures"
    cases = []
    for eml in sorted((root / "standard_replies").glob("*.eml")):
        expected = eml.with_name(eml.stem + "_reply_text")
        text = parse_email(eml.read_bytes()).text
        cases.append((eml.name, text, expected.read_text().strip() if expected.exists() else "Hello"))
    for body in sorted((root / "signature" / "emails" / "stripped").glob("*_body")):
        signature = body.with_name(body.name.replace("_body", "_signature"))
        if signature.exists():
            full = body.read_text(encoding="utf-8", errors="replace")
            sig = signature.read_text(encoding="utf-8", errors="replace").strip()
            cases.append((body.name, full, full[: full.rfind(sig)] if sig in full else full))
    return cases


def test_reply_separation_matches_talons_expectations():
    from tandem.mail.reply import split_reply

    cases = reply_cases()
    matched = []
    for _name, text, expected in cases:
        reply, quoted = split_reply(text)
        # We separate signatures too (kept in the collapsed part); talon keeps some in the reply.
        same = _norm(reply) == _norm(expected) or (
            _norm(expected).startswith(_norm(reply)) and _norm(expected)[len(_norm(reply)) :].strip() in _norm(quoted)
        )
        matched.append(same and bool(reply))
    share = sum(matched) / len(cases)
    print(f"\nreply text matches talon's expectations: {sum(matched)}/{len(cases)} ({share:.0%})")
    assert share >= 0.9, [c[0] for c, ok in zip(cases, matched, strict=True) if not ok]
