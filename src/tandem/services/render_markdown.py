"""Article Markdown → HTML that is safe to put in any page, and its plain text (for the index and snippets).

Two locks, each enough on its own. markdown-it-py renders CommonMark with raw HTML switched off (`<script>` typed
in an article is shown as text, not parsed) and refuses `javascript:`, `vbscript:`, `file:` and `data:` link
targets (after decoding entities, so `&#106;avascript:` is caught too). nh3 (Ammonia) then keeps only an
allow-list of tags and attributes, only http, https and mailto URLs (relative ones stay: they are the portal's
own), and gives every link `rel="noopener nofollow"`. Both libraries are imported on first use: an API cold start
that renders nothing does not pay for them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

TAGS = {"a", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p",
        "pre", "strong", "ul"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
IMAGE_SCHEMES = ("http://", "https://")
LINK_REL = "noopener nofollow"


@cache
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _images_over_http(tag: str, attribute: str, value: str) -> str | None:
    """An image loads from the web or from the portal itself (a relative path), never from a mailto: address."""
    if tag == "img" and attribute == "src" and value.lower().startswith("mailto:"):
        return None
    if tag == "img" and attribute == "src" and ":" in value.split("/", 1)[0] and not value.startswith(IMAGE_SCHEMES):
        return None
    return value


def render(markdown: str) -> str:
    """The sanitised HTML of an article's Markdown."""
    import nh3

    raw = _parser().render(markdown or "")
    return nh3.clean(raw, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     attribute_filter=_images_over_http, link_rel=LINK_REL, strip_comments=True,
                     clean_content_tags={"script", "style"})


def plain_text(html: str) -> str:
    """The words of rendered HTML as one line of text (what search indexes and snippets show)."""
    from tandem.mail.sanitize import html_to_text

    return " ".join(html_to_text(html or "").split())
