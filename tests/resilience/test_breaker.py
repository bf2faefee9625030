"""The circuit breaker's states, driven by a fake clock."""

from __future__ import annotations

import pytest

from gateway.omi.breaker import BreakerState, CircuitBreaker, CircuitOpen


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(threshold: int = 3, cool_down: float = 10.0) -> tuple[CircuitBreaker, Clock, list[str]]:
    clock = Clock()
    changes: list[str] = []
    breaker = CircuitBreaker(
        failure_threshold=threshold,
        cool_down=cool_down,
        clock=clock,
        on_change=lambda state: changes.append(state.value),
    )
    return breaker, clock, changes


def state_of(breaker: CircuitBreaker) -> BreakerState:
    # A call, so that mypy does not narrow the property across assertions.
    return breaker.state


def fail(breaker: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        breaker.failed(breaker.before_call())


def test_opens_after_consecutive_failures_only() -> None:
    breaker, _, changes = make(threshold=3)
    fail(breaker, 2)
    breaker.succeeded(breaker.before_call())  # a success resets the count
    fail(breaker, 2)
    assert state_of(breaker) is BreakerState.CLOSED
    fail(breaker, 1)
    assert state_of(breaker) is BreakerState.OPEN
    assert changes == ["open"]
    with pytest.raises(CircuitOpen) as refused:
        breaker.before_call()
    assert refused.value.maybe_sent is False
    assert 0 < refused.value.retry_after <= 10.0


def test_one_probe_after_cool_down_closes_on_success() -> None:
    breaker, clock, changes = make()
    fail(breaker, 3)
    clock.now += 10.0
    probe = breaker.before_call()
    assert probe is True
    assert state_of(breaker) is BreakerState.HALF_OPEN
    with pytest.raises(CircuitOpen):  # only one probe at a time
        breaker.before_call()
    breaker.succeeded(probe)
    assert state_of(breaker) is BreakerState.CLOSED
    assert breaker.before_call() is False
    assert changes == ["open", "half_open", "closed"]


def test_failed_probe_opens_for_another_cool_down() -> None:
    breaker, clock, _ = make()
    fail(breaker, 3)
    clock.now += 10.0
    breaker.failed(breaker.before_call())
    assert state_of(breaker) is BreakerState.OPEN
    clock.now += 9.0
    with pytest.raises(CircuitOpen):
        breaker.before_call()
    clock.now += 1.0
    assert breaker.before_call() is True


def test_abandoned_probe_frees_the_slot() -> None:
    breaker, clock, _ = make()
    fail(breaker, 3)
    clock.now += 10.0
    breaker.abandoned(breaker.before_call())
    assert breaker.before_call() is True


def test_threshold_zero_turns_it_off() -> None:
    breaker, _, changes = make(threshold=0)
    fail(breaker, 50)
    assert state_of(breaker) is BreakerState.CLOSED
    assert changes == []
