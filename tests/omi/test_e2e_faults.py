"""The client against the sandbox's injected faults: codes, statuses, broken wires.

Each call is counted at the sandbox: the client sends exactly one request per call
(no retries at this layer).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from gateway.omi import (
    OMI_CODES,
    InvalidRequest,
    NotFound,
    OmiClient,
    OmiRejected,
    ProtocolError,
    RateLimited,
    TopUp,
    UnknownOmiCode,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from tests.omi.sandbox_client import add_fault, calls, new_tenant
from tests.servers import ServerProcess

DESCRIPTION = "Nạp tiền kiểm thử lỗi đường truyền, mô tả dài hơn năm mươi ký tự cho chắc."

Call = Callable[[OmiClient, str], Awaitable[Any]]
# Each endpoint, by the sandbox's name for it, called with a valid request.
CALLS: dict[str, Call] = {
    "auth": lambda omi, token: omi.authenticate("demo-partner-key"),
    "tenant/list": lambda omi, token: omi.list_tenants(token, page=1, size=3),
    "tenant/info": lambda omi, token: omi.get_tenant(token, "0" * 24),
    "tenant/add": lambda omi, token: omi.create_tenant(token, new_tenant()),
    "tenant/update_balance": lambda omi, token: omi.top_up(
        token, TopUp("nobody@example.vn", 10_000, DESCRIPTION)
    ),
}


@pytest.mark.parametrize("code", sorted(OMI_CODES))
async def test_every_code_through_the_wire(
    omi: OmiClient, clean_sandbox: ServerProcess, demo_token: str, code: str
) -> None:
    add_fault(clean_sandbox.url, endpoint="tenant/add", omi_code=code, times=1)
    with pytest.raises(OmiRejected) as caught:
        await omi.create_tenant(f"Bearer {demo_token}", new_tenant())
    assert type(caught.value) is OMI_CODES[code].error
    assert (caught.value.omi_code, caught.value.http_status) == (code, 200)
    if isinstance(caught.value, InvalidRequest):
        assert caught.value.field == OMI_CODES[code].field
    assert calls(clean_sandbox.url)["tenant/add"] == 1


async def test_an_unknown_code_through_the_wire(
    omi: OmiClient, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    add_fault(clean_sandbox.url, endpoint="tenant/info", omi_code="brand_new_code", times=1)
    with pytest.raises(UnknownOmiCode) as caught:
        await omi.get_tenant(f"Bearer {demo_token}", "0" * 24)
    assert caught.value.omi_code == "brand_new_code"


@pytest.mark.parametrize("endpoint", sorted(CALLS))
async def test_503(
    omi: OmiClient, clean_sandbox: ServerProcess, demo_token: str, endpoint: str
) -> None:
    add_fault(clean_sandbox.url, endpoint=endpoint, http_status=503)
    with pytest.raises(UpstreamUnavailable) as caught:
        await CALLS[endpoint](omi, f"Bearer {demo_token}")
    assert (caught.value.http_status, caught.value.maybe_sent) == (503, True)
    assert calls(clean_sandbox.url)[endpoint] == 1


@pytest.mark.parametrize(("status", "expected"), [(429, RateLimited), (404, NotFound)])
async def test_statuses_that_name_the_failure(
    omi: OmiClient,
    clean_sandbox: ServerProcess,
    demo_token: str,
    status: int,
    expected: type[OmiRejected],
) -> None:
    add_fault(clean_sandbox.url, endpoint="tenant/list", http_status=status)
    with pytest.raises(expected) as caught:
        await omi.list_tenants(f"Bearer {demo_token}", page=1, size=1)
    assert caught.value.http_status == status


async def test_rate_limit_code_with_429(
    omi: OmiClient, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    add_fault(
        clean_sandbox.url, endpoint="tenant/list", http_status=429, omi_code="rate_limit_exceeded"
    )
    with pytest.raises(RateLimited) as caught:
        await omi.list_tenants(f"Bearer {demo_token}", page=1, size=1)
    assert (caught.value.http_status, caught.value.omi_code) == (429, "rate_limit_exceeded")


@pytest.mark.parametrize("endpoint", sorted(CALLS))
async def test_garbage(
    omi: OmiClient, clean_sandbox: ServerProcess, demo_token: str, endpoint: str
) -> None:
    add_fault(clean_sandbox.url, endpoint=endpoint, mode="garbage")
    with pytest.raises(ProtocolError) as caught:
        await CALLS[endpoint](omi, f"Bearer {demo_token}")
    assert (caught.value.http_status, caught.value.maybe_sent) == (200, True)


@pytest.mark.parametrize("endpoint", sorted(CALLS))
async def test_drop(
    omi: OmiClient, clean_sandbox: ServerProcess, demo_token: str, endpoint: str
) -> None:
    add_fault(clean_sandbox.url, endpoint=endpoint, mode="drop")
    with pytest.raises(UpstreamUnavailable) as caught:
        await CALLS[endpoint](omi, f"Bearer {demo_token}")
    assert caught.value.maybe_sent is True
    assert caught.value.http_status is None
    assert calls(clean_sandbox.url)[endpoint] == 1


async def test_top_up_whose_answer_is_lost_says_it_may_have_happened(
    omi: OmiClient, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    token = f"Bearer {demo_token}"
    new = new_tenant()
    tenant_id = await omi.create_tenant(token, new)
    before = (await omi.get_tenant(token, tenant_id)).balance
    assert before is not None
    add_fault(clean_sandbox.url, endpoint="tenant/update_balance", mode="drop_after", times=1)
    with pytest.raises(UpstreamUnavailable) as caught:
        await omi.top_up(token, TopUp(new.email, 50_000, DESCRIPTION))
    assert caught.value.maybe_sent is True
    # It did happen: this is why the caller must not blindly send it again.
    assert (await omi.get_tenant(token, tenant_id)).balance == before + 50_000
    assert calls(clean_sandbox.url)["tenant/update_balance"] == 1


@pytest.mark.parametrize("endpoint", sorted(CALLS))
async def test_hang_ends_with_the_clients_timeout(
    clean_sandbox: ServerProcess, demo_token: str, endpoint: str
) -> None:
    add_fault(clean_sandbox.url, endpoint=endpoint, mode="hang")
    timeout = httpx.Timeout(5.0, read=0.3)
    async with httpx.AsyncClient(base_url=clean_sandbox.url, timeout=timeout) as http:
        with pytest.raises(UpstreamTimeout) as caught:
            await CALLS[endpoint](OmiClient(http), f"Bearer {demo_token}")
    assert caught.value.maybe_sent is True


async def test_latency_still_answers(
    omi: OmiClient, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    add_fault(clean_sandbox.url, endpoint="*", latency_ms=50)
    page = await omi.list_tenants(f"Bearer {demo_token}", page=1, size=2)
    assert len(page.items) == 2


async def test_nothing_listening_is_unavailable_and_not_sent(demo_token: str) -> None:
    with ServerProcess(["sandbox"], ready_path="/openapi.json") as server:
        url = server.url
    # The server is gone: the port refuses connections.
    async with httpx.AsyncClient(base_url=url) as http:
        with pytest.raises(UpstreamUnavailable) as caught:
            await OmiClient(http).top_up(f"Bearer {demo_token}", TopUp("a@b.vn", 10_000, "x"))
    assert caught.value.maybe_sent is False
