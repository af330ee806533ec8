"""Outgoing webhooks' network adapter: the SSRF-guarded HTTP sender (the pure rules live in tandem.domain.webhooks)."""

from __future__ import annotations

from tandem.webhooks.sender import HttpSender

__all__ = ["HttpSender"]
