"""``StopOrder``: several uvicorn servers on one event loop, stopped one after another.

``serve --sandbox`` runs the embedded sandbox and the gateway in one process. Stopped
together, the sandbox would close while the gateway's in-flight requests still need it
(a list whose items' details are read after the list answers). So on SIGINT or SIGTERM
the servers stop in the reverse of their start: the gateway first, with its grace period
for in-flight requests and its lifespan's exit (pools closed), and only then the sandbox.
Each server's lifespan exit runs, so no task is left pending for ``asyncio.run`` to
cancel (which Starlette reports as a ``CancelledError`` traceback).

A second signal while stopping means "now": every server skips its remaining wait.
"""

from __future__ import annotations

import asyncio

import uvicorn

__all__ = ["StopOrder"]


class StopOrder:
    """The servers of one process and their serving tasks, in the order they started."""

    def __init__(self) -> None:
        self._servers: list[tuple[uvicorn.Server, asyncio.Task[None]]] = []
        self._requested = asyncio.Event()

    @property
    def tasks(self) -> list[asyncio.Task[None]]:
        """The serving tasks, in start order."""
        return [task for _, task in self._servers]

    def add(self, server: uvicorn.Server, task: asyncio.Task[None]) -> None:
        """Track ``server``, served by ``task``; it will stop before those added earlier."""
        self._servers.append((server, task))

    def request(self) -> None:
        """Ask for a stop (a signal handler); the second request forces it."""
        if self._requested.is_set():
            for server, _ in self._servers:
                server.should_exit = True
                server.force_exit = True
        self._requested.set()

    async def wait(self) -> None:
        """Until a stop is requested or one of the servers ends on its own."""
        requested = asyncio.ensure_future(self._requested.wait())
        try:
            await asyncio.wait([requested, *self.tasks], return_when=asyncio.FIRST_COMPLETED)
        finally:
            requested.cancel()

    async def stop(self) -> None:
        """Stop the servers last-started first, each once the one before has finished."""
        for server, task in reversed(self._servers):
            server.should_exit = True
            await asyncio.wait([task])
