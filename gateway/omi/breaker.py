"""A circuit breaker for the one upstream.

After ``failure_threshold`` consecutive upstream failures the circuit opens: calls fail
at once with ``CircuitOpen`` (an ``UpstreamUnavailable`` that never reached OMI) for
``cool_down`` seconds. Then a single call is let through as a probe: its success closes
the circuit, its failure opens it for another cool-down. While the probe is in flight,
other calls fail fast.

Only ``UpstreamFailure`` counts as a failure: OMI refusing a request (a business error)
proves OMI is up.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable

from gateway.omi.errors import UpstreamUnavailable

__all__ = ["BreakerState", "CircuitBreaker", "CircuitOpen"]


class BreakerState(enum.Enum):
    """Where the circuit stands."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpen(UpstreamUnavailable):
    """The circuit is open: the call was refused without contacting OMI."""

    def __init__(self, retry_after: float) -> None:
        super().__init__("OMI is failing; calls are paused for a cool-down", maybe_sent=False)
        self.retry_after = retry_after


class CircuitBreaker:
    """Counts consecutive upstream failures and fails fast while OMI is down.

    Call ``before_call()`` before each upstream call (it raises ``CircuitOpen`` or returns
    a ticket), then exactly one of ``succeeded(ticket)`` / ``failed(ticket)`` /
    ``abandoned(ticket)`` (the call was cancelled: it proves nothing).
    ``failure_threshold`` 0 turns the breaker off.
    """

    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        cool_down: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[BreakerState], None] | None = None,
    ) -> None:
        self.failure_threshold = failure_threshold
        self.cool_down = cool_down
        self._clock = clock
        self._on_change = on_change
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probing = False

    @property
    def state(self) -> BreakerState:
        """The current state (an open circuit past its cool-down still reads OPEN)."""
        return self._state

    def before_call(self) -> bool:
        """Admit a call or raise ``CircuitOpen``; returns True when the call is the probe."""
        if self.failure_threshold <= 0 or self._state is BreakerState.CLOSED:
            return False
        waited = self._clock() - self._opened_at
        if self._state is BreakerState.OPEN and waited >= self.cool_down:
            self._set(BreakerState.HALF_OPEN)
        if self._state is BreakerState.HALF_OPEN and not self._probing:
            self._probing = True
            return True
        raise CircuitOpen(retry_after=max(0.0, self.cool_down - waited))

    def succeeded(self, probe: bool) -> None:
        """The call got an answer from OMI (success or business error)."""
        if probe:
            self._probing = False
        self._failures = 0
        if self._state is not BreakerState.CLOSED and (probe or not self._probing):
            self._set(BreakerState.CLOSED)

    def failed(self, probe: bool) -> None:
        """The call got no usable answer from OMI."""
        if probe:
            self._probing = False
            self._open()
            return
        self._failures += 1
        if self._state is BreakerState.CLOSED and 0 < self.failure_threshold <= self._failures:
            self._open()

    def abandoned(self, probe: bool) -> None:
        """The call was cancelled before OMI answered: free the probe slot, count nothing."""
        if probe:
            self._probing = False

    def _open(self) -> None:
        self._opened_at = self._clock()
        self._failures = 0
        self._set(BreakerState.OPEN)

    def _set(self, state: BreakerState) -> None:
        if state is not self._state:
            self._state = state
            if self._on_change is not None:
                self._on_change(state)
