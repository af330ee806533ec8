"""Chalice's local API Gateway, taught one thing API Gateway does: a greedy `{proxy+}` path variable.

The API registers `/v1/{proxy+}` so any unknown path answers our 404; Chalice's local matcher only knows
one-segment variables, so without this a deeper unknown path would get the emulator's 403 instead.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

from chalice.local import MatchResult, RouteMatcher


class GreedyRouteMatcher(RouteMatcher):
    def match_route(self, url: str) -> MatchResult:
        try:
            return super().match_route(url)
        except ValueError:
            parsed = urlparse(url)
            path = parsed.path.rstrip("/")
            for route_url in self.route_urls:
                if not route_url.endswith("+}"):
                    continue
                prefix, _, variable = route_url.rpartition("/{")
                if path.startswith(prefix + "/"):
                    captured = {variable[:-1]: path[len(prefix) + 1 :]}
                    return MatchResult(route_url, captured, parse_qs(parsed.query, keep_blank_values=True))
            raise


def greedy(gateway: Any, app: Any) -> Any:
    """Install the greedy matcher on a LocalGateway (also the one inside chalice.test.Client)."""
    gateway.event_converter._route_matcher = GreedyRouteMatcher(list(app.routes))
    return gateway
