"""Shared fixtures: real servers on loopback, a partner token, a real Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import httpx
import pytest
import redis

from tests.servers import ServerProcess

DEMO_KEY = "demo-partner-key"
OTHER_KEY = "other-partner-key"


def get_token(sandbox_url: str, api_key: str = DEMO_KEY) -> str:
    """A fresh access token from the sandbox's ``/api/auth``."""
    response = httpx.get(f"{sandbox_url}/api/auth", params={"apiKey": api_key})
    response.raise_for_status()
    token: str = response.json()["payload"]["access_token"]
    return token


@pytest.fixture(scope="session")
def sandbox() -> Iterator[ServerProcess]:
    """One sandbox for the session: admin routes on, tenants activate at once.

    Tests that change shared state (faults) must clear what they set.
    """
    with ServerProcess(
        ["sandbox", "--admin", "--activation-delay", "0"], ready_path="/openapi.json"
    ) as server:
        yield server


@pytest.fixture
def clean_sandbox(sandbox: ServerProcess) -> Iterator[ServerProcess]:
    """The session's sandbox with no faults and zeroed call counts, before and after."""
    httpx.delete(f"{sandbox.url}/_sandbox/faults").raise_for_status()
    httpx.delete(f"{sandbox.url}/_sandbox/stats").raise_for_status()
    yield sandbox
    httpx.delete(f"{sandbox.url}/_sandbox/faults").raise_for_status()


@pytest.fixture(scope="session")
def demo_token(sandbox: ServerProcess) -> str:
    """An access token of the demo partner."""
    return get_token(sandbox.url, DEMO_KEY)


@pytest.fixture(scope="session")
def other_token(sandbox: ServerProcess) -> str:
    """An access token of the other partner."""
    return get_token(sandbox.url, OTHER_KEY)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A real Redis (127.0.0.1:6379 by default, ``OMI_TEST_REDIS_URL`` to change).

    Skips with a reason where no Redis answers, except in CI (``CI=true``), where its
    absence fails the test.
    """
    url = os.environ.get("OMI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {url} is required in CI and does not answer: {exc}")
        pytest.skip(f"no Redis answers at {url} ({exc}); set OMI_TEST_REDIS_URL")
    return url


@pytest.fixture
def redis_prefix() -> str:
    """A key prefix of this test's own; ``redis_keys`` (or the caller) deletes its keys after."""
    return f"omi-gateway-test:{uuid.uuid4().hex}:"


@pytest.fixture
def redis_keys(redis_url: str, redis_prefix: str) -> Iterator[redis.Redis]:
    """A client of the test's Redis; deletes every key under ``redis_prefix`` after."""
    client = redis.Redis.from_url(redis_url)
    yield client
    keys = list(client.scan_iter(match=f"{redis_prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()
