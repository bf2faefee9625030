"""The response cache (issue 7) through real gateways in front of the real sandbox.

Each test starts its own gateway (its own memory, so every test begins cold). With
``OMI_GATEWAY_CACHE_DEBUG`` on, every answer says how the response cache treated it in
``X-Response-Cache`` (HIT, MISS, BYPASS); upstream calls are the sandbox's own counts.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis

from tests.e2e.test_cache import (
    DESCRIPTION,
    DETAIL,
    TOP_UP,
    cache_status,
    first_tenant,
    info_calls,
    start_gateway,
)
from tests.servers import ServerProcess

HEADER = "X-Response-Cache"
TWO_OPERATIONS = """
query Balance($id: ID!) { tenant(id: $id) { id balance } }
query Nation($id: ID!) { tenant(id: $id) { id nation } }
"""


def send(gateway: ServerProcess, token: str, payload: dict[str, Any]) -> httpx.Response:
    """POST ``payload`` (a GraphQL request body) as the partner of ``token``."""
    response = httpx.post(
        f"{gateway.url}/graphql",
        content=json.dumps(payload).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert token not in response.text
    return response


def read(gateway: ServerProcess, token: str, tenant_id: str) -> httpx.Response:
    """The detail query for ``tenant_id``."""
    return send(gateway, token, {"query": DETAIL, "variables": {"id": tenant_id}})


def calls(sandbox: ServerProcess, endpoint: str) -> int:
    """Requests the sandbox received on ``endpoint`` since its stats were zeroed."""
    response = httpx.get(f"{sandbox.url}/_sandbox/stats")
    response.raise_for_status()
    count: int = response.json()["calls"].get(endpoint, 0)
    return count


@pytest.fixture
def gateway(clean_sandbox: ServerProcess) -> Iterator[ServerProcess]:
    """A gateway of this test's own: caches on (defaults), debug on."""
    with start_gateway(clean_sandbox.url) as server:
        yield server


