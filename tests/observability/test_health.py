"""``/readyz`` follows OMI and the cache backend; ``/healthz`` only the process."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.observability.conftest import GatewayFactory, sandbox_calls
from tests.servers import ServerProcess, free_port

SANDBOX_ARGS = ["sandbox", "--admin", "--activation-delay", "0"]


def _readyz(url: str) -> tuple[int, dict[str, Any]]:
    response = httpx.get(f"{url}/readyz", timeout=10)
    body: dict[str, Any] = response.json()
    return response.status_code, body


def _wait_for(url: str, status: int, within: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while True:
        got, body = _readyz(url)
        if got == status:
            return body
        assert time.monotonic() < deadline, (got, body)
        time.sleep(0.2)


@pytest.fixture
def own_sandbox() -> Iterator[ServerProcess]:
    """A sandbox of this test's own on a fixed port, so it can be stopped and restarted."""
    with ServerProcess(SANDBOX_ARGS, port=free_port(), ready_path="/openapi.json") as server:
        yield server


def test_readyz_follows_the_upstream(
    own_sandbox: ServerProcess, gateway_for: GatewayFactory
) -> None:
    with gateway_for(upstream=own_sandbox.url) as gateway:
        assert _readyz(gateway.url) == (
            200,
            {"status": "ok", "checks": {"upstream": "ok", "cache": "ok"}},
        )

        own_sandbox.stop()
        body = _wait_for(gateway.url, 503)
        assert body["status"] == "unavailable"
        assert body["checks"]["upstream"] == "unreachable"
        assert body["checks"]["cache"] == "ok"
        assert httpx.get(f"{gateway.url}/healthz").status_code == 200

        with ServerProcess(SANDBOX_ARGS, port=own_sandbox.port, ready_path="/openapi.json"):
            assert _wait_for(gateway.url, 200)["status"] == "ok"


def test_readyz_is_503_when_omi_answers_5xx(
    gateway_for: GatewayFactory, clean_sandbox: ServerProcess
) -> None:
    with gateway_for() as gateway:
        fault = {"endpoint": "auth", "http_status": 503}
        httpx.post(f"{clean_sandbox.url}/_sandbox/faults", json=fault).raise_for_status()
        body = _wait_for(gateway.url, 503)
        assert body["checks"] == {"upstream": "http 503", "cache": "ok"}


def test_readyz_probes_at_most_once_a_second(
    gateway_for: GatewayFactory, clean_sandbox: ServerProcess
) -> None:
    with gateway_for() as gateway:
        started = time.monotonic()
        for _ in range(20):
            assert _readyz(gateway.url)[0] == 200
        elapsed = time.monotonic() - started
        probes = sandbox_calls(clean_sandbox.url)["auth"]
    # One probe per started second at most (the memo lasts one second).
    assert 1 <= probes <= math.ceil(elapsed) + 1, (probes, elapsed)


@pytest.mark.redis
def test_readyz_follows_the_cache_backend(
    gateway_for: GatewayFactory, redis_url: str, redis_prefix: str
) -> None:
    with gateway_for(
        env={"OMI_GATEWAY_CACHE_URL": redis_url, "OMI_GATEWAY_CACHE_PREFIX": redis_prefix}
    ) as gateway:
        assert _readyz(gateway.url) == (
            200,
            {"status": "ok", "checks": {"upstream": "ok", "cache": "ok"}},
        )

    nobody = f"redis://127.0.0.1:{free_port()}/0"
    with gateway_for(env={"OMI_GATEWAY_CACHE_URL": nobody}) as gateway:
        status, body = _readyz(gateway.url)
        assert status == 503
        assert body["status"] == "unavailable"
        assert body["checks"]["upstream"] == "ok"
        assert body["checks"]["cache"] != "ok"
