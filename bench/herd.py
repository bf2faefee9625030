"""The ``herd`` case's client: N concurrent cold reads of one tenant, from asyncio."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from bench import queries


@dataclass(frozen=True, slots=True)
class HerdOutcome:
    """How many of the reads answered the tenant, and how long the slowest took."""

    ok: int
    failed: int
    first_failure: str
    seconds: float


async def _herd(
    url: str, headers: Mapping[str, str], body: bytes, tenant_id: str, readers: int
) -> HerdOutcome:
    limits = httpx.Limits(max_connections=readers, max_keepalive_connections=readers)
    async with httpx.AsyncClient(limits=limits, timeout=30.0) as client:
        start = time.perf_counter()
        answers = await asyncio.gather(
            *(client.post(url, headers=dict(headers), content=body) for _ in range(readers)),
            return_exceptions=True,
        )
        seconds = time.perf_counter() - start
    ok, failures = 0, []
    for answer in answers:
        if isinstance(answer, BaseException):
            failures.append(repr(answer))
            continue
        try:
            queries.check_detail(answer.status_code, answer.content, tenant_id)
            ok += 1
        except queries.Unavailable as exc:
            failures.append(str(exc))
    return HerdOutcome(ok, len(failures), failures[0] if failures else "", seconds)


def stampede(
    url: str, headers: Mapping[str, str], body: bytes, tenant_id: str, readers: int = 100
) -> HerdOutcome:
    """Send ``readers`` identical detail reads at once to ``url`` and check every answer."""
    return asyncio.run(_herd(url, headers, body, tenant_id, readers))
