"""Who may frame our pages: the one header function the local stack, the API and CloudFront share."""

from __future__ import annotations

from tandem.security.headers import frame_ancestors, page_headers


def test_frame_ancestors_drops_anything_that_is_not_a_plain_origin():
    assert frame_ancestors(None) == "'none'"
    assert frame_ancestors([]) == "'self'"
    given = ["HTTPS://Shop.Example", "https://shop.example/", "*", "https://*.example", "javascript:x", "https://a b"]
    assert frame_ancestors([*given, 7]) == "'self' https://shop.example"


def test_pages_nobody_may_frame_also_send_x_frame_options_deny_and_framable_ones_do_not():
    assert page_headers()["X-Frame-Options"] == "DENY"
    assert page_headers()["Content-Security-Policy"].endswith("; frame-ancestors 'none'")
    widget = page_headers(["https://intranet.example"])
    assert "X-Frame-Options" not in widget
    assert widget["Content-Security-Policy"].endswith("; frame-ancestors 'self' https://intranet.example")
