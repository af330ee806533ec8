"""Notification rendering: Jinja2 templates, text and HTML, autoescaped HTML, one marker above replies."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tandem.mail.compose import one_line

REPLY_MARKER = "##- Please type your reply above this line -##"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=1)
def _env() -> Any:
    # Imported here: only the Lambdas that send mail pay for Jinja2.
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("tandem.mail", "templates"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context: Any) -> Rendered:
    """Render `<template>.subject.txt`, `.txt` and `.html` with the same context (missing names fail loudly)."""
    env = _env()
    context = {"marker": REPLY_MARKER, **context}
    subject = one_line(env.get_template(f"{template}.subject.txt").render(**context))
    return Rendered(
        subject=subject,
        text=env.get_template(f"{template}.txt").render(**context),
        html=env.get_template(f"{template}.html").render(**context),
    )


def cut_at_marker(text: str) -> str:
    """What a person wrote above our marker (the rest is our own quoted mail)."""
    index = text.find(REPLY_MARKER[:24])
    return text[:index].rstrip() if index >= 0 else text
