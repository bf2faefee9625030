"""Upstream trouble over real HTTP: retries, unknown outcomes, deadline, breaker, busy pool.

Each test runs its own gateway (settings of its own) in front of the session's sandbox
and counts upstream calls with ``GET /_sandbox/stats``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from gateway.omi import OmiClient, RetryPolicy, TopUp
from tests.e2e.resilience_support import (
    CREATE,
    DESCRIPTION,
    LIST,
    TOP_UP,
    Sandbox,
    error_codes,
    gateway,
    new_tenant_input,
    post,
    top_up_input,
)
from tests.servers import ServerProcess


@pytest.fixture(scope="module")
def plain(sandbox: ServerProcess) -> Iterator[ServerProcess]:
    """A gateway with the default retry policy and a breaker that stays out of the way."""
    with gateway(sandbox.url, "--read-timeout", "1", breaker_threshold="0") as server:
        yield server


def test_a_read_is_retried_after_a_503(plain: ServerProcess, omi: Sandbox) -> None:
    omi.fault(endpoint="tenant/list", http_status=503, times=1)
    body = post(plain.url, omi.token, LIST)
    assert body.get("errors") is None
    assert len(body["data"]["tenants"]["items"]) == 2
    assert omi.calls("tenant/list") == 2


@pytest.mark.parametrize("fault", [{"http_status": 502}, {"http_status": 504}, {"mode": "drop"}])
def test_a_read_is_retried_at_most_twice(
    fault: dict[str, object], plain: ServerProcess, omi: Sandbox
) -> None:
    omi.fault(endpoint="tenant/list", **fault)
    body = post(plain.url, omi.token, LIST)
    assert error_codes(body) == ["UPSTREAM_UNAVAILABLE"]
    assert omi.calls("tenant/list") == 3


def test_no_retry_after_a_500(plain: ServerProcess, omi: Sandbox) -> None:
    omi.fault(endpoint="tenant/list", http_status=500, times=1)
    body = post(plain.url, omi.token, LIST)
    assert error_codes(body) == ["UPSTREAM_UNAVAILABLE"]
    assert omi.calls("tenant/list") == 1


def test_no_retry_after_a_read_timeout(plain: ServerProcess, omi: Sandbox) -> None:
    omi.fault(endpoint="tenant/list", mode="hang", times=1)
    body = post(plain.url, omi.token, LIST)
    assert error_codes(body) == ["UPSTREAM_TIMEOUT"]
    assert omi.calls("tenant/list") == 1


def test_a_top_up_dropped_after_sending_is_not_retried_and_says_so(
    plain: ServerProcess, omi: Sandbox
) -> None:
    tenant_id, email = omi.new_tenant()
    before = omi.balance(tenant_id)
    omi.reset_stats()
    omi.fault(endpoint="tenant/update_balance", mode="drop_after", times=1)
    body = post(plain.url, omi.token, TOP_UP, top_up_input(email, 25_000))
    result = body["data"]["topUp"]
    assert result["__typename"] == "TopUpOutcomeUnknown"
    assert result["code"] == "TOP_UP_OUTCOME_UNKNOWN"
    assert (result["email"], result["amount"]) == (email, 25_000)
    assert "balance" in result["message"]
    assert omi.calls("tenant/update_balance") == 1
    assert omi.balance(tenant_id) == before + 25_000  # moved, exactly once


def test_a_top_up_answered_503_is_not_retried(plain: ServerProcess, omi: Sandbox) -> None:
    tenant_id, email = omi.new_tenant()
    omi.reset_stats()
    omi.fault(endpoint="tenant/update_balance", http_status=503, times=1)
    result = post(plain.url, omi.token, TOP_UP, top_up_input(email, 10_000))["data"]["topUp"]
    assert result["__typename"] == "TopUpOutcomeUnknown"
    assert omi.calls("tenant/update_balance") == 1
    assert omi.balance(tenant_id) == 0  # this sandbox's 503 never reached the API


def test_a_create_dropped_after_sending_is_outcome_unknown(
    plain: ServerProcess, omi: Sandbox
) -> None:
    omi.fault(endpoint="tenant/add", mode="drop_after", times=1)
    variables = new_tenant_input()
    result = post(plain.url, omi.token, CREATE, variables)["data"]["createTenant"]
    assert result["__typename"] == "TenantCreationOutcomeUnknown"
    assert result["code"] == "TENANT_CREATION_OUTCOME_UNKNOWN"
    assert result["email"] == variables["input"]["email"]
    assert omi.calls("tenant/add") == 1


class RefuseFirst(httpx.AsyncBaseTransport):
    """A real transport whose first ``refusals`` connections are refused (nothing sent).

    A refused connection cannot be produced on demand by a live server, so this wraps
    the real network rather than faking OMI.
    """

    def __init__(self, refusals: int) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.refusals = refusals

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.refusals > 0:
            self.refusals -= 1
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_a_top_up_whose_connection_was_refused_is_retried(omi: Sandbox) -> None:
    tenant_id, email = omi.new_tenant()
    omi.reset_stats()
    policy = RetryPolicy(retries=2, base_delay=0.01, max_delay=0.02)
    async with httpx.AsyncClient(base_url=omi.url, transport=RefuseFirst(1)) as http:
        client = OmiClient(http, retry=policy)
        await client.top_up(f"Bearer {omi.token}", TopUp(email, 30_000, DESCRIPTION))
    assert omi.calls("tenant/update_balance") == 1  # the refused attempt never arrived
    assert omi.balance(tenant_id) == 30_000


def test_the_request_deadline_ends_a_hang(sandbox: ServerProcess, omi: Sandbox) -> None:
    # OMI's own read timeout is long; the request's deadline is what ends the wait.
    with gateway(sandbox.url, "--read-timeout", "30", request_timeout="1") as server:
        omi.fault(endpoint="tenant/list", mode="hang", times=1)
        body = post(server.url, omi.token, LIST)
    assert error_codes(body) == ["UPSTREAM_TIMEOUT"]
    assert omi.calls("tenant/list") == 1


def test_the_breaker_opens_fails_fast_then_one_probe_closes_it(
    sandbox: ServerProcess, omi: Sandbox
) -> None:
    settings = {"breaker_threshold": "2", "breaker_cool_down": "1", "retries": "0"}
    with gateway(sandbox.url, **settings) as server:
        omi.fault(endpoint="tenant/list", http_status=503)
        for _ in range(2):
            assert error_codes(post(server.url, omi.token, LIST)) == ["UPSTREAM_UNAVAILABLE"]
        assert omi.calls("tenant/list") == 2
        refused = post(server.url, omi.token, LIST)
        assert error_codes(refused) == ["UPSTREAM_UNAVAILABLE"]
        assert "paused" in refused["errors"][0]["message"]
        assert omi.calls("tenant/list") == 2  # failed fast: OMI saw nothing
        omi.clear_faults()
        time.sleep(1.2)  # the cool-down
        assert post(server.url, omi.token, LIST).get("errors") is None  # the probe
        assert post(server.url, omi.token, LIST).get("errors") is None
        assert omi.calls("tenant/list") == 4


def test_a_full_pool_fails_fast_with_a_typed_error(sandbox: ServerProcess, omi: Sandbox) -> None:
    args = ("--max-connections", "1", "--pool-timeout", "0.2")
    with gateway(sandbox.url, *args, breaker_threshold="0") as server:
        omi.fault(endpoint="tenant/list", latency_ms=1500)
        with ThreadPoolExecutor(max_workers=6) as pool:
            bodies = list(pool.map(lambda _: post(server.url, omi.token, LIST), range(6)))
    outcomes = sorted(
        "ok" if body.get("errors") is None else error_codes(body)[0] for body in bodies
    )
    assert "UPSTREAM_BUSY" in outcomes
    assert "ok" in outcomes
    assert set(outcomes) <= {"ok", "UPSTREAM_BUSY"}
    busy = next(body for body in bodies if body.get("errors"))
    assert "nothing was sent" in busy["errors"][0]["message"]
    assert omi.calls("tenant/list") == outcomes.count("ok")  # busy ones never left
