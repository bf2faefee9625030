"""Readiness: is OMI answering, is the cache backend reachable? (``GET /readyz``)

OMI is "up" when a cheap request (``GET /api/auth`` without a key) gets any HTTP answer
below 500 within the timeout; a 5xx, a timeout or a connect error is "down". The cache
is "up" when its check (a Redis ``PING``) returns within the timeout; a process-local
cache has no check. A result is kept for at most ``memo_seconds`` so a burst of probes
costs OMI one request; concurrent probes share one check.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

__all__ = ["Readiness", "ReadinessProbe", "redis_ping"]

CacheCheck = Callable[[], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class Readiness:
    """One probe's outcome: each check's word (``ok`` or why not) and the verdict."""

    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        """True when every check said ``ok``."""
        return all(value == "ok" for value in self.checks.values())

    def body(self) -> dict[str, Any]:
        """The JSON body of ``/readyz``."""
        return {"status": "ok" if self.ready else "unavailable", "checks": dict(self.checks)}


def redis_ping(cache: Any) -> CacheCheck | None:
    """A check for an aiocache cache: its Redis client's ``PING``; None without one."""
    client = getattr(cache, "client", None)
    ping = getattr(client, "ping", None)
    return ping if callable(ping) else None


class ReadinessProbe:
    """Checks OMI and the cache; owns a small HTTP client of its own (one connection),
    so probes neither queue behind nor count as the gateway's upstream traffic.
    """

    def __init__(
        self,
        upstream: str,
        *,
        timeout: float = 1.0,
        cache_check: CacheCheck | None = None,
        memo_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=upstream,
            timeout=timeout,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            transport=transport,
        )
        self._timeout = timeout
        self._cache_check = cache_check
        self._memo_seconds = memo_seconds
        self._clock = clock
        self._memo: tuple[float, Readiness] | None = None
        self._lock = asyncio.Lock()

    async def check(self) -> Readiness:
        """The current readiness (a result at most ``memo_seconds`` old)."""
        memo = self._fresh()
        if memo is not None:
            return memo
        async with self._lock:
            memo = self._fresh()  # another probe may have just checked
            if memo is not None:
                return memo
            upstream, cache = await asyncio.gather(self._upstream(), self._cache())
            result = Readiness({"upstream": upstream, "cache": cache})
            self._memo = (self._clock(), result)
            return result

    async def endpoint(self, _request: Request) -> Response:
        """``GET /readyz``: 200 when ready, else 503; the body says which check failed."""
        result = await self.check()
        return JSONResponse(result.body(), status_code=200 if result.ready else 503)

    async def aclose(self) -> None:
        """Close the probe's HTTP client."""
        await self._http.aclose()

    def _fresh(self) -> Readiness | None:
        if self._memo is None:
            return None
        at, result = self._memo
        return result if self._clock() - at < self._memo_seconds else None

    async def _upstream(self) -> str:
        try:
            response = await self._http.get("/api/auth")
        except httpx.TimeoutException:
            return "timeout"
        except httpx.ConnectError:
            return "unreachable"
        except httpx.HTTPError as exc:
            return f"failed ({type(exc).__name__})"
        return "ok" if response.status_code < 500 else f"http {response.status_code}"

    async def _cache(self) -> str:
        if self._cache_check is None:
            return "ok"
        try:
            await asyncio.wait_for(self._cache_check(), self._timeout)
        except TimeoutError:
            return "timeout"
        except Exception as exc:
            return f"unreachable ({type(exc).__name__})"
        return "ok"
