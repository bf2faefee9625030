"""The detail cache through a real gateway in front of the real sandbox (issue 4).

Each test starts its own gateway (its own in-memory cache, so every test begins cold)
and counts the upstream calls with the sandbox's ``GET /_sandbox/stats``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import READ_TIMEOUT, assert_no_leak, codes
from tests.servers import ServerProcess

DETAIL = "query($id: ID!) { tenant(id: $id) { id balance status nation } }"
TOP_UP = """
mutation($input: TopUpInput!) {
  topUp(input: $input) { __typename ... on Error { code message } }
}
"""
CREATE = """
mutation($input: CreateTenantInput!) {
  createTenant(input: $input) { __typename ... on TenantCreated { id } ... on Error { code } }
}
"""
DESCRIPTION = "Nạp tiền tháng 5 cho tổng đài, theo hợp đồng dịch vụ số 2024/05 đã ký."


def start_gateway(upstream: str, **env: str) -> ServerProcess:
    """``serve --upstream`` with cache settings from ``env`` (``cacheStatus`` shown)."""
    return ServerProcess(
        ["serve", "--upstream", upstream, "--read-timeout", READ_TIMEOUT],
        ready_path="/healthz",
        env={"OMI_GATEWAY_CACHE_DEBUG": "1", **env},
    )


def post(
    gateway: ServerProcess, token: str, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One GraphQL request as the partner of ``token``; checks nothing secret leaks."""
    response = httpx.post(
        f"{gateway.url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert token not in response.text
    assert "Traceback" not in response.text
    body: dict[str, Any] = response.json()
    return body


def info_calls(sandbox: ServerProcess) -> int:
    """``tenant/info`` calls the sandbox has received since its stats were zeroed."""
    response = httpx.get(f"{sandbox.url}/_sandbox/stats")
    response.raise_for_status()
    calls: int = response.json()["calls"].get("tenant/info", 0)
    return calls


def first_tenant(gateway: ServerProcess, token: str) -> dict[str, Any]:
    """The partner's newest tenant from the list (a summary: no detail call)."""
    body = post(gateway, token, "{ tenants(size: 1) { items { id email } } }")
    item: dict[str, Any] = body["data"]["tenants"]["items"][0]
    return item


def add_fault(sandbox: ServerProcess, **spec: Any) -> None:
    """A sandbox fault (``clean_sandbox`` clears faults after the test)."""
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=spec).raise_for_status()


def cache_status(body: dict[str, Any]) -> str | None:
    """``extensions.cacheStatus`` of a response (debug mode), if any."""
    status: str | None = (body.get("extensions") or {}).get("cacheStatus")
    return status


@pytest.fixture
def gateway(clean_sandbox: ServerProcess) -> Iterator[ServerProcess]:
    """A gateway of this test's own (not the shared one, whose cache is off): default
    TTL, in-memory cache, debug on.
    """
    with start_gateway(clean_sandbox.url) as server:
        yield server


