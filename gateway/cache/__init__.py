"""The detail cache (issue 4): per-partner, single-flighted, invalidated by generation,
stale if the upstream fails, in memory or in a shared Redis.

Public names: ``DetailCache`` (``read``, ``invalidate``, ``generation``, ``close``),
``CacheConfig``, ``CacheRead``, ``CacheState``, ``scope_for``, ``open_backend``.
"""

from __future__ import annotations

from gateway.cache.backends import Backend, describe_url, open_backend
from gateway.cache.config import CacheConfig
from gateway.cache.detail import DetailCache, Loader
from gateway.cache.keys import scope_for
from gateway.cache.read import CacheRead, CacheState

__all__ = [
    "Backend",
    "CacheConfig",
    "CacheRead",
    "CacheState",
    "DetailCache",
    "Loader",
    "describe_url",
    "open_backend",
    "scope_for",
]
