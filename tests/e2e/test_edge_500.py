"""A crash outside GraphQL (a bug in a middleware) answers a JSON 500 without a trace.

In process: a middleware that raises is planted into the real app from ``create_app``;
``httpx.ASGITransport`` carries the request (no server can crash on demand).
"""

from __future__ import annotations

import logging

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from gateway.app import create_app
from gateway.settings import Settings

SECRET = "Bearer s3cr3t-token-value"


class Buggy:
    """A middleware with a bug: it raises on every HTTP request."""

    def __init__(self, app: object) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raise KeyError(f"middleware bug holding {SECRET}")


async def test_a_middleware_crash_is_a_json_500_with_a_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app(Settings(upstream="http://127.0.0.1:9"))
    app.add_middleware(Buggy)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="gateway.edge"):
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            response = await client.post(
                "/graphql",
                json={"query": "{ __typename }"},
                headers={"Authorization": SECRET, "X-Request-ID": "crash-42"},
            )
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "errors": [
            {
                "message": "Internal server error.",
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "crash-42"},
            }
        ]
    }
    assert "middleware bug" not in response.text
    assert "s3cr3t" not in response.text
    # The trace is logged, under the same id.
    [record] = [r for r in caplog.records if r.name == "gateway.edge"]
    assert "request_id=crash-42" in record.getMessage()
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], KeyError)


async def test_without_a_caller_id_the_500_carries_a_fresh_one() -> None:
    app = create_app(Settings(upstream="http://127.0.0.1:9"))
    app.add_middleware(Buggy)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        first = await client.get("/healthz")
        second = await client.get("/healthz")
    ids = [r.json()["errors"][0]["extensions"]["requestId"] for r in (first, second)]
    assert all(len(request_id) == 32 for request_id in ids)
    assert ids[0] != ids[1]
    assert first.headers["x-request-id"] == ids[0]
