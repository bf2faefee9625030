"""Single flight: concurrent calls for one key in one process share one execution."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["SingleFlight"]

_T = TypeVar("_T")


class SingleFlight(Generic[_T]):
    """Deduplicates in-flight calls by key.

    The first caller of a key starts ``call()`` as a task; callers arriving while it
    runs await the same task. Its result or exception reaches every waiter and is kept
    nowhere afterwards (a failure is never remembered). A waiter that is cancelled
    stops waiting but does not cancel the shared call for the others.
    """

    def __init__(self) -> None:
        self._running: dict[Hashable, asyncio.Task[_T]] = {}

    def __len__(self) -> int:
        """Number of calls in flight."""
        return len(self._running)

    async def run(self, key: Hashable, call: Callable[[], Awaitable[_T]]) -> _T:
        """The result of the one ``call()`` running for ``key``, starting it if none."""
        task = self._running.get(key)
        if task is None:
            task = asyncio.ensure_future(call())
            self._running[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        # shield: cancelling this waiter must not cancel the task the others await.
        return await asyncio.shield(task)

    def _finished(self, key: Hashable, task: asyncio.Task[_T]) -> None:
        if self._running.get(key) is task:
            del self._running[key]
        # Retrieve the exception so a load whose waiters all left is not reported as
        # "exception never retrieved"; the waiters that remain get it from await.
        if not task.cancelled():
            task.exception()
