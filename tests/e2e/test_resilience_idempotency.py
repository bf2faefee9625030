"""Idempotency keys over real HTTP: one OMI call per key, in one process and across two."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import redis

from tests.e2e.resilience_support import (
    CREATE,
    TOP_UP,
    Sandbox,
    gateway,
    new_tenant_input,
    post,
    top_up_input,
)
from tests.servers import ServerProcess


@pytest.fixture(scope="module")
def server(sandbox: ServerProcess) -> Iterator[ServerProcess]:
    """A gateway with the in-memory backend (the default)."""
    with gateway(sandbox.url, breaker_threshold="0") as process:
        yield process


def top_up(url: str, token: str, variables: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = post(url, token, TOP_UP, variables)["data"]["topUp"]
    return result


def test_a_repeat_answers_the_first_result_without_calling_omi(
    server: ServerProcess, omi: Sandbox
) -> None:
    tenant_id, email = omi.new_tenant()
    omi.reset_stats()
    key = str(uuid.uuid4())
    first = top_up(server.url, omi.token, top_up_input(email, 40_000, key))
    again = top_up(server.url, omi.token, top_up_input(email, 40_000, key))
    assert first["__typename"] == "TopUpSucceeded"
    assert again == first
    assert omi.calls("tenant/update_balance") == 1
    assert omi.balance(tenant_id) == 40_000


def test_the_same_key_with_another_input_is_refused(server: ServerProcess, omi: Sandbox) -> None:
    tenant_id, email = omi.new_tenant()
    omi.reset_stats()
    key = str(uuid.uuid4())
    assert top_up(server.url, omi.token, top_up_input(email, 10_000, key))["__typename"] == (
        "TopUpSucceeded"
    )
    reused = top_up(server.url, omi.token, top_up_input(email, 20_000, key))
    assert reused["__typename"] == "IdempotencyKeyReused"
    assert reused["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert reused["idempotencyKey"] == key
    # The other mutation with the same key is another input too.
    create = post(server.url, omi.token, CREATE, new_tenant_input(key))["data"]["createTenant"]
    assert create["__typename"] == "IdempotencyKeyReused"
    assert omi.calls("tenant/update_balance") == 1
    assert omi.calls("tenant/add") == 0
    assert omi.balance(tenant_id) == 10_000


def test_keys_are_scoped_to_the_partner(
    server: ServerProcess, omi: Sandbox, other_token: str
) -> None:
    _, email = omi.new_tenant()
    omi.reset_stats()
    key = str(uuid.uuid4())
    top_up(server.url, omi.token, top_up_input(email, 10_000, key))
    # Another partner's request with the same key is its own: OMI refuses it (not its
    # tenant), instead of it being answered with the demo partner's result.
    other = top_up(server.url, other_token, top_up_input(email, 10_000, key))
    assert other["__typename"] == "TopUpDenied"
    assert omi.calls("tenant/update_balance") == 2


def test_ten_concurrent_requests_with_one_key_make_one_call(
    server: ServerProcess, omi: Sandbox
) -> None:
    tenant_id, email = omi.new_tenant()
    omi.reset_stats()
    omi.fault(endpoint="tenant/update_balance", latency_ms=300)  # they all overlap
    variables = top_up_input(email, 15_000, str(uuid.uuid4()))
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda _: top_up(server.url, omi.token, variables), range(10)))
    assert [r["__typename"] for r in results] == ["TopUpSucceeded"] * 10
    assert omi.calls("tenant/update_balance") == 1
    assert omi.balance(tenant_id) == 15_000


def test_an_unknown_outcome_is_replayed_not_sent_again(server: ServerProcess, omi: Sandbox) -> None:
    tenant_id, email = omi.new_tenant()
    omi.reset_stats()
    omi.fault(endpoint="tenant/update_balance", mode="drop_after", times=1)
    variables = top_up_input(email, 12_000, str(uuid.uuid4()))
    first = top_up(server.url, omi.token, variables)
    again = top_up(server.url, omi.token, variables)
    assert first["__typename"] == again["__typename"] == "TopUpOutcomeUnknown"
    assert omi.calls("tenant/update_balance") == 1
    assert omi.balance(tenant_id) == 12_000  # charged once, never twice


def test_a_failure_that_sent_nothing_frees_the_key(server: ServerProcess, omi: Sandbox) -> None:
    tenant_id, email = omi.new_tenant()
    omi.reset_stats()
    variables = top_up_input(email, 11_000, str(uuid.uuid4()))
    # OMI refuses the token (HTTP 401): nothing happened, so the key is not spent.
    omi.fault(endpoint="tenant/update_balance", http_status=401, times=1)
    refused = post(server.url, omi.token, TOP_UP, variables)
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert top_up(server.url, omi.token, variables)["__typename"] == "TopUpSucceeded"
    assert omi.balance(tenant_id) == 11_000


def test_create_tenant_with_a_key_creates_once(server: ServerProcess, omi: Sandbox) -> None:
    variables = new_tenant_input(str(uuid.uuid4()))
    first = post(server.url, omi.token, CREATE, variables)["data"]["createTenant"]
    again = post(server.url, omi.token, CREATE, variables)["data"]["createTenant"]
    assert first["__typename"] == "TenantCreated"
    assert again == first
    assert omi.calls("tenant/add") == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "line\nbreak", " padded "])
def test_an_unusable_key_is_invalid_input_without_a_call(
    key: str, server: ServerProcess, omi: Sandbox
) -> None:
    result = top_up(server.url, omi.token, top_up_input("a@b.vn", 10_000, key))
    assert result["__typename"] == "InvalidInput"
    assert {"field": "idempotencyKey", "code": "INVALID"} in result["problems"]
    assert omi.calls("tenant/update_balance") == 0


def test_two_gateways_sharing_redis_make_one_call(
    sandbox: ServerProcess,
    omi: Sandbox,
    redis_url: str,
    redis_prefix: str,
    redis_keys: redis.Redis,  # deletes the test's keys after
) -> None:
    tenant_id, email = omi.new_tenant()
    omi.reset_stats()
    omi.fault(endpoint="tenant/update_balance", latency_ms=300)
    shared = {"cache_url": redis_url, "cache_prefix": redis_prefix, "breaker_threshold": "0"}
    variables = top_up_input(email, 17_000, str(uuid.uuid4()))
    with gateway(sandbox.url, **shared) as one, gateway(sandbox.url, **shared) as two:
        urls = [one.url, two.url] * 5
        with ThreadPoolExecutor(max_workers=10) as pool:
            results = list(pool.map(lambda url: top_up(url, omi.token, variables), urls))
        later = top_up(two.url, omi.token, variables)
    keys = list(redis_keys.scan_iter(match=f"{redis_prefix}*"))
    assert [r["__typename"] for r in results] == ["TopUpSucceeded"] * 10
    assert later["__typename"] == "TopUpSucceeded"
    assert omi.calls("tenant/update_balance") == 1
    assert omi.balance(tenant_id) == 17_000
    assert keys  # the records were in Redis, under the test's prefix
