"""Who may frame the local origin's pages (the HTTP server of `tandem dev`, in process on the memory container)."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from integration.world import build_world
from tandem.security.headers import page_csp
from tandem.services.authenticate import principal_from_token
from tandem.services.tenant_settings import update_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def origin(container):
    from app import app
    from tandem.local.http import HttpServer

    server = HttpServer(app, 0, ROOT / "static_portal", "http://127.0.0.1:9")  # S3 is not needed here
    server.port = server._server.server_address[1]
    server.start()
    yield f"http://127.0.0.1:{server.port}"
    server.stop()


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.headers


@pytest.mark.parametrize("path", ["/app/", "/portal/x/", "/portal/x/index.html", "/", "/widget-demo.html"])
def test_static_pages_answer_frame_ancestors_none_and_x_frame_options_deny(origin, path):
    status, headers = _get(origin + path)
    assert status == 200
    assert headers["Content-Security-Policy"] == page_csp()
    assert headers["Content-Security-Policy"].endswith("; frame-ancestors 'none'")
    assert headers["X-Frame-Options"] == "DENY"


def test_the_widget_panel_through_the_local_origin_names_the_tenants_widget_origins(origin, container):
    # Given a tenant whose widget runs on its intranet
    w = build_world(container.deps)
    admin = principal_from_token(container.deps, w.token("admin"))
    update_settings(container.deps, admin, {"portal": {"allowed_origins": ["https://intranet.clinic.example"]}})
    # When the widget's panel is fetched from the local origin (as widget.js frames it)
    status, headers = _get(origin + "/v1/public/agency/widget")
    # Then this site and the intranet may frame it, and nobody else
    assert status == 200
    assert headers["Content-Security-Policy"].endswith("; frame-ancestors 'self' https://intranet.clinic.example")
    assert "X-Frame-Options" not in headers
