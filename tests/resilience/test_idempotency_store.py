"""``IdempotencyStore`` on the in-memory backend: claims, waits, verdicts, release."""

from __future__ import annotations

import asyncio
import json

import pytest

from gateway.cache import open_backend
from gateway.idempotency import Finished, IdempotencyStore, Replayed, Verdict


def store(**options: float) -> IdempotencyStore:
    settings = {"wait": 0.2, "stale_after": 30.0, "poll": 0.01, **options}
    return IdempotencyStore(open_backend(None), prefix="t:", **settings)


def never(_exc: BaseException) -> bool:
    return False


class Calls:
    def __init__(self) -> None:
        self.count = 0

    async def __call__(self) -> Finished[str]:
        self.count += 1
        await asyncio.sleep(0.05)
        return Finished("done", {"answer": self.count})


async def test_first_result_replayed_and_another_input_refused() -> None:
    s, calls = store(), Calls()
    first = await s.run("scope", "k", "fp", calls, release=never)
    assert isinstance(first, Finished)
    assert await s.run("scope", "k", "fp", calls, release=never) == Replayed({"answer": 1})
    assert await s.run("scope", "k", "other", calls, release=never) is Verdict.REUSED
    # Another partner's key of the same name is its own.
    assert isinstance(await s.run("scope2", "k", "fp", calls, release=never), Finished)
    assert calls.count == 2


async def test_concurrent_callers_share_one_call() -> None:
    s, calls = store(), Calls()
    results = await asyncio.gather(
        *(s.run("scope", "k", "fp", calls, release=never) for _ in range(10))
    )
    assert calls.count == 1
    assert all(isinstance(r, Finished) and r.result == "done" for r in results)


async def test_a_pending_record_is_in_progress_then_unknown_when_old() -> None:
    s = store()
    pending = {"v": 1, "state": "pending", "fp": "fp", "since": 0}  # an ancient claim
    await s.backend.cache.set(s.record_key("scope", "k"), json.dumps(pending))
    calls = Calls()
    assert await s.run("scope", "k", "fp", calls, release=never) is Verdict.UNKNOWN
    fresh = store(stale_after=3600.0)
    await fresh.backend.cache.set(fresh.record_key("scope", "k"), json.dumps(pending))
    assert await fresh.run("scope", "k", "fp", calls, release=never) is Verdict.UNKNOWN
    pending["since"] = 10**12  # far in the future: surely still running
    await fresh.backend.cache.set(fresh.record_key("scope", "k"), json.dumps(pending))
    assert await fresh.run("scope", "k", "fp", calls, release=never) is Verdict.IN_PROGRESS
    assert calls.count == 0


async def test_a_failure_frees_the_key_only_when_release_says_so() -> None:
    s = store()

    async def boom() -> Finished[str]:
        raise RuntimeError("nothing sent")

    with pytest.raises(RuntimeError):
        await s.run("scope", "k", "fp", boom, release=lambda exc: True)
    calls = Calls()
    assert isinstance(await s.run("scope", "k", "fp", calls, release=never), Finished)
    with pytest.raises(RuntimeError):
        await s.run("scope", "k2", "fp", boom, release=never)
    assert await s.run("scope", "k2", "fp", calls, release=never) is Verdict.IN_PROGRESS


async def test_a_garbled_record_is_never_taken_as_free() -> None:
    s = store()
    await s.backend.cache.set(s.record_key("scope", "k"), "not json")
    calls = Calls()
    assert await s.run("scope", "k", "fp", calls, release=never) is Verdict.REUSED
    assert calls.count == 0
