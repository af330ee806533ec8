"""HTML from mail, made safe with nh3 (Ammonia): no scripts, styles, handlers or remote content."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# Remote images are how a mail tells its sender it was read; inline cid: images are ours (stored in S3).
URL_SCHEMES = {"http", "https", "mailto", "cid"}
TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em",
        "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "q",
        "s", "small", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "tt", "u", "ul"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan", "rowspan"},
              "th": {"colspan", "rowspan"}, "*": {"dir", "lang"}}


def _only_cid_images(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not value.lower().startswith("cid:"):
        return None
    return value


def sanitize_html(raw: str) -> str:
    """Keep the structure people wrote; drop anything that runs, styles, tracks or escapes the page."""
    import nh3

    return nh3.clean(raw, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     attribute_filter=_only_cid_images, link_rel="noopener noreferrer nofollow",
                     clean_content_tags={"script", "style", "title", "head"})


# Blockquote boundaries, marked while parsing and turned into "> " prefixes after, as text mail quotes.
QUOTE_OPEN, QUOTE_CLOSE = "\x0e", "\x0f"


def _quote_lines(text: str) -> str:
    out, depth = [], 0
    for line in text.split("\n"):
        opened = depth + line.count(QUOTE_OPEN)
        depth = max(0, opened - line.count(QUOTE_CLOSE))
        line = line.replace(QUOTE_OPEN, "").replace(QUOTE_CLOSE, "")
        out.append("> " * opened + line.strip() if opened and line.strip() else line)
    return "\n".join(out)


class _Text(HTMLParser):
    BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "hr"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n" + (QUOTE_OPEN if tag == "blockquote" else ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCK:
            self.parts.append((QUOTE_CLOSE if tag == "blockquote" else "") + "\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data.replace(QUOTE_OPEN, "").replace(QUOTE_CLOSE, ""))


def html_to_text(raw: str) -> str:
    """Readable plain text of an HTML body (for HTML-only mail)."""
    parser = _Text()
    try:
        parser.feed(raw)
        parser.close()
    except Exception:  # the stdlib parser is lenient; anything left is not worth failing a mail for
        return html.unescape(re.sub(r"<[^>]+>", " ", raw))
    text = _quote_lines("".join(parser.parts).replace("\xa0", " "))
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
