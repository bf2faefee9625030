"""What the detail cache did for a response, in its ``extensions`` (issue 4).

- When any detail read was answered STALE (OMI failed and an expired entry within the
  maximum staleness answered), ``extensions.cache`` is exactly
  ``{"stale": true, "ageSeconds": N}`` with the age of the oldest stale read, so a
  frontend can say "as of N seconds ago".
- With ``cache_status`` on (``OMI_GATEWAY_CACHE_DEBUG``), ``extensions.cacheStatus``
  says how the request's detail reads were answered, worst first: STALE, MISS, BYPASS
  or HIT (absent when nothing was read), and ``extensions.cacheReads`` counts each state.

The reads come from ``Context.cache_reads`` (the observability extension counts the same
list for the request's log line and metrics).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from strawberry.extensions import SchemaExtension

from gateway.cache import CacheRead, CacheState
from gateway.schema.context import Context

__all__ = ["CacheExtension", "cache_extensions", "overall_state"]

# Which state speaks for a request with several reads: the least fresh answer wins.
_PRECEDENCE = (CacheState.STALE, CacheState.MISS, CacheState.BYPASS, CacheState.HIT)


def overall_state(reads: Iterable[CacheRead]) -> CacheState | None:
    """The least fresh state among ``reads`` (None when there are none)."""
    states = {read.state for read in reads}
    return next((state for state in _PRECEDENCE if state in states), None)


def cache_extensions(reads: list[CacheRead], *, status: bool) -> dict[str, Any]:
    """The response's cache ``extensions`` for ``reads`` (see the module docstring)."""
    result: dict[str, Any] = {}
    stale = [read for read in reads if read.state is CacheState.STALE]
    if stale:
        oldest = max(stale, key=lambda read: read.age_seconds or 0)
        result["cache"] = oldest.stale_extension()
    if status and (state := overall_state(reads)) is not None:
        result["cacheStatus"] = state.value
        counts = Counter(read.state.value for read in reads)
        result["cacheReads"] = {state.value: counts[state.value] for state in _PRECEDENCE}
    return result


class CacheExtension(SchemaExtension):
    """Adds the cache's ``extensions`` to each response; see the module docstring.

    ``status``: also say how the detail reads were answered (debug).
    """

    def __init__(self, *, status: bool = False) -> None:
        super().__init__()
        self.status = status

    def get_results(self) -> dict[str, Any]:
        """The cache ``extensions`` of this response (empty when nothing to say)."""
        context = self.execution_context.context
        if not isinstance(context, Context):
            return {}
        return cache_extensions(context.cache_reads, status=self.status)
