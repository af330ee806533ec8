"""The fixtures every end-to-end module shares: one local stack and one browser per module.

A module that needs the stack started differently (extra environment) defines its own `stack`."""

from __future__ import annotations

import pytest

from e2e.portal_helpers import PAGE_ERRORS, chromium, start_stack, stop_stack


@pytest.fixture(scope="module")
def stack():
    s = start_stack()
    yield s
    stop_stack(s)


@pytest.fixture(scope="module")
def browser(stack):
    with chromium() as b:
        yield b


@pytest.fixture(autouse=True)
def no_page_errors():
    """Every browser test fails on a script error or console error of any page it opened."""
    PAGE_ERRORS.clear()
    yield
    errors, PAGE_ERRORS[:] = list(PAGE_ERRORS), []
    assert not errors, "page or console errors:\n" + "\n".join(errors)
