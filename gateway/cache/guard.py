"""Backend trouble is not an outage: a small breaker in front of the cache backend.

Any error or timeout of a backend call makes the cache step aside: the caller reads
through to OMI and writes nothing. For ``retry_after`` seconds after a failure the
backend is not even tried (a slow Redis must not add its timeout to every request);
then the next call tries again, and success closes the breaker by itself. A warning is
logged at most once per ``warn_every`` seconds; the message names the backend by a
description without its password and never includes keys or values.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

__all__ = ["BackendGuard", "CacheUnavailable"]

log = logging.getLogger("gateway.cache")
_T = TypeVar("_T")


class CacheUnavailable(Exception):
    """The backend cannot be used right now; read through and do not write."""


class BackendGuard:
    """Runs backend calls, turning any failure into ``CacheUnavailable``."""

    def __init__(
        self,
        description: str,
        *,
        retry_after: float = 1.0,
        warn_every: float = 30.0,
        secrets: Iterable[str] = (),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.description = description
        self.retry_after = retry_after
        self.warn_every = warn_every
        self._secrets = tuple(s for s in secrets if s)
        self._monotonic = monotonic
        self._down_until: float | None = None
        self._last_warning: float | None = None

    @property
    def healthy(self) -> bool:
        """False between a failure and the next successful call."""
        return self._down_until is None

    async def run(self, what: str, call: Callable[[], Awaitable[_T]]) -> _T:
        """Await ``call()``; ``CacheUnavailable`` if it fails or the breaker is open."""
        if self._down_until is not None and self._monotonic() < self._down_until:
            raise CacheUnavailable(self.description)
        try:
            result = await call()
        except Exception as exc:  # any backend failure: the cache steps aside
            self._failed(what, exc)
            raise CacheUnavailable(self.description) from exc
        if self._down_until is not None:
            self._down_until = None
            log.info("cache backend %s is answering again", self.description)
        return result

    def _failed(self, what: str, exc: Exception) -> None:
        now = self._monotonic()
        self._down_until = now + self.retry_after
        if self._last_warning is not None and now - self._last_warning < self.warn_every:
            return
        self._last_warning = now
        log.warning(
            "cache backend %s failed on %s (%s); reading through to OMI without caching,"
            " retrying in %gs (this warning repeats at most every %gs)",
            self.description,
            what,
            self._describe(exc),
            self.retry_after,
            self.warn_every,
        )

    def _describe(self, exc: Exception) -> str:
        text = str(exc) or "no message"
        if isinstance(exc, TimeoutError):
            text = "timed out"
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return f"{type(exc).__name__}: {text[:200]}"
