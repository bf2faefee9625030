"""The response cache's memory: prepared response bytes by key, each with an expiry.

Bounded by entry count and by total bytes; when full, the oldest entries go first
(insertion order), expired ones whenever they are met. Nothing here knows HTTP or
GraphQL: keys are hashable values (the response cache's tuples), values are bytes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

__all__ = ["Headers", "Key", "ResponseStore", "StoredResponse"]


Headers = tuple[tuple[bytes, bytes], ...]
Key = Hashable


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """One prepared answer: the body, when it stops counting, and the headers to answer
    it with: the first answer's (``put``'s ``headers``) and ``Content-Length``.
    """

    body: bytes
    expires: float
    operation_name: str | None = None
    headers: Headers = ()


class ResponseStore:
    """Prepared responses in this process's memory (see the module docstring).

    ``clock`` is monotonic seconds (injectable for tests).
    """

    def __init__(
        self,
        *,
        max_entries: int = 10_000,
        max_bytes: int = 32 * 1024 * 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1 or max_bytes < 1:
            raise ValueError("response store bounds must be positive")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._clock = clock
        self._entries: dict[Key, StoredResponse] = {}
        self._bytes = 0

    def __len__(self) -> int:
        """Entries held (expired ones included until they are met)."""
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        """Bytes of response bodies held."""
        return self._bytes

    def get(self, key: Key) -> StoredResponse | None:
        """The unexpired response stored under ``key``, if any."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires <= self._clock():
            self._drop(key)
            return None
        return entry

    def put(
        self,
        key: Key,
        body: bytes,
        ttl: float,
        operation_name: str | None = None,
        headers: Headers = (),
    ) -> None:
        """Keep ``body`` under ``key`` for ``ttl`` seconds (a body larger than the whole
        store, or a ttl of 0, is not kept), to be answered with ``headers`` (those of
        the first answer, without a ``Content-Length``: this adds the body's own).
        """
        if ttl <= 0 or len(body) > self.max_bytes:
            return
        self._drop(key)
        length = str(len(body)).encode("ascii")
        answered = (*headers, (b"content-length", length))
        entry = StoredResponse(body, self._clock() + ttl, operation_name, answered)
        self._entries[key] = entry
        self._bytes += len(body)
        self._evict()

    def clear(self) -> None:
        """Forget everything."""
        self._entries.clear()
        self._bytes = 0

    def _drop(self, key: Key) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry.body)

    def _evict(self) -> None:
        # Oldest first: dicts keep insertion order, and a re-stored key moves to the end.
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            oldest = next(iter(self._entries))
            self._drop(oldest)
