"""The detail cache in Redis, through real gateways: replicas share entries and see each
other's invalidation; Redis that is dead or goes away is not an outage (issue 4).
"""

from __future__ import annotations

import time

import pytest
import redis

from tests.cache.throwaway_redis import ThrowawayRedis
from tests.e2e.test_cache import (
    DESCRIPTION,
    DETAIL,
    TOP_UP,
    cache_status,
    first_tenant,
    info_calls,
    post,
    start_gateway,
)
from tests.servers import ServerProcess, free_port

WARNING = "cache backend"  # the start of the guard's warning line


@pytest.mark.redis
def test_two_gateways_share_redis_and_a_top_up_through_one_shows_through_the_other(
    clean_sandbox: ServerProcess,
    demo_token: str,
    redis_url: str,
    redis_prefix: str,
    redis_keys: redis.Redis,
) -> None:
    env = {"OMI_GATEWAY_CACHE_URL": redis_url, "OMI_GATEWAY_CACHE_PREFIX": redis_prefix}
    with (
        start_gateway(clean_sandbox.url, **env) as one,
        start_gateway(clean_sandbox.url, **env) as two,
    ):
        tenant = first_tenant(one, demo_token)
        before = post(one, demo_token, DETAIL, {"id": tenant["id"]})
        assert cache_status(before) == "MISS"
        shared = post(two, demo_token, DETAIL, {"id": tenant["id"]})
        assert (cache_status(shared), info_calls(clean_sandbox)) == ("HIT", 1)
        assert shared["data"] == before["data"]
        # The entry is in Redis under the prefix; no token in any key.
        keys = [key.decode() for key in redis_keys.scan_iter(match=f"{redis_prefix}*")]
        assert keys
        assert all(demo_token not in key for key in keys)

        amount = 1_000_000
        variables = {
            "input": {"email": tenant["email"], "amount": amount, "description": DESCRIPTION}
        }
        result = post(one, demo_token, TOP_UP, variables)["data"]["topUp"]
        assert result == {"__typename": "TopUpSucceeded"}
        after = post(two, demo_token, DETAIL, {"id": tenant["id"]})
        assert cache_status(after) == "MISS"
        assert after["data"]["tenant"]["balance"] == before["data"]["tenant"]["balance"] + amount
        # ... and the other replica now hits the new entry.
        again = post(one, demo_token, DETAIL, {"id": tenant["id"]})
        assert (cache_status(again), again["data"]) == ("HIT", after["data"])


def test_redis_at_a_dead_port_is_not_an_outage(
    clean_sandbox: ServerProcess, demo_token: str
) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    with start_gateway(clean_sandbox.url, OMI_GATEWAY_CACHE_URL=dead) as gateway:
        tenant = first_tenant(gateway, demo_token)
        for expected_calls in (1, 2, 3):
            body = post(gateway, demo_token, DETAIL, {"id": tenant["id"]})
            assert "errors" not in body
            assert body["data"]["tenant"]["id"] == tenant["id"]
            assert (cache_status(body), info_calls(clean_sandbox)) == ("BYPASS", expected_calls)
            time.sleep(1.1)  # past the guard's retry_after: each read tries Redis again
        output = gateway.output()
    # Logged once per interval (30 s), naming the backend without any secret.
    assert output.count(WARNING) == 1, output
    assert f"cache backend {dead}" in output
    assert demo_token not in output


@pytest.mark.redis
def test_redis_going_away_and_back_is_not_an_outage(
    clean_sandbox: ServerProcess, demo_token: str
) -> None:
    with ThrowawayRedis() as server:
        env = {"OMI_GATEWAY_CACHE_URL": server.url}
        with start_gateway(clean_sandbox.url, **env) as gateway:
            tenant = first_tenant(gateway, demo_token)
            assert cache_status(post(gateway, demo_token, DETAIL, {"id": tenant["id"]})) == "MISS"
            assert cache_status(post(gateway, demo_token, DETAIL, {"id": tenant["id"]})) == "HIT"
            calls = info_calls(clean_sandbox)

            server.stop()
            for _ in range(3):
                body = post(gateway, demo_token, DETAIL, {"id": tenant["id"]})
                assert body["data"]["tenant"]["id"] == tenant["id"]
                assert cache_status(body) == "BYPASS"
            assert info_calls(clean_sandbox) == calls + 3
            assert gateway.output().count(WARNING) == 1

            server.start()  # same port, empty
            time.sleep(1.1)  # past the guard's retry_after
            states = []
            for _ in range(3):
                body = post(gateway, demo_token, DETAIL, {"id": tenant["id"]})
                assert body["data"]["tenant"]["id"] == tenant["id"]
                states.append(cache_status(body))
            assert states == ["MISS", "HIT", "HIT"]
            assert info_calls(clean_sandbox) == calls + 4
