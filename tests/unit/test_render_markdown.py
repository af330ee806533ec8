"""Article Markdown → inert HTML (issue 14): whatever an author (or someone with an agent's session) types, the
stored `body_html` runs nothing, loads nothing from `javascript:` or `data:`, and keeps the Markdown people meant.

Inert is checked on the parsed result, not on substrings of it: every element and attribute of the output is read
back with the standard library's HTML parser, so `&lt;script&gt;` shown as text passes and a real `<script>`
element, an `on…` attribute or a dangerous URL in any attribute fails.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tandem.services.render_markdown import ATTRIBUTES, TAGS, plain_text, render


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.found


def assert_inert(html: str) -> None:
    """Only allowed elements and attributes; no handler; every URL http(s), mailto or relative."""
    for tag, attrs in elements(html):
        assert tag in TAGS, (tag, html)
        for name, value in attrs.items():
            assert name in ATTRIBUTES.get(tag, set()) or (tag == "a" and name == "rel"), (tag, name, html)
            if name in ("href", "src"):
                scheme = (value or "").split(":", 1)[0].lower() if ":" in (value or "").split("/", 1)[0] else ""
                assert scheme in ("", "http", "https", "mailto"), (tag, value, html)
                assert not (tag == "img" and scheme == "mailto"), html


HOSTILE = {
    "script element": "<script>alert(1)</script>",
    "script in a paragraph": "Hello <script>alert(document.cookie)</script> world",
    "img onerror": '<img src=x onerror="alert(1)">',
    "handler on a div": '<div onmouseover="alert(1)">hover</div>',
    "javascript link": "[click](javascript:alert(1))",
    "javascript link, mixed case": "[click](JaVaScRiPt:alert(1))",
    "javascript link, entity-encoded": "[click](&#106;avascript:alert(1))",
    "javascript link, hex entities": "[click](&#x6A;&#x61;vascript:alert(1))",
    "javascript link, named colon entity": "[click](javascript&colon;alert(1))",
    "javascript link, tab inside": "[click](java\tscript:alert(1))",
    "javascript autolink": "<javascript:alert(1)>",
    "javascript reference link": "[click][x]\n\n[x]: javascript:alert(1)",
    "vbscript link": "[click](vbscript:msgbox(1))",
    "raw anchor": '<a href="javascript:alert(1)">click</a>',
    "raw iframe": '<iframe src="https://evil.example"></iframe>',
    "svg with script": "<svg><script>alert(1)</script></svg>",
    "svg onload": "<svg onload=alert(1)>",
    "data: image": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "data: link": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "javascript image": "![x](javascript:alert(1))",
    "mailto image": "![x](mailto:someone@example.com)",
    "style element": "<style>body{display:none}</style>",
    "html comment": "<!-- <script>alert(1)</script> -->",
    "attribute injection in a title": '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
    "form": '<form action="https://evil.example"><input name=p></form>',
}


@pytest.mark.parametrize("markdown", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markdown_renders_inert(markdown):
    # Given Markdown written to run something, When it is rendered, Then nothing in the HTML can run or load it
    assert_inert(render(markdown))


@pytest.mark.parametrize("html", [
    "<script>alert(1)</script>", '<img src="x" onerror="alert(1)">', '<a href="javascript:alert(1)">x</a>',
    '<a href="JavaScript:alert(1)">x</a>', '<img src="data:image/png;base64,AA">', "<svg></svg>",
    '<img src="mailto:a@b.example">',
])
def test_the_inertness_check_catches_what_could_run(html):
    # The check above would notice any of these in the output (so its passing means something)
    with pytest.raises(AssertionError):
        assert_inert(html)


@pytest.mark.parametrize("markdown", ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">'])
def test_raw_html_is_shown_as_text_not_dropped(markdown):
    # Given raw HTML in an article (a how-to may well quote a tag), Then the reader sees it as text
    html = render(markdown)
    assert elements(html) == [("p", {})]
    assert plain_text(html) == markdown


def test_the_markdown_people_write_survives():
    # Given an ordinary article with headings, emphasis, lists, code, a quote, links and an image
    markdown = "\n".join([
        "# Set up", "", "Press **Start**, then *Settings*.", "", "1. One", "2. Two", "", "- a", "- b", "",
        "> Note", "", "`code` and", "", "```", "block <b>", "```", "",
        "[Docs](https://docs.example/a?b=1) · [Mail](mailto:help@example.com) · [Page](/portal/x)", "",
        "![Logo](https://cdn.example/logo.png)", "", "---",
    ])
    # When it is rendered
    html = render(markdown)
    # Then its structure is there, links carry rel="noopener nofollow", and the code block's tag is text
    tags = [t for t, _ in elements(html)]
    for tag in ("h1", "strong", "em", "ol", "ul", "li", "blockquote", "code", "pre", "a", "img", "hr"):
        assert tag in tags, (tag, html)
    links = [a for t, a in elements(html) if t == "a"]
    assert [a["href"] for a in links] == ["https://docs.example/a?b=1", "mailto:help@example.com", "/portal/x"]
    assert all(a["rel"] == "noopener nofollow" for a in links)
    assert ("img", {"src": "https://cdn.example/logo.png", "alt": "Logo"}) in elements(html)
    assert "block &lt;b&gt;" in html
    assert_inert(html)


def test_plain_text_is_the_words_a_reader_sees():
    html = render("# Title\n\nSome **bold** [link](https://x.example) text.")
    assert plain_text(html) == "Title Some bold link text."
