"""The detail cache's rules on the memory backend, with a clock the test moves."""

from __future__ import annotations

import asyncio

import pytest

from gateway.cache import CacheConfig, CacheState, DetailCache
from gateway.omi.errors import (
    NotAuthenticated,
    NotFound,
    ProtocolError,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from tests.cache.support import SCOPE_A, SCOPE_B, FakeClock, Loader, make_tenant, memory_cache


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def test_a_repeat_read_is_a_hit_until_the_ttl_passes(clock: FakeClock) -> None:
    cache = memory_cache(clock, ttl=60)
    load = Loader()
    first = await cache.read(SCOPE_A, "t-1", load)
    assert (first.state, first.unwrap()) == (CacheState.MISS, load.tenant)
    clock.advance(59.9)
    second = await cache.read(SCOPE_A, "t-1", load)
    assert (second.state, second.unwrap(), load.calls) == (CacheState.HIT, load.tenant, 1)
    load.answer(balance=1)
    clock.advance(0.2)
    third = await cache.read(SCOPE_A, "t-1", load)
    assert (third.state, third.unwrap().balance, load.calls) == (CacheState.MISS, 1, 2)


async def test_scopes_never_share_entries(clock: FakeClock) -> None:
    cache = memory_cache(clock)
    load_a, load_b = Loader(make_tenant(balance=111)), Loader(make_tenant(balance=222))
    assert (await cache.read(SCOPE_A, "t-1", load_a)).unwrap().balance == 111
    read_b = await cache.read(SCOPE_B, "t-1", load_b)
    assert (read_b.state, read_b.unwrap().balance, load_b.calls) == (CacheState.MISS, 222, 1)


async def test_fifty_concurrent_cold_reads_cost_one_load(clock: FakeClock) -> None:
    cache = memory_cache(clock)
    load = Loader()
    load.gate = asyncio.Event()
    reads = [asyncio.create_task(cache.read(SCOPE_A, "t-1", load)) for _ in range(50)]
    await asyncio.sleep(0.01)
    load.gate.set()
    results = await asyncio.gather(*reads)
    assert load.calls == 1
    assert {r.state for r in results} == {CacheState.MISS}
    assert (await cache.read(SCOPE_A, "t-1", load)).state is CacheState.HIT


async def test_a_failure_is_never_cached(clock: FakeClock) -> None:
    cache = memory_cache(clock)
    load = Loader()
    for error in (
        NotAuthenticated("token expired", http_status=401),
        UpstreamUnavailable("OMI answered 503", maybe_sent=False, http_status=503),
        UpstreamTimeout("no answer", maybe_sent=True),
    ):
        load.error = error
        with pytest.raises(type(error)):
            await cache.read(SCOPE_A, "t-1", load)
    load.error = None
    read = await cache.read(SCOPE_A, "t-1", load)
    assert (read.state, read.unwrap(), load.calls) == (CacheState.MISS, load.tenant, 4)


async def test_not_found_is_cached_briefly(clock: FakeClock) -> None:
    cache = memory_cache(clock, not_found_ttl=5)
    load = Loader()
    load.not_found()
    first = await cache.read(SCOPE_A, "t-9", load)
    assert (first.state, first.not_found) == (CacheState.MISS, True)
    with pytest.raises(NotFound):
        first.unwrap()
    clock.advance(4.9)
    second = await cache.read(SCOPE_A, "t-9", load)
    assert (second.state, second.not_found, load.calls) == (CacheState.HIT, True, 1)
    with pytest.raises(NotFound) as raised:
        second.unwrap()
    assert raised.value.omi_code == "resource_not_found"
    load.error = None  # the tenant now exists
    clock.advance(0.2)
    third = await cache.read(SCOPE_A, "t-9", load)
    assert (third.state, third.not_found, load.calls) == (CacheState.MISS, False, 2)


async def test_not_found_ttl_zero_never_caches_it(clock: FakeClock) -> None:
    cache = memory_cache(clock, not_found_ttl=0)
    load = Loader()
    load.not_found()
    for _ in range(3):
        assert (await cache.read(SCOPE_A, "t-9", load)).state is CacheState.MISS
    assert load.calls == 3


async def test_a_tenant_not_yet_activated_is_fresh_only_briefly(clock: FakeClock) -> None:
    cache = memory_cache(clock, ttl=60, pending_ttl=2)
    load = Loader(make_tenant(status="pending"))
    await cache.read(SCOPE_A, "t-1", load)
    clock.advance(1.9)
    assert (await cache.read(SCOPE_A, "t-1", load)).state is CacheState.HIT
    load.answer(status="activated")
    clock.advance(0.2)
    read = await cache.read(SCOPE_A, "t-1", load)
    assert (read.state, read.unwrap().status) == (CacheState.MISS, "activated")
    clock.advance(30)  # now activated: the full TTL applies
    assert (await cache.read(SCOPE_A, "t-1", load)).state is CacheState.HIT
    assert load.calls == 2


async def test_stale_if_error_within_max_stale_then_the_failure(clock: FakeClock) -> None:
    cache = memory_cache(clock, ttl=60, max_stale=600)
    load = Loader()
    await cache.read(SCOPE_A, "t-1", load)
    clock.advance(102.7)
    load.error = UpstreamUnavailable("connect error", maybe_sent=False)
    stale = await cache.read(SCOPE_A, "t-1", load)
    assert (stale.state, stale.age_seconds, stale.unwrap()) == (
        CacheState.STALE,
        102,
        load.tenant,
    )
    assert stale.stale_extension() == {"stale": True, "ageSeconds": 102}
    load.error = ProtocolError("not an envelope", maybe_sent=True)
    assert (await cache.read(SCOPE_A, "t-1", load)).state is CacheState.STALE
    clock.advance(660 - 102.7)  # exactly ttl + max_stale old: too old
    with pytest.raises(ProtocolError):
        await cache.read(SCOPE_A, "t-1", load)
    assert load.calls == 4


async def test_a_rejection_is_not_answered_stale(clock: FakeClock) -> None:
    cache = memory_cache(clock, ttl=60)
    load = Loader()
    await cache.read(SCOPE_A, "t-1", load)
    clock.advance(61)
    load.error = NotAuthenticated("token expired", http_status=401)
    with pytest.raises(NotAuthenticated):
        await cache.read(SCOPE_A, "t-1", load)


async def test_a_refresh_replaces_the_stale_entry(clock: FakeClock) -> None:
    cache = memory_cache(clock, ttl=60)
    load = Loader()
    await cache.read(SCOPE_A, "t-1", load)
    clock.advance(61)
    load.answer(balance=42)
    assert (await cache.read(SCOPE_A, "t-1", load)).state is CacheState.MISS
    clock.advance(5)
    load.error = UpstreamTimeout("slow", maybe_sent=True)
    read = await cache.read(SCOPE_A, "t-1", load)
    assert (read.state, read.unwrap().balance) == (CacheState.HIT, 42)


async def test_invalidate_makes_older_entries_unusable_even_as_stale(clock: FakeClock) -> None:
    cache = memory_cache(clock, ttl=60)
    load_a, load_b = Loader(), Loader()
    await cache.read(SCOPE_A, "t-1", load_a)
    await cache.read(SCOPE_B, "t-1", load_b)
    before = await cache.generation(SCOPE_A)
    await cache.invalidate(SCOPE_A)
    assert await cache.generation(SCOPE_A) not in {before, None}
    load_a.answer(balance=99)
    read = await cache.read(SCOPE_A, "t-1", load_a)
    assert (read.state, read.unwrap().balance, load_a.calls) == (CacheState.MISS, 99, 2)
    assert (await cache.read(SCOPE_B, "t-1", load_b)).state is CacheState.HIT  # B untouched

    await cache.invalidate(SCOPE_A)
    clock.advance(61)
    load_a.error = UpstreamUnavailable("down", maybe_sent=False)
    with pytest.raises(UpstreamUnavailable):  # the balance-99 entry predates the write
        await cache.read(SCOPE_A, "t-1", load_a)


async def test_a_read_after_invalidate_does_not_join_an_older_load(clock: FakeClock) -> None:
    cache = memory_cache(clock)
    load = Loader(make_tenant(balance=1))
    load.gate = asyncio.Event()
    early = asyncio.create_task(cache.read(SCOPE_A, "t-1", load))
    await asyncio.sleep(0.01)  # its load is in flight, holding the old balance
    await cache.invalidate(SCOPE_A)
    fresh = Loader(make_tenant(balance=2))
    late = await cache.read(SCOPE_A, "t-1", fresh)
    assert (late.state, late.unwrap().balance, fresh.calls) == (CacheState.MISS, 2, 1)
    load.gate.set()
    assert (await early).unwrap().balance == 1
    # The early load's entry (old generation) neither answers nor replaces the new one.
    again = await cache.read(SCOPE_A, "t-1", fresh)
    assert (again.state, again.unwrap().balance) == (CacheState.HIT, 2)


async def test_with_the_cache_off_a_read_after_a_write_starts_its_own_load(
    clock: FakeClock,
) -> None:
    cache = memory_cache(clock, ttl=0)
    old = Loader(make_tenant(balance=1))
    old.gate = asyncio.Event()
    early = asyncio.create_task(cache.read(SCOPE_A, "t-1", old))
    await asyncio.sleep(0.01)
    await cache.invalidate(SCOPE_A)  # a top-up finished while that load was in flight
    new = Loader(make_tenant(balance=2))
    assert (await cache.read(SCOPE_A, "t-1", new)).unwrap().balance == 2
    old.gate.set()
    assert (await early).unwrap().balance == 1


async def test_ttl_zero_turns_caching_off_but_keeps_single_flight(clock: FakeClock) -> None:
    cache = memory_cache(clock, ttl=0)
    assert not cache.enabled
    load = Loader()
    load.gate = asyncio.Event()
    reads = [asyncio.create_task(cache.read(SCOPE_A, "t-1", load)) for _ in range(10)]
    await asyncio.sleep(0.01)
    load.gate.set()
    assert {r.state for r in await asyncio.gather(*reads)} == {CacheState.BYPASS}
    assert load.calls == 1
    assert (await cache.read(SCOPE_A, "t-1", load)).state is CacheState.BYPASS
    assert load.calls == 2


async def test_a_cancelled_reader_does_not_cancel_the_others_load(clock: FakeClock) -> None:
    cache = memory_cache(clock)
    load = Loader()
    load.gate = asyncio.Event()
    first = asyncio.create_task(cache.read(SCOPE_A, "t-1", load))
    second = asyncio.create_task(cache.read(SCOPE_A, "t-1", load))
    await asyncio.sleep(0.01)
    first.cancel()
    load.gate.set()
    assert (await second).unwrap() == load.tenant
    assert first.cancelled()
    assert (await cache.read(SCOPE_A, "t-1", load)).state is CacheState.HIT
    assert load.calls == 1


def test_config_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="ttl"):
        CacheConfig(ttl=-1)
    with pytest.raises(ValueError, match="generation_ttl"):
        CacheConfig(ttl=60, max_stale=600, generation_ttl=100)
    assert CacheConfig(max_stale=100_000).generation_lifetime > 200_000
    assert DetailCache(CacheConfig()).backend.description == "memory"
