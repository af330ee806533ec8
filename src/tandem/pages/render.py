"""Render the API's printable pages: Jinja2, autoescaped, missing names fail loudly (like mail/render.py)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# What such a page may load: its own inline styles and a data: icon, nothing else (no script runs, nothing is fetched
# or framed).
PAGE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'")


@lru_cache(maxsize=1)
def _env() -> Any:
    # Imported here: only the requests that ask for a page pay for Jinja2.
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("tandem.pages", "templates"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["hours"] = hours
    return env


def hours(minutes: int) -> str:
    """Minutes as hours and minutes, "2:05"."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def render_page(template: str, **context: Any) -> str:
    return _env().get_template(f"{template}.html").render(**context)
