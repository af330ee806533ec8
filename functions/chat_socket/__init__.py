"""Blueprint: the live chat's WebSocket routes ($connect, $default, $disconnect), each its own Lambda on AWS.

Chalice (1.34) registers WebSocket handlers from a blueprint and `chalice package` emits the WebSocket API for
them, but it wraps them into `WebsocketEvent` objects only when they are declared on the app itself: a blueprint
handler is called as a plain Lambda handler, `(event dict, context)`. These handlers take either, so they keep
working if Chalice ever wraps them. Pushing goes through our own management-API client (tandem/aws/socket_push.py,
also used by the REST API and the timers), so `app.websocket_api` is never used and needs no session.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

chat_socket = Blueprint(__name__)


def _raw(event: Any) -> dict:
    return event.to_dict() if hasattr(event, "to_dict") else event


@chat_socket.on_ws_connect(name="ws_connect")
def on_connect(event: Any, context: Any = None) -> dict:
    """A socket opens: who it is (agent, visitor), kept in the table until it closes."""
    from tandem.runtime import chat_socket as handlers
    from tandem.runtime.observability import lambda_scope
    from tandem.runtime.wiring import container

    with lambda_scope("ws_connect", context):
        return handlers.connect(container(), _raw(event))


@chat_socket.on_ws_message(name="ws_message")
def on_message(event: Any, context: Any = None) -> dict:
    """One client frame (start, send, typing, ping); answers are pushed."""
    from tandem.runtime import chat_socket as handlers
    from tandem.runtime.observability import lambda_scope
    from tandem.runtime.wiring import container

    with lambda_scope("ws_message", context):
        return handlers.message(container(), _raw(event))


@chat_socket.on_ws_disconnect(name="ws_disconnect")
def on_disconnect(event: Any, context: Any = None) -> dict:
    from tandem.runtime import chat_socket as handlers
    from tandem.runtime.observability import lambda_scope
    from tandem.runtime.wiring import container

    with lambda_scope("ws_disconnect", context):
        return handlers.disconnect(container(), _raw(event))
