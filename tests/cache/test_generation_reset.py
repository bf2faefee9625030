"""``DetailCache.generation`` for caches kept outside the backend (the response cache):
never the initial generation, so losing Redis's data (restart, flush, expiry) cannot
make a generation from before a write current again.
"""

from __future__ import annotations

import pytest

from gateway.cache import CacheConfig, DetailCache
from gateway.cache.store import INITIAL_GENERATION
from tests.cache.support import SCOPE_A, SCOPE_B
from tests.cache.throwaway_redis import ThrowawayRedis


async def test_memory_generation_is_claimed_once_and_stable() -> None:
    cache = DetailCache(CacheConfig())
    first = await cache.generation(SCOPE_A)
    assert first not in {None, INITIAL_GENERATION}
    assert await cache.generation(SCOPE_A) == first
    assert await cache.generation(SCOPE_B) not in {first, INITIAL_GENERATION}
    await cache.invalidate(SCOPE_A)
    assert await cache.generation(SCOPE_A) not in {first, INITIAL_GENERATION}
    await cache.close()


@pytest.mark.redis
async def test_a_redis_that_lost_its_data_never_brings_back_an_old_generation() -> None:
    with ThrowawayRedis() as server:
        one = DetailCache(CacheConfig(url=server.url, retry_after=0))
        two = DetailCache(CacheConfig(url=server.url, retry_after=0))
        try:
            before_write = await one.generation(SCOPE_A)
            assert await two.generation(SCOPE_A) == before_write  # shared, claimed once
            await one.invalidate(SCOPE_A)
            after_write = await two.generation(SCOPE_A)
            assert after_write != before_write

            server.stop()
            server.start()  # same port, no data: the bump is lost
            # A call that meets the dead connection says None (reconnects next time).
            seen = {await cache.generation(SCOPE_A) for cache in (one, two, one, two)}
            seen.discard(None)
            assert len(seen) == 1
            assert seen.isdisjoint({before_write, after_write, INITIAL_GENERATION})
        finally:
            await one.close()
            await two.close()
