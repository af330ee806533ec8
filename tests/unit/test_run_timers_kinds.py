"""run_timers names the timer kinds of other modules as literals (so a tick imports a kind's module only when one of
its timers is due): these tests hold the literals to the modules' own names."""

from __future__ import annotations

import inspect

from tandem.services import chat, deliver_hooks, resume_hooks, run_timers, track_time


def test_given_the_timer_kinds_of_other_modules_when_run_timers_dispatches_then_it_names_each_as_they_do():
    # Given the kinds each module schedules; When reading run_timers' dispatch; Then each is tested there by name
    source = inspect.getsource(run_timers._fire)
    for kind in (deliver_hooks.TIMER_KIND, resume_hooks.RESUME_KIND, track_time.LIMIT_KIND, chat.TIMER_KIND):
        assert f'timer.kind == "{kind}"' in source
