"""``Resilience.run``: retries, the request's deadline and the breaker, with fake attempts.

The same rules over real HTTP against the sandbox are in ``tests/e2e/test_resilience*.py``.
"""

from __future__ import annotations

import asyncio
import random

import httpx
import pytest

from gateway.omi import _operations as ops
from gateway.omi.breaker import BreakerState, CircuitBreaker, CircuitOpen
from gateway.omi.deadline import deadline_scope, remaining
from gateway.omi.errors import (
    NotFound,
    ProtocolError,
    UpstreamBusy,
    UpstreamFailure,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.omi.resilience import DeadlinePassed, Resilience
from gateway.omi.retry import RetryPolicy

TIMEOUT = httpx.Timeout(connect=3.0, read=10.0, write=10.0, pool=3.0)
FAST = RetryPolicy(retries=2, base_delay=0.001, max_delay=0.002)


class Script:
    """An attempt that raises the scripted failures in turn, then answers ``"ok"``."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.timeouts: list[httpx.Timeout | None] = []

    @property
    def calls(self) -> int:
        return len(self.timeouts)

    async def __call__(self, limits: httpx.Timeout | None) -> str:
        self.timeouts.append(limits)
        if self.failures:
            raise self.failures.pop(0)
        return "ok"


def http(status: int) -> UpstreamUnavailable:
    return UpstreamUnavailable(f"HTTP {status}", maybe_sent=True, http_status=status)


def state_of(breaker: CircuitBreaker) -> BreakerState:
    # A call, so that mypy does not narrow the property across assertions.
    return breaker.state


def make(breaker: CircuitBreaker | None = None) -> Resilience:
    return Resilience(timeout=TIMEOUT, retry=FAST, breaker=breaker, rng=random.Random(1))


async def test_a_read_is_retried_on_503_at_most_twice() -> None:
    ok = Script(http(503), http(503))
    assert await make().run(ops.INFO, ok) == "ok"
    assert ok.calls == 3
    failing = Script(http(503), http(503), http(503), http(503))
    with pytest.raises(UpstreamUnavailable):
        await make().run(ops.INFO, failing)
    assert failing.calls == 3


@pytest.mark.parametrize(
    "error",
    [http(500), UpstreamTimeout("read", maybe_sent=True), ProtocolError("x", maybe_sent=True)],
)
async def test_a_read_is_not_retried_on_500_timeout_or_garbage(error: UpstreamFailure) -> None:
    script = Script(error)
    with pytest.raises(type(error)):
        await make().run(ops.LIST, script)
    assert script.calls == 1


async def test_a_write_is_retried_only_when_nothing_was_sent() -> None:
    dropped = Script(UpstreamUnavailable("dropped", maybe_sent=True))
    with pytest.raises(UpstreamUnavailable):
        await make().run(ops.TOP_UP, dropped)
    assert dropped.calls == 1
    refused = Script(UpstreamUnavailable("refused", maybe_sent=False))
    assert await make().run(ops.TOP_UP, refused) == "ok"
    assert refused.calls == 2


async def test_a_full_pool_fails_fast() -> None:
    busy = Script(UpstreamBusy("pool", maybe_sent=False))
    with pytest.raises(UpstreamBusy):
        await make().run(ops.INFO, busy)
    assert busy.calls == 1


async def test_the_deadline_caps_each_attempt_and_ends_a_hang() -> None:
    async def hang(limits: httpx.Timeout | None) -> str:
        assert limits is not None
        assert limits.read is not None
        assert limits.read <= 0.2
        await asyncio.sleep(60)
        return "never"

    with deadline_scope(0.2), pytest.raises(UpstreamTimeout) as caught:
        await make().run(ops.INFO, hang)
    assert caught.value.maybe_sent is True
    assert remaining() is None  # the scope is gone


async def test_a_passed_deadline_makes_no_call() -> None:
    script = Script()
    with deadline_scope(0.0), pytest.raises(DeadlinePassed) as caught:
        await make().run(ops.INFO, script)
    assert script.calls == 0
    assert caught.value.maybe_sent is False


async def test_no_retry_that_does_not_fit_before_the_deadline() -> None:
    script = Script(http(503))
    # Seeded so that the jittered pause (up to 5 s) is longer than the 0.5 s left.
    slow = Resilience(
        timeout=TIMEOUT,
        retry=RetryPolicy(retries=2, base_delay=5, max_delay=5),
        rng=random.Random(3),
    )
    assert RetryPolicy(retries=2, base_delay=5, max_delay=5).delay(0, random.Random(3)) > 0.5
    with deadline_scope(0.5), pytest.raises(UpstreamUnavailable):
        await slow.run(ops.INFO, script)
    assert script.calls == 1


async def test_the_breaker_counts_failed_calls_and_fails_fast() -> None:
    breaker = CircuitBreaker(failure_threshold=2, cool_down=60)
    resilience = make(breaker)
    for _ in range(2):
        with pytest.raises(UpstreamUnavailable):
            await resilience.run(ops.INFO, Script(http(503), http(503), http(503)))
    assert state_of(breaker) is BreakerState.OPEN
    untouched = Script()
    with pytest.raises(CircuitOpen):
        await resilience.run(ops.INFO, untouched)
    assert untouched.calls == 0


async def test_answers_refusals_and_busy_pools_do_not_open_the_breaker() -> None:
    breaker = CircuitBreaker(failure_threshold=1, cool_down=60)
    resilience = make(breaker)
    for error in (
        NotFound("gone", omi_code="resource_not_found"),
        ProtocolError("garbage", maybe_sent=True),
        UpstreamBusy("pool", maybe_sent=False),
    ):
        with pytest.raises(type(error)):
            await resilience.run(ops.INFO, Script(error))
    assert state_of(breaker) is BreakerState.CLOSED
    with pytest.raises(UpstreamTimeout):
        await resilience.run(ops.INFO, Script(UpstreamTimeout("read", maybe_sent=True)))
    assert state_of(breaker) is BreakerState.OPEN
