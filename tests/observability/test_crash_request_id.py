"""A crash behind the request middleware: the JSON 500, its header and the log line
name the same request id.

In process: a middleware with a bug is planted right behind the request middleware of
the real app from ``create_app``; ``httpx.ASGITransport`` carries the request (no
server can crash on demand).
"""

from __future__ import annotations

import logging

import httpx
import pytest
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.app import create_app
from gateway.observability.logging import REQUEST_LOGGER
from gateway.settings import Settings


class Buggy:
    """A middleware with a bug: it raises on every HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raise KeyError("middleware bug")
        await self.app(scope, receive, send)


async def test_a_crash_without_a_caller_id_has_one_id_everywhere(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app(Settings(upstream="http://127.0.0.1:9"))
    # Right behind the request middleware (the first one), in front of the edge's.
    app.user_middleware.insert(1, Middleware(Buggy))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    with caplog.at_level(logging.INFO):
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            response = await client.post("/graphql", json={"query": "{ __typename }"})

    assert response.status_code == 500
    request_id = response.json()["errors"][0]["extensions"]["requestId"]
    assert response.headers["x-request-id"] == request_id
    [line] = [r for r in caplog.records if r.name == REQUEST_LOGGER]
    fields = line.__dict__["fields"]
    assert fields["status"] == 500
    assert fields["request_id"] == request_id
    # The trace is logged by the edge's handler under the same id.
    [trace] = [r for r in caplog.records if r.name == "gateway.edge"]
    assert f"request_id={request_id}" in trace.getMessage()
