"""Idle upstream connections close before the server closes them."""

from __future__ import annotations

import uvicorn

from gateway.app import UPSTREAM_KEEPALIVE_SECONDS


def test_upstream_keepalive_is_shorter_than_the_servers() -> None:
    # The sandbox (and the gateway itself) run on uvicorn with its default keep-alive;
    # reusing a connection the server is closing would turn a top-up into "unknown".
    server_keepalive = uvicorn.Config(app="gateway.app:create_app").timeout_keep_alive
    assert 0 < UPSTREAM_KEEPALIVE_SECONDS < server_keepalive
