"""Single flight: one execution per key for concurrent callers."""

from __future__ import annotations

import asyncio

import pytest

from gateway.cache.flight import SingleFlight


async def test_fifty_concurrent_calls_share_one_execution() -> None:
    flight: SingleFlight[int] = SingleFlight()
    gate = asyncio.Event()
    calls = 0

    async def load() -> int:
        nonlocal calls
        calls += 1
        await gate.wait()
        return 7

    waiters = [asyncio.create_task(flight.run("k", load)) for _ in range(50)]
    await asyncio.sleep(0)
    gate.set()
    assert await asyncio.gather(*waiters) == [7] * 50
    assert calls == 1
    assert len(flight) == 0


async def test_failure_reaches_every_waiter_and_is_not_remembered() -> None:
    flight: SingleFlight[int] = SingleFlight()
    gate = asyncio.Event()
    calls = 0

    async def failing() -> int:
        nonlocal calls
        calls += 1
        await gate.wait()
        raise RuntimeError("upstream broke")

    waiters = [asyncio.create_task(flight.run("k", failing)) for _ in range(5)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*waiters, return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    assert calls == 1

    async def working() -> int:
        return 8

    assert await flight.run("k", working) == 8  # the failure was not kept


async def test_a_cancelled_waiter_does_not_cancel_the_load() -> None:
    flight: SingleFlight[str] = SingleFlight()
    gate = asyncio.Event()

    async def load() -> str:
        await gate.wait()
        return "done"

    first = asyncio.create_task(flight.run("k", load))
    second = asyncio.create_task(flight.run("k", load))
    await asyncio.sleep(0)
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    gate.set()
    assert await second == "done"


async def test_different_keys_do_not_share() -> None:
    flight: SingleFlight[str] = SingleFlight()

    async def a() -> str:
        return "a"

    async def b() -> str:
        return "b"

    assert list(await asyncio.gather(flight.run("a", a), flight.run("b", b))) == ["a", "b"]
