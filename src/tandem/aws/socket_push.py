"""Frames to API Gateway WebSocket connections: the management API's `post_to_connection` (issue 14).

The endpoint is the WebSocket API's stage URL (`https://{api id}.execute-api.{region}.amazonaws.com/{stage}`,
TANDEM_WS_ENDPOINT, set by the infra template), so the REST API and the timers push as well as the socket's own
Lambdas. A `GoneException` (410) means the socket is closed: the caller forgets it."""

from __future__ import annotations

from functools import cached_property
from typing import Any


class ApiGatewayPush:
    def __init__(self, endpoint: str, region: str) -> None:
        self._endpoint, self._region = endpoint, region

    @cached_property
    def _client(self) -> Any:
        from tandem.aws.clients import create_client

        return create_client("apigatewaymanagementapi", region_name=self._region, endpoint_url=self._endpoint)

    def send(self, connection_id: str, data: bytes) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._client.post_to_connection(ConnectionId=connection_id, Data=data)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("GoneException", "410"):
                return False
            raise
        return True
