"""When a failed call to OMI may be sent again, and after how long.

Reads (``tenant/info``, ``tenant/list``) may be retried on a connect error, a dropped
connection, and HTTP 502, 503 and 504. Writes (``tenant/add``, ``update_balance``) move
state, and a top-up moves money: they are retried only when the request provably never
left (the connection failed before anything was sent). Delays grow exponentially with
full jitter, and a retry is made only if it fits before the request's deadline. An
open circuit and a full connection pool (``UpstreamBusy``) are never retried.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from gateway.omi.breaker import CircuitOpen
from gateway.omi.errors import OmiError, UpstreamBusy, UpstreamFailure, UpstreamUnavailable

__all__ = ["RETRYABLE_STATUSES", "RetryPolicy"]

RETRYABLE_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """At most ``retries`` more attempts, ``base_delay * 2**n`` capped, fully jittered."""

    retries: int = 2
    base_delay: float = 0.05
    max_delay: float = 1.0

    def should_retry(self, error: OmiError, *, attempt: int, idempotent: bool) -> bool:
        """True when ``error`` on attempt ``attempt`` (0-based) allows another attempt."""
        if attempt >= self.retries or not isinstance(error, UpstreamFailure):
            return False
        # Both mean "not now" by design: a retry would only add to the load.
        if isinstance(error, CircuitOpen | UpstreamBusy):
            return False
        if not error.maybe_sent:
            return True
        if not idempotent or not isinstance(error, UpstreamUnavailable):
            return False
        return error.http_status is None or error.http_status in RETRYABLE_STATUSES

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1``: full jitter over the backoff."""
        ceiling = min(self.max_delay, self.base_delay * (2**attempt))
        return (rng or random).uniform(0.0, ceiling)
