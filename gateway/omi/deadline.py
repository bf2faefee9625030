"""The overall deadline of one GraphQL request, as a context variable.

The app starts it when a request arrives (``start_deadline(seconds)``); ``OmiClient._send``
reads ``remaining()`` to cap each attempt's timeouts and to skip a retry that would not
fit. A context variable rather than an argument: the deadline belongs to the request,
and every upstream call it makes (DataLoader batches run in tasks that copy the context)
sees it without threading it through every resolver.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar

__all__ = ["deadline_scope", "remaining", "start_deadline"]

# The monotonic instant by which the current request must be answered; None: no deadline.
_DEADLINE: ContextVar[float | None] = ContextVar("omi_gateway_deadline", default=None)


def start_deadline(seconds: float | None) -> None:
    """Give the current context (one request) ``seconds`` from now; None: no deadline."""
    _DEADLINE.set(None if seconds is None else time.monotonic() + seconds)


@contextlib.contextmanager
def deadline_scope(seconds: float | None) -> Iterator[None]:
    """``start_deadline`` for the body of a ``with`` block, restored afterwards."""
    token = _DEADLINE.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining() -> float | None:
    """Seconds left before the current request's deadline (may be <= 0); None: none set."""
    deadline = _DEADLINE.get()
    return None if deadline is None else deadline - time.monotonic()
