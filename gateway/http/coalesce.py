"""One write per response: uvicorn's httptools protocol with its transport writes coalesced.

Why: uvicorn writes a response in at least two system calls (the status line and headers
on ``http.response.start``, the body on ``http.response.body``); on loopback each is a
TCP delivery and a wake-up of the client. Joining what a connection writes during one
event-loop iteration into one write saves a system call per response (issue 7: on this
machine a large share of a cached answer's cost; bench/README.md, "One write per
response", gives the side-by-side figures).

``HTTP_PROTOCOL`` is what to pass as uvicorn's ``http=``: the coalescing protocol, or
uvicorn's ``"auto"`` where httptools is not installed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

__all__ = ["FLUSH_AT", "HTTP_PROTOCOL", "CoalescingHttpToolsProtocol", "CoalescingTransport"]

FLUSH_AT = 64 * 1024
"""Buffered bytes that are written at once rather than at the end of the iteration: a
large body keeps the real transport's flow control (``pause_writing``) in step."""


class CoalescingTransport(asyncio.Transport):
    """A transport whose writes of one event-loop iteration reach ``inner`` as one write.

    The first write of an iteration schedules a flush (``loop.call_soon``); every write
    until then is buffered. Closing flushes first; aborting drops the buffer. Everything
    else is the inner transport's. Bytes buffered when the inner transport is already
    closing are dropped, as a closing transport drops writes.
    """

    __slots__ = ("_buffer", "_inner", "_loop", "_scheduled", "_size")

    def __init__(self, inner: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._inner = inner
        self._loop = loop
        self._buffer: list[bytes] = []
        self._size = 0
        self._scheduled = False

    # Writing: buffered until the end of the iteration.

    def write(self, data: bytes | bytearray | memoryview[Any]) -> None:
        """Buffer ``data`` (a copy when mutable) for this iteration's one write."""
        if not data:
            return
        chunk = data if type(data) is bytes else bytes(data)
        self._buffer.append(chunk)
        self._size += len(chunk)
        if self._size >= FLUSH_AT:
            self.flush()
        elif not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self._flush_soon)

    def writelines(self, list_of_data: Iterable[bytes | bytearray | memoryview[Any]]) -> None:
        """Buffer each item of ``list_of_data``."""
        for data in list_of_data:
            self.write(data)

    def flush(self) -> None:
        """Write what is buffered now, as one write (dropped if ``inner`` is closing)."""
        if not self._buffer:
            return
        data = self._buffer[0] if len(self._buffer) == 1 else b"".join(self._buffer)
        self._buffer = []
        self._size = 0
        if not self._inner.is_closing():
            self._inner.write(data)

    def _flush_soon(self) -> None:
        self._scheduled = False
        self.flush()

    def get_write_buffer_size(self) -> int:
        """The inner transport's buffer plus what waits here."""
        return self._inner.get_write_buffer_size() + self._size

    def write_eof(self) -> None:
        """Flush, then close the write end."""
        self.flush()
        self._inner.write_eof()

    def close(self) -> None:
        """Flush, then close."""
        self.flush()
        self._inner.close()

    def abort(self) -> None:
        """Drop what is buffered and abort at once."""
        self._buffer = []
        self._size = 0
        self._inner.abort()

    # Everything else: the inner transport's.

    def can_write_eof(self) -> bool:
        """Whether the inner transport can ``write_eof``."""
        return self._inner.can_write_eof()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        """The inner transport's limits (they drive ``pause_writing``)."""
        self._inner.set_write_buffer_limits(high, low)

    def get_write_buffer_limits(self) -> tuple[int, int]:
        """The inner transport's limits."""
        return self._inner.get_write_buffer_limits()

    def is_closing(self) -> bool:
        """Whether the inner transport is closing or closed."""
        return self._inner.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """The inner transport's ``name`` (``peername``, ``socket``, ...)."""
        return self._inner.get_extra_info(name, default)

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        """Hand the inner transport's events to ``protocol`` (a WebSocket upgrade)."""
        self._inner.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        """The protocol receiving the inner transport's events."""
        return self._inner.get_protocol()

    def is_reading(self) -> bool:
        """Whether the inner transport reads."""
        return self._inner.is_reading()

    def pause_reading(self) -> None:
        """Pause the inner transport's reading."""
        self._inner.pause_reading()

    def resume_reading(self) -> None:
        """Resume the inner transport's reading."""
        self._inner.resume_reading()


HTTP_PROTOCOL: type[asyncio.Protocol] | str
try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools is in requirements.lock; without it, uvicorn's choice.
    HTTP_PROTOCOL = "auto"
else:

    class CoalescingHttpToolsProtocol(HttpToolsProtocol):
        """uvicorn's httptools protocol writing through a ``CoalescingTransport``.

        Only ``self.transport`` is wrapped: each request's cycle takes it when its headers
        are complete, after ``connection_made``; ``FlowControl`` keeps the real transport
        (it only pauses and resumes reading), and the real transport still calls this
        protocol's ``pause_writing``/``resume_writing``.
        """

        def connection_made(  # type: ignore[override]  # as uvicorn's own
            self, transport: asyncio.Transport
        ) -> None:
            """Set up as uvicorn does, then coalesce this connection's writes."""
            super().connection_made(transport)
            self.transport = CoalescingTransport(transport, self.loop)

    HTTP_PROTOCOL = CoalescingHttpToolsProtocol
