"""One logical call to OMI under the request's deadline, the retry policy and the breaker.

``Resilience.run(operation, attempt)`` calls ``attempt(timeout)`` (one HTTP exchange with
``timeout`` capped to what is left of the deadline) until it answers, the policy forbids
another try, or another try would not fit before the deadline. The breaker sees the
whole call once (after its retries): OMI answering anything, even a refusal or an
unreadable body, proves it is up; only ``UpstreamUnavailable`` and ``UpstreamTimeout``
count as failures; a full pool (``UpstreamBusy``), a deadline that passed before
sending and a cancelled call prove nothing either way.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

from gateway.omi import deadline
from gateway.omi._operations import Operation
from gateway.omi.breaker import CircuitBreaker, CircuitOpen
from gateway.omi.errors import (
    OmiError,
    UpstreamBusy,
    UpstreamFailure,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.omi.retry import RetryPolicy

__all__ = ["Attempt", "DeadlinePassed", "Resilience"]

_T = TypeVar("_T")

# One HTTP exchange with OMI, given the timeouts it may use (None: the client's own).
Attempt = Callable[[httpx.Timeout | None], Awaitable[_T]]


class DeadlinePassed(UpstreamTimeout):
    """The request's deadline passed before this call could be sent; OMI saw nothing."""

    def __init__(self) -> None:
        super().__init__("the request's deadline passed before calling OMI", maybe_sent=False)


class Resilience:
    """Retries, deadline and circuit breaker around one call (see the module docstring).

    ``retry`` None: one attempt only; ``breaker`` None: no breaker. ``timeout`` is the
    pool's configured timeouts, which the deadline caps attempt by attempt.
    """

    def __init__(
        self,
        *,
        timeout: httpx.Timeout,
        retry: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.timeout = timeout
        self.retry = retry
        self.breaker = breaker
        self._rng = rng

    async def run(self, operation: Operation, attempt: Attempt[_T]) -> _T:
        """The answer of ``attempt``, retried as the policy allows; raises ``OmiError``."""
        breaker = self.breaker
        left = deadline.remaining()
        if left is not None and left <= 0:
            raise DeadlinePassed
        probe = breaker.before_call() if breaker is not None else False
        try:
            result = await self._attempts(operation, attempt)
        except (UpstreamUnavailable, UpstreamTimeout) as exc:
            if breaker is not None:
                if isinstance(exc, CircuitOpen | DeadlinePassed):
                    breaker.abandoned(probe)
                else:
                    breaker.failed(probe)
            raise
        except OmiError as exc:
            if breaker is not None:
                # A refusal or an unreadable answer: OMI is there. A full pool is ours.
                if isinstance(exc, UpstreamBusy):
                    breaker.abandoned(probe)
                else:
                    breaker.succeeded(probe)
            raise
        except BaseException:
            if breaker is not None:
                breaker.abandoned(probe)
            raise
        if breaker is not None:
            breaker.succeeded(probe)
        return result

    async def _attempts(self, operation: Operation, attempt: Attempt[_T]) -> _T:
        tries = 0
        while True:
            left = deadline.remaining()
            if left is not None and left <= 0:
                raise DeadlinePassed
            try:
                return await self._one(attempt, left)
            except UpstreamFailure as exc:
                pause = self._pause(exc, operation, tries)
                if pause is None:
                    raise
                left = deadline.remaining()
                # A retry that cannot even start before the deadline is not made.
                if left is not None and pause >= left:
                    raise
            await asyncio.sleep(pause)
            tries += 1

    def _pause(self, exc: UpstreamFailure, operation: Operation, tries: int) -> float | None:
        """Seconds to wait before another try, or None when there is none."""
        policy = self.retry
        if policy is None or not policy.should_retry(
            exc, attempt=tries, idempotent=operation.idempotent
        ):
            return None
        return policy.delay(tries, self._rng)

    async def _one(self, attempt: Attempt[_T], left: float | None) -> _T:
        if left is None:
            return await attempt(None)
        try:
            # httpx's read timeout bounds each read, not the whole answer: the deadline
            # also bounds the exchange as a whole.
            async with asyncio.timeout(left):
                return await attempt(_capped(self.timeout, left))
        except TimeoutError:
            raise UpstreamTimeout(
                "OMI did not answer before the request's deadline", maybe_sent=True
            ) from None


def _capped(timeout: httpx.Timeout, left: float) -> httpx.Timeout:
    def cap(value: float | None) -> float:
        return left if value is None else min(value, left)

    return httpx.Timeout(
        connect=cap(timeout.connect),
        read=cap(timeout.read),
        write=cap(timeout.write),
        pool=cap(timeout.pool),
    )
