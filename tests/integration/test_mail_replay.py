"""Nothing lost: a mail whose ingest fails is kept as a rejection with its reason and raw key, and
`tandem mail replay` runs it through the same ingest again, idempotently. Transient errors propagate."""

from __future__ import annotations

import pytest

from integration.mailbox import compose, deliver, ses_event
from integration.test_notifications import pump
from integration.world import build_world
from tandem import cli
from tandem.runtime.handlers import ingest_ses_event
from tandem.services import ingest_email
from tandem.services.ports import TransientError

SUPPORT = "support@agency.tandem.local"


@pytest.fixture
def w(container):
    world = build_world(container.deps)
    pump(container)
    return world


def _boom(*args, **kwargs):
    raise RuntimeError("the store fell over")


def _tandem(*argv: str) -> int:
    with pytest.raises(SystemExit) as done:
        cli.main(list(argv))
    return done.value.code


def _rejections(container, tenant_id):
    return container.deps.repos.mail.rejections(tenant_id, limit=200).items


def test_any_error_inside_ingest_is_kept_as_a_failed_rejection_with_its_raw_key(container, w, monkeypatch):
    # Given ingest breaks while turning a mail into a ticket
    monkeypatch.setattr(ingest_email, "_sender", _boom)
    raw = compose(sender="dana@club.example", to=SUPPORT, subject="Lost?", body="Please keep me")
    # When SES delivers the mail
    [outcome] = deliver(container, raw, [SUPPORT])
    # Then nothing raised, and the mail is a rejection naming the error and the raw mail
    assert outcome["result"] == "rejected" and outcome["reason"] == "failed: RuntimeError"
    [rejection] = _rejections(container, w.ids["tenant"].id)
    assert rejection.reason == "failed: RuntimeError" and rejection.sender == "dana@club.example"
    assert container.inbound_blobs().get(rejection.raw_key) == raw
    assert rejection.envelope is not None and rejection.envelope.recipients == [SUPPORT]


def test_a_raw_mail_that_cannot_be_read_is_a_failed_rejection_too(container, w):
    # Given an SES event whose raw mail is not in the bucket
    event = ses_event(b"", [SUPPORT], ses_id="gone")
    # When it is ingested
    [outcome] = ingest_ses_event(container, event)["outcomes"]
    # Then it is kept as a failure with the key, not raised
    assert outcome["result"] == "rejected" and outcome["reason"].startswith("failed: ")
    assert _rejections(container, None)[-1].raw_key == "inbound/gone"


def test_a_transient_error_propagates_and_stores_no_rejection(container, w, monkeypatch):
    # Given the store is throttling
    def throttled(*args, **kwargs):
        raise TransientError("ThrottlingException")

    monkeypatch.setattr(ingest_email, "_sender", throttled)
    raw = compose(sender="dana@club.example", to=SUPPORT, subject="Later", body="Retry me")
    # When SES delivers the mail, then the error reaches Lambda (which retries) and no rejection is kept
    with pytest.raises(TransientError):
        deliver(container, raw, [SUPPORT])
    assert _rejections(container, w.ids["tenant"].id) == []


def test_replay_turns_failed_mail_into_items_once(container, w, monkeypatch, capsys):
    # Given two mails whose ingest failed, and one rejected for a reason that still holds
    tenant_id = w.ids["tenant"].id
    monkeypatch.setattr(ingest_email, "_sender", _boom)
    mails = [compose(sender="dana@club.example", to=SUPPORT, subject=f"Lost {i}", body="x") for i in range(2)]
    for raw in mails:
        deliver(container, raw, [SUPPORT])
    monkeypatch.undo()
    deliver(container, compose(sender="v@evil.example", to=SUPPORT, subject="Bad", body="x"), [SUPPORT], virus="FAIL")
    # When the operator replays the tenant's failures, twice
    assert _tandem("mail", "replay", "--tenant", "agency", "--reason", "failed") == 0
    first = capsys.readouterr().out
    assert _tandem("mail", "replay", "--tenant", "agency", "--reason", "failed") == 0
    second = capsys.readouterr().out
    # Then each mail became one ticket, and the second run only found duplicates
    refs = sorted(line.split()[2] for line in first.splitlines() if " created " in line)
    assert len(refs) == 2 and "2 mail(s) replayed, 0 still failing" in first
    assert sorted(line.split()[2] for line in second.splitlines() if " duplicate " in line) == refs
    titles = {container.deps.repos.items.get(tenant_id, ref).title for ref in refs}
    assert titles == {"Lost 0", "Lost 1"}
    # And replaying everything (the virus mail too) adds no rejection
    before = len(_rejections(container, tenant_id))
    assert _tandem("mail", "replay", "--tenant", "agency") == 0
    assert len(_rejections(container, tenant_id)) == before


def test_replay_of_a_mail_that_fails_again_keeps_one_rejection(container, w, monkeypatch, capsys):
    # Given a failed mail whose cause is not fixed yet
    monkeypatch.setattr(ingest_email, "_sender", _boom)
    deliver(container, compose(sender="dana@club.example", to=SUPPORT, subject="Stuck", body="x"), [SUPPORT])
    # When it is replayed twice, then it is reported as still failing and the log holds one rejection
    assert _tandem("mail", "replay", "--tenant", "agency", "--reason", "failed") == 1
    assert _tandem("mail", "replay", "--tenant", "agency", "--reason", "failed") == 1
    assert "1 still failing" in capsys.readouterr().out
    assert len(_rejections(container, w.ids["tenant"].id)) == 1


def test_replay_by_key_recovers_a_raw_mail_nothing_points_to(container, w, capsys):
    # Given raw mail in the inbound bucket that no item and no rejection names (lost by an older version)
    raw = compose(sender="dana@club.example", to=SUPPORT, subject="Orphan", body="Found me")
    container.inbound_blobs().put("inbound/orphan-1", raw, "message/rfc822")
    # When the operator replays that key (a dry run first)
    assert _tandem("mail", "replay", "--key", "inbound/orphan-1", "--dry-run") == 0
    assert "inbound/orphan-1  would replay  (no rejection)" in capsys.readouterr().out
    assert _tandem("mail", "replay", "--key", "inbound/orphan-1") == 0
    # Then it is a ticket of the tenant its headers address, and a second replay is a duplicate
    [line] = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("inbound/")]
    ref = line.split()[2]
    assert container.deps.repos.items.get(w.ids["tenant"].id, ref).title == "Orphan"
    assert _tandem("mail", "replay", "--key", "inbound/orphan-1") == 0
    assert f"duplicate {ref}" in capsys.readouterr().out


def test_replay_help_names_its_options_and_examples(capsys):
    assert _tandem("mail", "replay", "--help") == 0
    text = capsys.readouterr().out
    for word in ("--tenant", "--reason", "--since", "--key", "--dry-run", "examples:", "Idempotent"):
        assert word in text
