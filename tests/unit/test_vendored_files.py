"""Vendored front-end libraries are the published files (pinned by hash), and what we derive from them is only
what SOURCE.md says."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

FULLCALENDAR = Path(__file__).resolve().parents[2] / "static_portal" / "vendor" / "fullcalendar-5.11.5"
FONT = re.compile(r'url\("data:application/x-font-ttf;charset=utf-8;base64,([A-Za-z0-9+/=]+)"\)')


def sha256(name: str) -> str:
    return hashlib.sha256((FULLCALENDAR / name).read_bytes()).hexdigest()


def test_fullcalendar_files_are_the_published_ones_with_their_licence():
    source = (FULLCALENDAR / "SOURCE.md").read_text()
    for name in ("main.min.js", "main.min.css"):
        assert f"{name.ljust(12)} {sha256(name)}" in source, name
    assert "MIT License" in (FULLCALENDAR / "LICENSE.txt").read_text()


def test_the_csp_stylesheet_differs_only_by_its_icon_font_moved_to_a_file():
    original = (FULLCALENDAR / "main.min.css").read_text()
    derived = (FULLCALENDAR / "main.csp.min.css").read_text()
    [font] = FONT.findall(original)
    assert base64.b64decode(font) == (FULLCALENDAR / "fcicons.ttf").read_bytes()
    assert original.replace(FONT.search(original).group(0), 'url("fcicons.ttf")') == derived
    assert "data:" not in derived
