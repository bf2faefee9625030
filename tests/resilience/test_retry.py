"""Which failures a retry may follow: never a write that may have reached OMI."""

from __future__ import annotations

import random

import pytest

from gateway.omi.breaker import CircuitOpen
from gateway.omi.errors import (
    Denied,
    OmiError,
    ProtocolError,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.omi.retry import RetryPolicy

POLICY = RetryPolicy(retries=2, base_delay=0.1, max_delay=0.3)

CONNECT_FAILED = UpstreamUnavailable("connect", maybe_sent=False)
DROPPED = UpstreamUnavailable("dropped", maybe_sent=True)
TIMED_OUT = UpstreamTimeout("read timeout", maybe_sent=True)
CONNECT_TIMEOUT = UpstreamTimeout("connect timeout", maybe_sent=False)


def http(status: int) -> UpstreamUnavailable:
    return UpstreamUnavailable(f"HTTP {status}", maybe_sent=True, http_status=status)


@pytest.mark.parametrize(
    ("error", "read", "write"),
    [
        (CONNECT_FAILED, True, True),
        (CONNECT_TIMEOUT, True, True),
        (DROPPED, True, False),
        (http(502), True, False),
        (http(503), True, False),
        (http(504), True, False),
        (http(500), False, False),
        (TIMED_OUT, False, False),
        (ProtocolError("garbage", maybe_sent=True), False, False),
        (Denied("access_denied", omi_code="access_denied"), False, False),
        (CircuitOpen(retry_after=5.0), False, False),
    ],
)
def test_what_may_be_retried(error: OmiError, read: bool, write: bool) -> None:
    assert POLICY.should_retry(error, attempt=0, idempotent=True) is read
    assert POLICY.should_retry(error, attempt=0, idempotent=False) is write


def test_at_most_two_retries() -> None:
    assert POLICY.should_retry(http(503), attempt=1, idempotent=True)
    assert not POLICY.should_retry(http(503), attempt=2, idempotent=True)
    assert not POLICY.should_retry(CONNECT_FAILED, attempt=2, idempotent=False)


def test_delays_are_jittered_under_an_exponential_cap() -> None:
    rng = random.Random(7)
    for attempt, cap in [(0, 0.1), (1, 0.2), (2, 0.3), (5, 0.3)]:
        delays = [POLICY.delay(attempt, rng) for _ in range(200)]
        assert all(0.0 <= d <= cap for d in delays)
        assert len(set(delays)) > 150  # jittered, not a fixed schedule
        assert max(delays) > cap * 0.8