def test_a_repeat_query_is_answered_whole_with_no_upstream_call(
    gateway: ServerProcess, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    tenant = first_tenant(gateway, demo_token)
    first = read(gateway, demo_token, tenant["id"])
    assert (first.headers[HEADER], info_calls(clean_sandbox)) == ("MISS", 1)
    assert cache_status(first.json()) == "MISS"
    for _ in range(2):
        again = read(gateway, demo_token, tenant["id"])
        assert (again.headers[HEADER], info_calls(clean_sandbox)) == ("HIT", 1)
        assert again.json()["data"] == first.json()["data"]
        assert cache_status(again.json()) == "HIT"
        assert again.headers["content-type"] == "application/json"


def test_without_debug_a_repeat_is_the_same_bytes(
    clean_sandbox: ServerProcess, demo_token: str
) -> None:
    with start_gateway(clean_sandbox.url, OMI_GATEWAY_CACHE_DEBUG="0") as gateway:
        tenant = first_tenant(gateway, demo_token)
        answers = [read(gateway, demo_token, tenant["id"]) for _ in range(3)]
        assert info_calls(clean_sandbox) == 1
        assert answers[0].json()["data"]["tenant"]["id"] == tenant["id"]
        assert answers[1].content == answers[0].content == answers[2].content
        assert all(HEADER not in answer.headers for answer in answers)
        assert all("x-request-id" in answer.headers for answer in answers)


def test_another_partner_never_gets_the_answer(
    gateway: ServerProcess, clean_sandbox: ServerProcess, demo_token: str, other_token: str
) -> None:
    tenant = first_tenant(gateway, demo_token)
    mine = read(gateway, demo_token, tenant["id"])
    assert read(gateway, demo_token, tenant["id"]).headers[HEADER] == "HIT"
    # The very same body from partner B: B's own read, which OMI refuses.
    theirs = read(gateway, other_token, tenant["id"])
    assert theirs.headers[HEADER] == "MISS"
    assert theirs.json()["data"] == {"tenant": None}
    assert info_calls(clean_sandbox) == 2
    assert tenant["email"] not in theirs.text
    again = read(gateway, demo_token, tenant["id"])
    assert (again.headers[HEADER], again.json()["data"]) == ("HIT", mine.json()["data"])


def test_a_top_up_through_the_gateway_shows_in_the_next_read(
    gateway: ServerProcess, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    tenant = first_tenant(gateway, demo_token)
    before = read(gateway, demo_token, tenant["id"]).json()["data"]["tenant"]["balance"]
    assert read(gateway, demo_token, tenant["id"]).headers[HEADER] == "HIT"
    amount = 3_000_000_000  # beyond 2^31
    variables = {"input": {"email": tenant["email"], "amount": amount, "description": DESCRIPTION}}
    done = send(gateway, demo_token, {"query": TOP_UP, "variables": variables})
    assert done.json()["data"]["topUp"] == {"__typename": "TopUpSucceeded"}
    after = read(gateway, demo_token, tenant["id"])
    assert after.headers[HEADER] == "MISS"
    assert after.json()["data"]["tenant"]["balance"] == before + amount
    assert read(gateway, demo_token, tenant["id"]).headers[HEADER] == "HIT"


def test_a_mutation_is_never_answered_from_the_cache(
    gateway: ServerProcess, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    tenant = first_tenant(gateway, demo_token)
    before = read(gateway, demo_token, tenant["id"]).json()["data"]["tenant"]["balance"]
    variables = {"input": {"email": tenant["email"], "amount": 10_000, "description": DESCRIPTION}}
    payload = {"query": TOP_UP, "variables": variables}
    for _ in range(2):
        answer = send(gateway, demo_token, payload)
        assert answer.json()["data"]["topUp"] == {"__typename": "TopUpSucceeded"}
        assert answer.headers[HEADER] == "MISS"
    assert calls(clean_sandbox, "tenant/update_balance") == 2
    after = read(gateway, demo_token, tenant["id"]).json()["data"]["tenant"]["balance"]
    assert after == before + 20_000


def test_errors_are_never_cached(
    gateway: ServerProcess, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    tenant = first_tenant(gateway, demo_token)
    httpx.post(
        f"{clean_sandbox.url}/_sandbox/faults",
        json={"endpoint": "tenant/info", "http_status": 503},
    ).raise_for_status()
    failed = [read(gateway, demo_token, tenant["id"]) for _ in range(2)]
    assert [answer.headers[HEADER] for answer in failed] == ["MISS", "MISS"]
    assert all(answer.json()["errors"] for answer in failed)
    failed_calls = info_calls(clean_sandbox)
    assert failed_calls >= 2  # each failed answer went upstream (retries may add more)
    httpx.delete(f"{clean_sandbox.url}/_sandbox/faults").raise_for_status()
    good = read(gateway, demo_token, tenant["id"])
    assert "errors" not in good.json()
    assert (good.headers[HEADER], info_calls(clean_sandbox)) == ("MISS", failed_calls + 1)
    # A query the schema refuses (no upstream call) is not kept either.
    bad = {"query": '{ tenant(id: "x") { noSuchField } }'}
    refused = [send(gateway, demo_token, bad) for _ in range(2)]
    assert [answer.headers[HEADER] for answer in refused] == ["MISS", "MISS"]
    assert all(answer.json()["errors"] for answer in refused)


def test_variables_and_operation_name_are_part_of_the_key(
    gateway: ServerProcess, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    page = send(gateway, demo_token, {"query": "{ tenants(size: 3) { items { id } } }"})
    one, two, three = (item["id"] for item in page.json()["data"]["tenants"]["items"])
    assert read(gateway, demo_token, one).headers[HEADER] == "MISS"
    other = read(gateway, demo_token, two)
    assert (other.headers[HEADER], other.json()["data"]["tenant"]["id"]) == ("MISS", two)
    assert read(gateway, demo_token, one).headers[HEADER] == "HIT"

    # A tenant not read yet: its answer is kept (see ResponseCacheProbe).
    balance = {"query": TWO_OPERATIONS, "variables": {"id": three}, "operationName": "Balance"}
    nation = {**balance, "operationName": "Nation"}
    first = send(gateway, demo_token, balance)
    assert (first.headers[HEADER], set(first.json()["data"]["tenant"])) == (
        "MISS",
        {"id", "balance"},
    )
    second = send(gateway, demo_token, nation)
    assert (second.headers[HEADER], set(second.json()["data"]["tenant"])) == (
        "MISS",
        {"id", "nation"},
    )
    # Key order and spacing of the body are not part of the key; its content is.
    reordered = httpx.post(
        f"{gateway.url}/graphql",
        content=json.dumps(
            {"operationName": "Balance", "variables": {"id": three}, "query": TWO_OPERATIONS},
            indent=2,
        ).encode(),
        headers={"Authorization": f"Bearer {demo_token}", "Content-Type": "application/json"},
    )
    assert (reordered.headers[HEADER], reordered.json()["data"]) == ("HIT", first.json()["data"])


def test_a_list_is_not_kept_its_tenants_may_change_outside_the_detail_cache(
    gateway: ServerProcess, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    payload = {"query": "{ tenants(size: 3) { items { id balance } } }"}
    answers = [send(gateway, demo_token, payload) for _ in range(2)]
    assert [answer.headers[HEADER] for answer in answers] == ["MISS", "MISS"]
    assert calls(clean_sandbox, "tenant/list") == 2


def test_ttl_zero_turns_it_off_and_a_short_ttl_expires(
    clean_sandbox: ServerProcess, demo_token: str
) -> None:
    with start_gateway(clean_sandbox.url, OMI_GATEWAY_RESPONSE_CACHE_TTL="0") as gateway:
        tenant = first_tenant(gateway, demo_token)
        answers = [read(gateway, demo_token, tenant["id"]) for _ in range(2)]
        assert [answer.headers[HEADER] for answer in answers] == ["BYPASS", "BYPASS"]
        # The detail cache still answers the second read.
        assert [cache_status(answer.json()) for answer in answers] == ["MISS", "HIT"]
    with start_gateway(clean_sandbox.url, OMI_GATEWAY_RESPONSE_CACHE_TTL="1") as gateway:
        assert read(gateway, demo_token, tenant["id"]).headers[HEADER] == "MISS"
        assert read(gateway, demo_token, tenant["id"]).headers[HEADER] == "HIT"
        time.sleep(1.2)
        assert read(gateway, demo_token, tenant["id"]).headers[HEADER] == "MISS"


def test_with_the_detail_cache_off_nothing_is_kept(
    clean_sandbox: ServerProcess, demo_token: str
) -> None:
    with start_gateway(clean_sandbox.url, OMI_GATEWAY_CACHE_TTL="0") as gateway:
        tenant = first_tenant(gateway, demo_token)
        answers = [read(gateway, demo_token, tenant["id"]) for _ in range(2)]
        assert [answer.headers[HEADER] for answer in answers] == ["BYPASS", "BYPASS"]
        assert info_calls(clean_sandbox) == 2


@pytest.mark.redis
def test_with_redis_a_write_through_one_gateway_invalidates_the_other(
    clean_sandbox: ServerProcess,
    demo_token: str,
    redis_url: str,
    redis_prefix: str,
    redis_keys: redis.Redis,  # deletes the test's keys after
) -> None:
    env = {"OMI_GATEWAY_CACHE_URL": redis_url, "OMI_GATEWAY_CACHE_PREFIX": redis_prefix}
    with (
        start_gateway(clean_sandbox.url, **env) as one,
        start_gateway(clean_sandbox.url, **env) as two,
    ):
        tenant = first_tenant(one, demo_token)
        before = read(two, demo_token, tenant["id"])
        assert before.headers[HEADER] == "MISS"
        assert read(two, demo_token, tenant["id"]).headers[HEADER] == "HIT"
        amount = 50_000
        variables = {
            "input": {"email": tenant["email"], "amount": amount, "description": DESCRIPTION}
        }
        done = send(one, demo_token, {"query": TOP_UP, "variables": variables})
        assert done.json()["data"]["topUp"] == {"__typename": "TopUpSucceeded"}
        after = read(two, demo_token, tenant["id"])
        assert after.headers[HEADER] == "MISS"
        balance = before.json()["data"]["tenant"]["balance"]
        assert after.json()["data"]["tenant"]["balance"] == balance + amount