def test_a_repeat_read_costs_no_upstream_call(
    gateway: ServerProcess, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    tenant = first_tenant(gateway, demo_token)
    first = post(gateway, demo_token, DETAIL, {"id": tenant["id"]})
    assert (cache_status(first), info_calls(clean_sandbox)) == ("MISS", 1)
    second = post(gateway, demo_token, DETAIL, {"id": tenant["id"]})
    assert (cache_status(second), info_calls(clean_sandbox)) == ("HIT", 1)
    assert second["data"] == first["data"]
    assert "cache" not in second["extensions"]  # only stale answers say "cache"


def test_fifty_concurrent_cold_reads_cost_one_call(
    gateway: ServerProcess, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    tenant = first_tenant(gateway, demo_token)

    async def read_all() -> list[dict[str, Any]]:
        async with httpx.AsyncClient(
            base_url=gateway.url,
            headers={"Authorization": f"Bearer {demo_token}"},
            limits=httpx.Limits(max_connections=50),
            timeout=30,
        ) as client:
            payload = {"query": DETAIL, "variables": {"id": tenant["id"]}}
            responses = await asyncio.gather(
                *(client.post("/graphql", json=payload) for _ in range(50))
            )
        return [response.json() for response in responses]

    bodies = asyncio.run(read_all())
    assert all(body["data"]["tenant"]["id"] == tenant["id"] for body in bodies)
    assert {cache_status(body) for body in bodies} <= {"MISS", "HIT"}
    assert info_calls(clean_sandbox) == 1


def test_partner_b_is_never_served_partner_as_entry(
    gateway: ServerProcess, clean_sandbox: ServerProcess, demo_token: str, other_token: str
) -> None:
    mine = first_tenant(gateway, demo_token)
    cached = post(gateway, demo_token, DETAIL, {"id": mine["id"]})
    assert cached["data"]["tenant"]["id"] == mine["id"]
    assert info_calls(clean_sandbox) == 1
    # B asks for A's tenant right after A cached it: B's own read upstream says no.
    foreign = post(gateway, other_token, DETAIL, {"id": mine["id"]})
    assert foreign["data"] == {"tenant": None}
    assert (cache_status(foreign), info_calls(clean_sandbox)) == ("MISS", 2)
    # ... and A still has its entry, untouched by B.
    again = post(gateway, demo_token, DETAIL, {"id": mine["id"]})
    assert (again["data"], cache_status(again), info_calls(clean_sandbox)) == (
        cached["data"],
        "HIT",
        2,
    )
    # B's own tenants are B's, read (and cached) in B's scope.
    theirs = first_tenant(gateway, other_token)
    assert theirs["id"] != mine["id"]
    body = post(gateway, other_token, DETAIL, {"id": theirs["id"]})
    assert body["data"]["tenant"]["id"] == theirs["id"]
    assert (cache_status(body), info_calls(clean_sandbox)) == ("MISS", 3)


def test_a_failed_read_is_not_cached(
    gateway: ServerProcess, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    tenant = first_tenant(gateway, demo_token)
    add_fault(clean_sandbox, endpoint="tenant/info", http_status=503)
    failed = post(gateway, demo_token, DETAIL, {"id": tenant["id"]})
    assert codes(failed) == ["UPSTREAM_UNAVAILABLE"]
    assert failed["data"] == {"tenant": None}
    failed_calls = info_calls(clean_sandbox)
    assert failed_calls >= 1  # (one, or more if reads are retried)
    httpx.delete(f"{clean_sandbox.url}/_sandbox/faults").raise_for_status()
    ok = post(gateway, demo_token, DETAIL, {"id": tenant["id"]})
    assert "errors" not in ok
    assert ok["data"]["tenant"]["id"] == tenant["id"]
    assert (cache_status(ok), info_calls(clean_sandbox)) == ("MISS", failed_calls + 1)


def test_the_same_tenant_twice_in_a_query_and_in_the_list_costs_one_call(
    gateway: ServerProcess, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    tenant = first_tenant(gateway, demo_token)
    body = post(
        gateway,
        demo_token,
        "query($id: ID!) { a: tenant(id: $id) { balance } b: tenant(id: $id) { nation }"
        " tenants(size: 1) { items { id currency } } }",
        {"id": tenant["id"]},
    )
    assert "errors" not in body
    assert body["data"]["tenants"]["items"][0]["id"] == tenant["id"]
    assert isinstance(body["data"]["a"]["balance"], int)
    assert info_calls(clean_sandbox) == 1
    assert body["extensions"]["cacheReads"] == {"STALE": 0, "MISS": 1, "BYPASS": 0, "HIT": 0}


def test_top_up_then_read_shows_the_new_balance(
    gateway: ServerProcess, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    tenant = first_tenant(gateway, demo_token)
    before = post(gateway, demo_token, DETAIL, {"id": tenant["id"]})["data"]["tenant"]
    assert cache_status(post(gateway, demo_token, DETAIL, {"id": tenant["id"]})) == "HIT"
    amount = 2_500_000_000
    variables = {"input": {"email": tenant["email"], "amount": amount, "description": DESCRIPTION}}
    assert post(gateway, demo_token, TOP_UP, variables)["data"]["topUp"] == {
        "__typename": "TopUpSucceeded"
    }
    after = post(gateway, demo_token, DETAIL, {"id": tenant["id"]})
    assert after["data"]["tenant"]["balance"] == before["balance"] + amount
    assert cache_status(after) == "MISS"


def test_a_pending_tenant_is_read_again_within_seconds() -> None:
    # Tenants activate 1 s after creation; a fresh entry would live 300 s.
    with (
        ServerProcess(
            ["sandbox", "--admin", "--activation-delay", "1"], ready_path="/openapi.json"
        ) as sandbox,
        start_gateway(sandbox.url, OMI_GATEWAY_CACHE_TTL="300") as gateway,
    ):
        token = httpx.get(f"{sandbox.url}/api/auth", params={"apiKey": "demo-partner-key"})
        token_text: str = token.json()["payload"]["access_token"]
        new = {
            "email": f"owner-{uuid.uuid4().hex[:10]}@example.vn",
            "password": "Str0ng!pass",
            "fullName": "Công ty TNHH Thử nghiệm Cache",
            "ownerName": "Nguyễn Văn Thử",
            "phone": "0901234567",
        }
        created = post(gateway, token_text, CREATE, {"input": new})["data"]["createTenant"]
        assert created["__typename"] == "TenantCreated"
        pending = post(gateway, token_text, DETAIL, {"id": created["id"]})
        assert (pending["data"]["tenant"]["status"], cache_status(pending)) == ("PENDING", "MISS")
        time.sleep(3)  # past activation (1 s) and the pending entry's freshness (2 s)
        active = post(gateway, token_text, DETAIL, {"id": created["id"]})
        assert (active["data"]["tenant"]["status"], cache_status(active)) == ("ACTIVATED", "MISS")
        cached = post(gateway, token_text, DETAIL, {"id": created["id"]})
        assert cache_status(cached) == "HIT"


def test_ttl_zero_turns_the_cache_off(clean_sandbox: ServerProcess, demo_token: str) -> None:
    with start_gateway(clean_sandbox.url, OMI_GATEWAY_CACHE_TTL="0") as gateway:
        tenant = first_tenant(gateway, demo_token)
        for expected_calls in (1, 2, 3):
            body = post(gateway, demo_token, DETAIL, {"id": tenant["id"]})
            assert body["data"]["tenant"]["id"] == tenant["id"]
            assert (cache_status(body), info_calls(clean_sandbox)) == ("BYPASS", expected_calls)


def test_stale_if_error_then_upstream_unavailable_past_max_stale(
    clean_sandbox: ServerProcess, demo_token: str
) -> None:
    env = {"OMI_GATEWAY_CACHE_TTL": "1", "OMI_GATEWAY_CACHE_MAX_STALE": "2"}
    with start_gateway(clean_sandbox.url, **env) as gateway:
        tenant = first_tenant(gateway, demo_token)
        good = post(gateway, demo_token, DETAIL, {"id": tenant["id"]})
        assert cache_status(good) == "MISS"
        add_fault(clean_sandbox, endpoint="tenant/info", http_status=503)
        time.sleep(1.2)  # past the TTL, within max stale
        stale = post(gateway, demo_token, DETAIL, {"id": tenant["id"]})
        assert "errors" not in stale
        assert stale["data"] == good["data"]
        marker = stale["extensions"]["cache"]
        assert marker == {"stale": True, "ageSeconds": marker["ageSeconds"]}
        assert isinstance(marker["ageSeconds"], int)
        assert 1 <= marker["ageSeconds"] < 3
        assert cache_status(stale) == "STALE"
        time.sleep(2.2)  # past TTL + max stale: the entry may no longer answer
        gone = post(gateway, demo_token, DETAIL, {"id": tenant["id"]})
        assert codes(gone) == ["UPSTREAM_UNAVAILABLE"]
        assert gone["data"] == {"tenant": None}
        assert "cache" not in gone.get("extensions", {})
        assert_no_leak(str(gone), sandbox_url=clean_sandbox.url, secrets=[demo_token])


def test_without_debug_responses_carry_no_cache_status(
    clean_sandbox: ServerProcess, demo_token: str
) -> None:
    with start_gateway(clean_sandbox.url, OMI_GATEWAY_CACHE_DEBUG="0") as gateway:
        tenant = first_tenant(gateway, demo_token)
        for _ in range(2):
            body = post(gateway, demo_token, DETAIL, {"id": tenant["id"]})
            assert body["data"]["tenant"]["id"] == tenant["id"]
            assert "extensions" not in body
        assert info_calls(clean_sandbox) == 1
