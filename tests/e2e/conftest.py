"""The fixtures every end-to-end module shares: one local stack and one browser per module.

A module that needs the stack started differently (extra environment) defines its own `stack`."""

from __future__ import annotations

import pytest

from e2e.portal_helpers import chromium, start_stack, stop_stack


@pytest.fixture(scope="module")
def stack():
    s = start_stack()
    yield s
    stop_stack(s)


@pytest.fixture(scope="module")
def browser(stack):
    with chromium() as b:
        yield b
