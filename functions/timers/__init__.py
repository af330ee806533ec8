"""Blueprint: the every-minute schedule (SLA clocks, reminders, retries)."""

from __future__ import annotations

from chalice import Blueprint, Rate

timers = Blueprint(__name__)


@timers.schedule(Rate(1, unit=Rate.MINUTES), name="on_tick")
def on_tick(event) -> dict:
    """Fire every timer that is due; each fires once however often the schedule delivers."""
    from tandem.runtime.observability import lambda_scope
    from tandem.runtime.wiring import container

    with lambda_scope("on_tick", getattr(event, "context", None)):
        return container().run_timers()
