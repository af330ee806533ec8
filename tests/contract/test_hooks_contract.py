"""Hook and delivery records behave the same on the in-memory fakes and on PynamoDB (moto)."""

from __future__ import annotations

from dataclasses import replace

from tandem.domain.hooks import Attempt, Delivery, Hook, HookSecret


def _delivery(n: int, hook_id: str = "hk_1", tenant: str = "t1") -> Delivery:
    return Delivery(tenant, f"msg_{n}", hook_id, "item.created", "https://x.example/", '{"id":"evt"}',
                    f"2026-03-02T09:00:0{n}.000Z")


def test_a_delivery_is_written_once_and_read_back_with_its_attempts(repos):
    # Given a delivery written once
    assert repos.deliveries.add(_delivery(1)) is True
    # When the same id is written again (a redelivered stream batch), Then nothing is written
    assert repos.deliveries.add(replace(_delivery(1), body="other")) is False
    assert repos.deliveries.get("t1", "msg_1").body == '{"id":"evt"}'
    # When an attempt is recorded, Then it is read back as written
    saved = replace(_delivery(1), attempts=[Attempt(1, "2026-03-02T09:00:01.000Z", False, 500, 12, "HTTP 500")],
                    next_attempt_at="2026-03-02T09:00:06.000Z")
    repos.deliveries.save(saved)
    assert repos.deliveries.get("t1", "msg_1") == saved
    assert repos.deliveries.get("t2", "msg_1") is None


def test_a_hooks_log_pages_newest_first_and_only_its_own(repos):
    for n in range(1, 6):
        repos.deliveries.add(_delivery(n))
    repos.deliveries.add(_delivery(7, hook_id="hk_2"))
    first = repos.deliveries.list_for_hook("t1", "hk_1", limit=3)
    assert [d.id for d in first.items] == ["msg_5", "msg_4", "msg_3"] and first.after
    rest = repos.deliveries.list_for_hook("t1", "hk_1", limit=3, after=first.after)
    assert [d.id for d in rest.items] == ["msg_2", "msg_1"]


def test_hooks_are_tenant_records_with_their_secrets(repos):
    hook = Hook("t1", "hk_1", "item.created", "https://x.example/", "staff", "2026-03-02T09:00:00.000Z",
                secrets=[HookSecret("whsec_a"), HookSecret("whsec_b", "2026-03-03T09:00:00.000Z")])
    stored = repos.hooks.add(hook)
    assert repos.hooks.get("t1", "hk_1") == stored and stored.version == 1
    assert [h.id for h in repos.hooks.list("t1").items] == ["hk_1"] and repos.hooks.list("t2").items == []
    repos.hooks.delete(stored)
    assert repos.hooks.get("t1", "hk_1") is None
