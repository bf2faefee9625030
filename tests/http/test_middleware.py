"""CSRF prevention and the body limit, in front of a real server on loopback."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from gateway.http import BodySizeLimit, CSRFPrevention
from tests.servers import free_port


async def graphql(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse({"method": request.method, "received": len(body)})


async def other(request: Request) -> PlainTextResponse:
    return PlainTextResponse("other")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/other", other, methods=["POST"]),
        ]
    )
    wrapped = BodySizeLimit(CSRFPrevention(app), max_bytes=1000)
    port = free_port()
    config = uvicorn.Config(wrapped, host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(5)


QUERY = b'{"query": "{ __typename }"}'


@pytest.mark.parametrize(
    ("method", "path", "headers", "allowed"),
    [
        ("POST", "/graphql", {"content-type": "application/json"}, True),
        ("POST", "/graphql", {"content-type": "application/json; charset=utf-8"}, True),
        ("POST", "/graphql", {"content-type": "application/graphql-response+json"}, True),
        ("POST", "/graphql", {"content-type": "text/plain"}, False),
        ("POST", "/graphql", {"content-type": "Text/Plain; charset=utf-8"}, False),
        ("POST", "/graphql", {"content-type": "application/x-www-form-urlencoded"}, False),
        ("POST", "/graphql", {"content-type": "multipart/form-data; boundary=x"}, False),
        ("POST", "/graphql", {"content-type": "garbage"}, False),
        ("POST", "/graphql", {}, False),
        ("POST", "/graphql", {"content-type": "text/plain", "apollo-require-preflight": "1"}, True),
        ("POST", "/graphql", {"content-type": "text/plain", "apollo-require-preflight": ""}, False),
        ("POST", "/graphql", {"x-apollo-operation-name": "Tenants"}, True),
        ("GET", "/graphql?query=%7B__typename%7D", {}, False),
        ("GET", "/graphql?query=%7B__typename%7D", {"apollo-require-preflight": "true"}, True),
        ("GET", "/graphql", {"accept": "text/html"}, True),
        ("POST", "/other", {"content-type": "text/plain"}, True),
    ],
)
def test_csrf_prevention(
    server: str, method: str, path: str, headers: dict[str, str], allowed: bool
) -> None:
    content = QUERY if method == "POST" else None
    response = httpx.request(method, server + path, headers=headers, content=content)
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_REQUEST"
        assert "Apollo-Require-Preflight" in error["message"]


def test_body_at_the_limit_passes_whole(server: str) -> None:
    body = b"x" * 1000
    response = httpx.post(
        server + "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.json() == {"method": "POST", "received": 1000}


def test_declared_body_over_the_limit_is_refused(server: str) -> None:
    response = httpx.post(
        server + "/graphql", content=b"x" * 1001, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


def test_chunked_body_over_the_limit_is_refused(server: str) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(5):
            yield b"y" * 300

    response = httpx.post(
        server + "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_chunked_body_under_the_limit_arrives_whole(server: str) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(3):
            yield b"z" * 300

    response = httpx.post(
        server + "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.json() == {"method": "POST", "received": 900}
