"""``AiohttpTransport`` against the real sandbox: the OMI client's own end-to-end tests
(every endpoint, every broken wire) run again on it, plus what is the transport's own
(timeouts, a refused connection, a full pool), each with an honest ``maybe_sent``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.omi import OmiClient, TopUp, UpstreamBusy, UpstreamTimeout, UpstreamUnavailable
from gateway.omi.transport import AiohttpTransport
from tests.omi.sandbox_client import add_fault, calls
from tests.omi.test_e2e_endpoints import (
    test_create_then_read_then_conflict,
    test_detail_has_every_field_and_exact_money,
    test_detail_of_an_unknown_or_foreign_tenant_is_not_found,
    test_list_keyword_filters,
    test_list_pages_through_every_tenant,
    test_top_up_moves_exactly_the_amount,
    test_top_up_with_bad_input,
    test_unknown_token_is_a_401_with_text,
)
from tests.omi.test_e2e_faults import (
    CALLS,
    test_503,
    test_drop,
    test_garbage,
    test_latency_still_answers,
    test_statuses_that_name_the_failure,
    test_top_up_whose_answer_is_lost_says_it_may_have_happened,
)
from tests.servers import ServerProcess

# The client's own tests, collected here again with ``omi`` on this transport.
REUSED = (
    test_503,
    test_create_then_read_then_conflict,
    test_detail_has_every_field_and_exact_money,
    test_detail_of_an_unknown_or_foreign_tenant_is_not_found,
    test_drop,
    test_garbage,
    test_latency_still_answers,
    test_list_keyword_filters,
    test_list_pages_through_every_tenant,
    test_statuses_that_name_the_failure,
    test_top_up_moves_exactly_the_amount,
    test_top_up_whose_answer_is_lost_says_it_may_have_happened,
    test_top_up_with_bad_input,
    test_unknown_token_is_a_401_with_text,
)

DESCRIPTION = "Nạp tiền kiểm thử đường truyền aiohttp, mô tả dài hơn năm mươi ký tự nhé."


@pytest.fixture
async def omi(sandbox: ServerProcess) -> AsyncIterator[OmiClient]:
    """An ``OmiClient`` on the session's sandbox over ``AiohttpTransport``."""
    transport = AiohttpTransport(httpx.Limits(max_connections=10))
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=10.0, transport=transport) as http:
        yield OmiClient(http)


async def _until_received(sandbox: ServerProcess, endpoint: str) -> None:
    for _ in range(250):
        if calls(sandbox.url).get(endpoint, 0) >= 1:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"the sandbox never received {endpoint}")


@pytest.mark.parametrize("endpoint", sorted(CALLS))
async def test_hang_ends_with_the_read_timeout_maybe_sent(
    clean_sandbox: ServerProcess, demo_token: str, endpoint: str
) -> None:
    add_fault(clean_sandbox.url, endpoint=endpoint, mode="hang")
    timeout = httpx.Timeout(5.0, read=0.3)
    async with httpx.AsyncClient(
        base_url=clean_sandbox.url, timeout=timeout, transport=AiohttpTransport()
    ) as http:
        with pytest.raises(UpstreamTimeout) as caught:
            await CALLS[endpoint](OmiClient(http), f"Bearer {demo_token}")
    assert caught.value.maybe_sent is True


async def test_nothing_listening_is_unavailable_and_not_sent(demo_token: str) -> None:
    with ServerProcess(["sandbox"], ready_path="/openapi.json") as server:
        url = server.url
    async with httpx.AsyncClient(base_url=url, transport=AiohttpTransport()) as http:
        with pytest.raises(UpstreamUnavailable) as caught:
            await OmiClient(http).top_up(f"Bearer {demo_token}", TopUp("a@b.vn", 10_000, "x"))
    assert caught.value.maybe_sent is False


async def test_a_full_pool_is_busy_and_not_sent(
    clean_sandbox: ServerProcess, demo_token: str
) -> None:
    add_fault(clean_sandbox.url, endpoint="tenant/info", mode="hang")
    transport = AiohttpTransport(httpx.Limits(max_connections=1))
    timeout = httpx.Timeout(5.0, pool=0.2)
    async with httpx.AsyncClient(
        base_url=clean_sandbox.url, timeout=timeout, transport=transport
    ) as http:
        omi = OmiClient(http)
        token = f"Bearer {demo_token}"
        hanging = asyncio.create_task(omi.get_tenant(token, "0" * 24))
        await _until_received(clean_sandbox, "tenant/info")  # the one connection is taken
        with pytest.raises(UpstreamBusy) as caught:
            await omi.top_up(token, TopUp("a@b.vn", 10_000, DESCRIPTION))
        hanging.cancel()
        with pytest.raises(asyncio.CancelledError):
            await hanging
    assert caught.value.maybe_sent is False
    assert calls(clean_sandbox.url).get("tenant/update_balance", 0) == 0
