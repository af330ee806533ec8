"""Security headers of the pages we serve (portal, workspace, widget panel, outbox): one CSP and who may frame them.

The local stack (`local/http.py`), the API's widget page and CloudFront's response headers policy
(`infra/template.yml`, checked against `page_csp()` by a test) all send the same policy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

BASE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; connect-src 'self' https://*.amazonaws.com"
)
# A scheme, a host and maybe a port: nothing else may reach a header (no `;`, spaces, paths or wildcards).
ORIGIN_RE = re.compile(r"^https?://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?$")


def frame_ancestors(origins: Iterable[str] | None) -> str:
    """`'none'` for None; otherwise `'self'` plus each well-formed origin (others are dropped, never echoed)."""
    if origins is None:
        return "'none'"
    kept = [o.strip().lower().rstrip("/") for o in origins if isinstance(o, str)]
    return " ".join(["'self'", *dict.fromkeys(o for o in kept if ORIGIN_RE.match(o))])


def page_csp(frame_origins: Iterable[str] | None = None) -> str:
    return f"{BASE_CSP}; frame-ancestors {frame_ancestors(frame_origins)}"


def page_headers(frame_origins: Iterable[str] | None = None) -> dict[str, str]:
    """Headers for an HTML page: nobody may frame it, unless `frame_origins` names who may (the widget's hosts).

    X-Frame-Options cannot name several origins, so it is sent only for pages nobody may frame; browsers that
    know CSP follow `frame-ancestors` and ignore it anyway."""
    headers = {"Content-Security-Policy": page_csp(frame_origins)}
    if frame_origins is None:
        headers["X-Frame-Options"] = "DENY"
    return headers
