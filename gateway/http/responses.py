"""A GraphQL-shaped JSON error answered before GraphQL runs."""

from __future__ import annotations

import json

from starlette.types import Send

from gateway.observability.record import note_errors


async def send_graphql_error(send: Send, *, status: int, message: str, code: str) -> None:
    """Answer ``{"errors": [{"message", "extensions": {"code"}}]}`` with ``status``.

    The code also goes to the request's log line and metrics (its ``result``).
    """
    note_errors([code])
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
