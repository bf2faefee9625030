"""What the response cache (issue 7) needs from the detail cache: a HIT read's age, and
a generation read that a stalled Redis cannot hold up (it goes around aiocache's
wrappers, so redis-py's own socket timeout must bound it).
"""

from __future__ import annotations

from gateway.cache import CacheConfig, CacheState, DetailCache
from tests.cache.support import SCOPE_A, FakeClock, Loader, memory_cache
from tests.cache.throwaway_redis import ThrowawayRedis


async def test_a_hit_says_its_age_rounded_up() -> None:
    clock = FakeClock()
    cache = memory_cache(clock, ttl=60)
    load = Loader()
    first = await cache.read(SCOPE_A, "t-1", load)
    assert (first.state, first.age_seconds) == (CacheState.MISS, None)
    clock.advance(12.2)
    hit = await cache.read(SCOPE_A, "t-1", load)
    assert (hit.state, hit.age_seconds, load.calls) == (CacheState.HIT, 13, 1)


async def test_generation_reads_follow_writes_on_the_memory_backend() -> None:
    cache = memory_cache(FakeClock())
    first = await cache.generation(SCOPE_A)
    assert first is not None
    assert await cache.generation(SCOPE_A) == first
    await cache.invalidate(SCOPE_A)
    after = await cache.generation(SCOPE_A)
    assert after not in (None, first)


async def test_a_stalled_redis_makes_the_generation_unknown_then_it_recovers() -> None:
    monotonic = FakeClock(0.0)
    with ThrowawayRedis() as server:
        cache = DetailCache(
            CacheConfig(url=server.url, backend_timeout=0.2, retry_after=1), monotonic=monotonic
        )
        other = DetailCache(CacheConfig(url=server.url))  # another replica
        try:
            before = await cache.generation(SCOPE_A)
            assert before is not None
            server.freeze()
            assert await cache.generation(SCOPE_A) is None  # timed out: do not cache
            assert await cache.generation(SCOPE_A) is None  # not even tried meanwhile
            server.thaw()
            monotonic.advance(1)
            assert await cache.generation(SCOPE_A) == before
            await other.invalidate(SCOPE_A)  # a write through the other replica
            assert await cache.generation(SCOPE_A) not in (None, before)
        finally:
            server.thaw()
            await cache.close()
            await other.close()
