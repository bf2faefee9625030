"""``serve --workers 2`` against one Redis, driven over HTTP: both workers serve, the
detail cache is shared, and /metrics adds up every worker's counts.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.observability.conftest import (
    DETAIL,
    LIST,
    GatewayFactory,
    graphql,
    samples,
    sandbox_calls,
    total,
    value,
)
from tests.servers import ServerProcess


def _request_records(output: str) -> list[dict[str, Any]]:
    records = []
    for line in output.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record["logger"] == "gateway.request":
                records.append(record)
    return records


def _clear(redis_url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=prefix + "*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def _wait_until_counted(url: str, sent: int) -> None:
    """Wait until /metrics counts ``sent`` requests (up to 30 s).

    A worker counts a request after sending its answer; the other worker may serve the
    next /metrics before the first one, descheduled, has counted the last requests.
    """
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if total(samples(url), "omi_gateway_requests_total") >= sent:
            return
        time.sleep(0.05)


@pytest.mark.redis
def test_two_workers_share_redis_and_metrics(
    gateway_for: GatewayFactory,
    clean_sandbox: ServerProcess,
    demo_token: str,
    redis_url: str,
    redis_prefix: str,
) -> None:
    env = {
        "OMI_GATEWAY_CACHE_URL": redis_url,
        "OMI_GATEWAY_CACHE_PREFIX": redis_prefix,
        # Off: each read below must reach the (shared) detail cache, not a worker's
        # response cache (issue 7).
        "OMI_GATEWAY_RESPONSE_CACHE_TTL": "0",
    }
    try:
        with gateway_for("--workers", "2", "--log-format", "json", env=env) as gateway:
            url = gateway.url
            tenant_id = graphql(url, LIST, token=demo_token).json()["data"]["tenants"]["items"][0][
                "id"
            ]
            # The first detail read fills Redis; every later one, by either worker, hits it.
            first = graphql(url, DETAIL, {"id": tenant_id}, token=demo_token)
            assert first.json()["data"]["tenant"]["id"] == tenant_id
            sent = 2

            def detail(_: int) -> httpx.Response:
                return graphql(url, DETAIL, {"id": tenant_id}, token=demo_token)

            pids: set[int] = set()
            # Until both workers have served (one may still be starting on a busy machine).
            deadline = time.monotonic() + 60
            with ThreadPoolExecutor(max_workers=8) as pool:
                while len(pids) < 2 and time.monotonic() < deadline:
                    answers = list(pool.map(detail, range(16)))
                    sent += len(answers)
                    for answer in answers:
                        assert answer.json()["data"]["tenant"]["id"] == tenant_id
                    records = _request_records(gateway.output())
                    pids = {r["pid"] for r in records[2:] if r["operation"] == "OneTenant"}
            _wait_until_counted(url, sent)
            views = [samples(url) for _ in range(6)]
            calls = sandbox_calls(clean_sandbox.url)
    finally:
        _clear(redis_url, redis_prefix)

    assert len(pids) == 2, "one worker served every request"
    assert calls["tenant/info"] == 1, calls  # the cache is shared through Redis
    for found in views:  # whichever worker answers /metrics, it counts all of them
        assert total(found, "omi_gateway_requests_total") == sent
        assert (
            value(found, "omi_gateway_requests_total", operation="OneTenant", outcome="ok")
            == sent - 1
        )
        assert value(found, "omi_gateway_cache_events_total", result="hit") == sent - 2
        assert value(found, "omi_gateway_cache_events_total", result="miss") == 1
        upstream = "omi_gateway_upstream_requests_total"
        assert value(found, upstream, endpoint="tenant/info", outcome="200") == 1
        assert value(found, "omi_gateway_requests_in_flight") == 0


def test_workers_need_an_upstream() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "gateway", "serve", "--workers", "2", "--sandbox"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "--workers above 1 needs --upstream" in result.stderr
