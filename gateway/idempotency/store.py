"""Idempotency records in the cache backend: one write per key, its first result replayed.

A record lives under ``<prefix>idem:<scope>:<sha256 of the key>`` (the scope is the
partner's, as in the detail cache) as JSON text, never pickle, for ``ttl`` seconds:

- ``{"v": 1, "state": "pending", "fp": ..., "since": <epoch s>}`` while the first request
  runs: it is claimed with ``add`` (set-if-absent, ``SET NX`` on Redis), so of two
  replicas sharing Redis only one calls OMI;
- ``{"v": 1, "state": "done", "fp": ..., "result": {...}}`` afterwards.

``fp`` is a fingerprint of the operation and its input: the same key with another
fingerprint is ``Reused``. A repeat that finds the record pending waits (polling, at most
``wait`` seconds) for it to be done; past that it is ``InProgress``, or ``Unknown`` when the
record is older than ``stale_after`` (the first request died mid-way: whether OMI acted is
not known, and it is never sent again under this key). Within one process, concurrent
requests with one key and one input share one execution (``SingleFlight``).
"""

from __future__ import annotations

import asyncio
import enum
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from gateway.cache.backends import Backend
from gateway.cache.flight import SingleFlight

__all__ = ["Finished", "IdempotencyStore", "Replayed", "StoreUnavailable", "Verdict"]

log = logging.getLogger("gateway.idempotency")

_T = TypeVar("_T")
_VERSION = 1


class Verdict(enum.Enum):
    """Why a request with a key was not carried out."""

    REUSED = "reused"  # the key was used for another input
    IN_PROGRESS = "in_progress"  # the first request with the key is still running
    UNKNOWN = "unknown"  # the first request died mid-way: its outcome is unknown


class StoreUnavailable(Exception):
    """The backend could not claim the key: nothing was done (retry with the same key)."""


@dataclass(frozen=True, slots=True)
class Replayed:
    """The stored first result of this key (JSON, as the caller encoded it)."""

    result: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Finished(Generic[_T]):
    """What a carried-out call returns: its live result and the JSON to keep (None: keep
    nothing and free the key, e.g. when nothing happened)."""

    result: _T
    keep: dict[str, Any] | None


class IdempotencyStore:
    """Claims, waits for, keeps and replays results by (scope, key). One per process."""

    def __init__(
        self,
        backend: Backend,
        *,
        prefix: str = "omi-gateway:",
        ttl: float = 86_400.0,
        wait: float = 5.0,
        stale_after: float = 30.0,
        poll: float = 0.05,
    ) -> None:
        self.backend = backend
        self.prefix = prefix
        self.ttl = ttl
        self.wait = wait
        self.stale_after = stale_after
        self.poll = poll
        self._flight: SingleFlight[Finished[Any] | Replayed | Verdict] = SingleFlight()

    def record_key(self, scope: str, key: str) -> str:
        """Where the record of ``key`` in ``scope`` lives (the key itself is hashed)."""
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return f"{self.prefix}idem:{scope}:{digest}"

    async def run(
        self,
        scope: str,
        key: str,
        fingerprint: str,
        call: Callable[[], Awaitable[Finished[_T]]],
        *,
        release: Callable[[BaseException], bool],
    ) -> Finished[_T] | Replayed | Verdict:
        """Carry out ``call`` at most once for ``key``, or say why not.

        ``release(exc)`` says whether an exception of ``call`` proves that nothing
        happened (the key is then freed); otherwise the record stays pending.
        Raises ``StoreUnavailable`` when the backend cannot be used.
        """
        record_key = self.record_key(scope, key)

        async def once() -> Finished[Any] | Replayed | Verdict:
            return await self._run(record_key, fingerprint, call, release)

        return await self._flight.run((record_key, fingerprint), once)

    async def _run(
        self,
        record_key: str,
        fingerprint: str,
        call: Callable[[], Awaitable[Finished[_T]]],
        release: Callable[[BaseException], bool],
    ) -> Finished[_T] | Replayed | Verdict:
        give_up = time.monotonic() + self.wait
        while True:
            record = await self._get(record_key)
            if record is None:
                if await self._claim(record_key, fingerprint):
                    return await self._carry_out(record_key, fingerprint, call, release)
                continue  # another request claimed it first: read what it wrote
            if record.get("fp") != fingerprint:
                return Verdict.REUSED
            if record.get("state") == "done" and isinstance(record.get("result"), dict):
                return Replayed(record["result"])
            if time.monotonic() >= give_up:
                since = record.get("since")
                started = since if isinstance(since, int | float) else 0.0
                late = time.time() - started > self.stale_after
                return Verdict.UNKNOWN if late else Verdict.IN_PROGRESS
            await asyncio.sleep(self.poll)

    async def _carry_out(
        self,
        record_key: str,
        fingerprint: str,
        call: Callable[[], Awaitable[Finished[_T]]],
        release: Callable[[BaseException], bool],
    ) -> Finished[_T]:
        try:
            finished = await call()
        except BaseException as exc:
            if release(exc):
                await self._delete(record_key)
            raise
        if finished.keep is None:
            await self._delete(record_key)
            return finished
        done = {"v": _VERSION, "state": "done", "fp": fingerprint, "result": finished.keep}
        try:
            await self.backend.cache.set(record_key, json.dumps(done), ttl=self.ttl)
        except Exception as exc:  # the result stands; a repeat will find it pending
            log.warning("idempotency record not stored (%s)", type(exc).__name__)
        return finished

    async def _get(self, record_key: str) -> dict[str, Any] | None:
        try:
            raw = await self.backend.cache.get(record_key)
        except Exception as exc:
            raise StoreUnavailable(type(exc).__name__) from None
        if raw is None:
            return None
        try:
            record = json.loads(raw)
        except ValueError:
            record = None
        if not isinstance(record, dict) or record.get("v") != _VERSION:
            # Unreadable: never treated as free, which could send a write twice.
            return {"v": _VERSION, "state": "pending", "fp": None, "since": 0}
        return record

    async def _claim(self, record_key: str, fingerprint: str) -> bool:
        pending = {"v": _VERSION, "state": "pending", "fp": fingerprint, "since": time.time()}
        try:
            await self.backend.cache.add(record_key, json.dumps(pending), ttl=self.ttl)
        except ValueError:  # aiocache: the key exists
            return False
        except Exception as exc:
            raise StoreUnavailable(type(exc).__name__) from None
        return True

    async def _delete(self, record_key: str) -> None:
        try:
            await self.backend.cache.delete(record_key)
        except Exception as exc:  # the key stays pending: repeats answer "unknown" later
            log.warning("idempotency key not released (%s)", type(exc).__name__)

    async def close(self) -> None:
        """Release the backend's connections."""
        await self.backend.close()
