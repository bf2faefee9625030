"""The detail cache on a real Redis: sharing, invalidation across instances, and Redis
trouble (a dead port, a server that goes away or stalls) that must not become an outage.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Callable

import pytest
import redis.asyncio as aioredis

from gateway.cache import CacheConfig, CacheState, DetailCache
from gateway.omi.errors import UpstreamTimeout
from tests.cache.support import SCOPE_A, SCOPE_B, FakeClock, Loader
from tests.cache.throwaway_redis import ThrowawayRedis
from tests.servers import free_port

pytestmark = pytest.mark.redis

CacheFactory = Callable[..., DetailCache]


@pytest.fixture
async def shared_caches(redis_url: str, redis_prefix: str) -> AsyncIterator[CacheFactory]:
    """Builds detail caches on the real Redis under this test's prefix; cleans up."""
    made: list[DetailCache] = []

    def make(clock: Callable[[], float] = time.time, **config: object) -> DetailCache:
        config.setdefault("url", redis_url)
        config.setdefault("prefix", redis_prefix)
        cache = DetailCache(CacheConfig(**config), clock=clock)  # type: ignore[arg-type]
        made.append(cache)
        return cache

    yield make
    for cache in made:
        await cache.close()
    client = aioredis.Redis.from_url(redis_url)
    keys = [key async for key in client.scan_iter(match=f"{redis_prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def test_two_instances_share_entries_and_see_each_others_invalidation(
    shared_caches: CacheFactory,
) -> None:
    one, two = shared_caches(), shared_caches()
    load_one, load_two = Loader(), Loader()
    assert (await one.read(SCOPE_A, "t-1", load_one)).state is CacheState.MISS
    hit = await two.read(SCOPE_A, "t-1", load_two)
    assert (hit.state, hit.unwrap(), load_two.calls) == (CacheState.HIT, load_one.tenant, 0)

    await one.invalidate(SCOPE_A)  # a top-up through one
    assert await one.generation(SCOPE_A) == await two.generation(SCOPE_A) != "0"
    load_two.answer(balance=7_000_000_000)
    fresh = await two.read(SCOPE_A, "t-1", load_two)
    assert (fresh.state, fresh.unwrap().balance) == (CacheState.MISS, 7_000_000_000)
    again = await one.read(SCOPE_A, "t-1", load_one)
    assert (again.state, again.unwrap().balance, load_one.calls) == (
        CacheState.HIT,
        7_000_000_000,
        1,
    )
    # Another partner's scope is neither shared nor invalidated.
    other = await two.read(SCOPE_B, "t-1", Loader())
    assert other.state is CacheState.MISS


async def test_stale_if_error_across_instances(shared_caches: CacheFactory) -> None:
    clock = FakeClock()
    one, two = shared_caches(clock), shared_caches(clock)
    await one.read(SCOPE_A, "t-1", Loader())
    clock.advance(75.4)
    down = Loader()
    down.error = UpstreamTimeout("slow", maybe_sent=True)
    stale = await two.read(SCOPE_A, "t-1", down)
    assert (stale.state, stale.age_seconds) == (CacheState.STALE, 75)


async def test_entries_are_json_with_ttls(
    shared_caches: CacheFactory, redis_url: str, redis_prefix: str
) -> None:
    cache = shared_caches(ttl=60, max_stale=600)
    await cache.read(SCOPE_A, "t-1", Loader())
    await cache.invalidate(SCOPE_B)
    client = aioredis.Redis.from_url(redis_url)
    try:
        keys = sorted([key async for key in client.scan_iter(match=f"{redis_prefix}*")])
        assert len(keys) == 2
        for key in keys:
            assert await client.ttl(key) > 0  # every key expires
        entry_key = next(k for k in keys if b":t:" in k)
        assert await client.ttl(entry_key) <= 660
        raw = await client.get(entry_key)
        assert raw is not None
        body = json.loads(raw)
        assert body["tenant"]["balance"] == 5_000_000_000
    finally:
        await client.aclose()


async def test_a_dead_port_keeps_reads_working_with_one_warning_per_interval(
    caplog: pytest.LogCaptureFixture,
) -> None:
    monotonic = FakeClock(0.0)
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    cache = DetailCache(
        CacheConfig(url=url, backend_timeout=0.5, retry_after=0, warn_every=30),
        monotonic=monotonic,
    )
    load = Loader()
    caplog.set_level(logging.INFO, logger="gateway.cache")
    try:
        for _ in range(3):
            read = await cache.read(SCOPE_A, "t-1", load)
            assert (read.state, read.unwrap()) == (CacheState.BYPASS, load.tenant)
        assert load.calls == 3
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1
        assert "127.0.0.1" in warnings[0].getMessage()
        assert "hunter2" not in caplog.text
        monotonic.advance(30)
        await cache.read(SCOPE_A, "t-1", load)
        assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2
        assert await cache.generation(SCOPE_A) is None
    finally:
        await cache.close()


async def test_a_redis_that_goes_away_and_comes_back(caplog: pytest.LogCaptureFixture) -> None:
    monotonic = FakeClock(0.0)
    caplog.set_level(logging.INFO, logger="gateway.cache")
    with ThrowawayRedis() as server:
        cache = DetailCache(
            CacheConfig(url=server.url, retry_after=1, warn_every=30), monotonic=monotonic
        )
        load = Loader()
        try:
            assert (await cache.read(SCOPE_A, "t-1", load)).state is CacheState.MISS
            assert (await cache.read(SCOPE_A, "t-1", load)).state is CacheState.HIT

            server.stop()
            for _ in range(3):
                read = await cache.read(SCOPE_A, "t-1", load)
                assert (read.state, read.unwrap()) == (CacheState.BYPASS, load.tenant)
            assert load.calls == 4
            assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1

            server.start()  # same port, empty (no persistence)
            assert (await cache.read(SCOPE_A, "t-1", load)).state is CacheState.BYPASS
            monotonic.advance(1)  # retry_after passed: the cache tries Redis again
            assert (await cache.read(SCOPE_A, "t-1", load)).state is CacheState.MISS
            assert (await cache.read(SCOPE_A, "t-1", load)).state is CacheState.HIT
            assert "answering again" in caplog.text
        finally:
            await cache.close()


async def test_a_stalled_redis_costs_at_most_its_timeout() -> None:
    monotonic = FakeClock(0.0)
    with ThrowawayRedis() as server:
        cache = DetailCache(
            CacheConfig(url=server.url, backend_timeout=0.2, retry_after=1), monotonic=monotonic
        )
        load = Loader()
        try:
            await cache.read(SCOPE_A, "t-1", load)
            server.freeze()
            load.answer(balance=1)
            for _ in range(2):  # the first times out, the second does not even try
                stalled = await cache.read(SCOPE_A, "t-1", load)
                assert (stalled.state, stalled.unwrap().balance) == (CacheState.BYPASS, 1)
            server.thaw()
            monotonic.advance(1)
            back = await cache.read(SCOPE_A, "t-1", load)  # the entry is still fresh
            assert (back.state, back.unwrap().balance, load.calls) == (
                CacheState.HIT,
                5_000_000_000,
                3,
            )
        finally:
            server.thaw()
            await cache.close()


async def test_a_failed_invalidation_is_applied_before_the_backend_is_used_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    monotonic = FakeClock(0.0)
    with ThrowawayRedis() as server:
        config = CacheConfig(url=server.url, retry_after=1)
        cache = DetailCache(config, monotonic=monotonic)
        other = DetailCache(config)  # another replica on the same Redis
        admin = aioredis.Redis.from_url(server.url)
        load = Loader()
        try:
            await cache.read(SCOPE_A, "t-1", load)
            # Redis refuses this replica (a password appears, connections are dropped):
            # the bump after the write really fails, the stored entries stay.
            await admin.config_set("requirepass", "rotated")
            await admin.client_kill_filter(_type="normal", skipme=True)
            await cache.invalidate(SCOPE_A)
            assert any(r.levelno == logging.ERROR for r in caplog.records)
            assert "rotated" not in caplog.text
            load.answer(balance=1)
            assert (await cache.read(SCOPE_A, "t-1", load)).state is CacheState.BYPASS

            await admin.config_set("requirepass", "")
            monotonic.advance(1)
            # The pending bump goes first: the pre-write entry never answers again.
            read = await cache.read(SCOPE_A, "t-1", load)
            assert (read.state, read.unwrap().balance) == (CacheState.MISS, 1)
            hit = await other.read(SCOPE_A, "t-1", Loader())
            assert (hit.state, hit.unwrap().balance) == (CacheState.HIT, 1)
        finally:
            await admin.aclose()
            await cache.close()
            await other.close()
