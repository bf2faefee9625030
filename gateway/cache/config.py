"""The detail cache's settings, as one frozen object (filled from the environment by
``gateway/settings.py``, never read here).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CacheConfig"]


@dataclass(frozen=True, slots=True)
class CacheConfig:
    """How the detail cache behaves; every duration is in seconds.

    - ``url``: ``None``/``""``/``memory://`` (one process) or ``redis://``/``rediss://``
      (``OMI_GATEWAY_CACHE_URL``);
    - ``ttl``: freshness of a tenant (``OMI_GATEWAY_CACHE_TTL``); 0 turns caching off;
    - ``max_stale``: how long past freshness an entry may answer while OMI fails
      (``OMI_GATEWAY_CACHE_MAX_STALE``);
    - ``pending_ttl``: freshness of a tenant whose status is not ``activated``;
    - ``not_found_ttl``: how long "no such tenant" is remembered (0: never);
    - ``prefix``: every key starts with it (tests use their own);
    - ``backend_timeout``: bound of each Redis call;
    - ``retry_after``: after a backend failure, how long the cache steps aside before
      trying the backend again; ``warn_every``: at most one warning per this interval;
    - ``generation_ttl``: lifetime of a scope's generation after its last bump; it must
      outlive every entry by a wide margin; ``None``: a day, or more if entries live
      longer (``generation_lifetime``).
    """

    url: str | None = None
    ttl: float = 60.0
    max_stale: float = 600.0
    pending_ttl: float = 2.0
    not_found_ttl: float = 5.0
    prefix: str = "omi-gateway:"
    backend_timeout: float = 0.5
    retry_after: float = 1.0
    warn_every: float = 30.0
    generation_ttl: float | None = None

    def __post_init__(self) -> None:
        for name in ("ttl", "max_stale", "pending_ttl", "not_found_ttl", "retry_after"):
            if getattr(self, name) < 0:
                raise ValueError(f"cache {name} must not be negative")
        if self.backend_timeout <= 0 or self.warn_every <= 0:
            raise ValueError("cache backend_timeout and warn_every must be positive")
        if self.generation_ttl is not None and self.generation_ttl < self._longest_entry:
            raise ValueError("cache generation_ttl must exceed 2 * (ttl + max_stale) + 300")

    @property
    def _longest_entry(self) -> float:
        # Twice the longest entry life plus slack for a slow load: see CacheStore.bump.
        return 2 * (self.ttl + self.max_stale) + 300

    @property
    def generation_lifetime(self) -> float:
        """``generation_ttl``, or by default a day (longer if entries live longer)."""
        if self.generation_ttl is not None:
            return self.generation_ttl
        return max(86_400.0, self._longest_entry)

    @property
    def pending_fresh_for(self) -> float:
        """Freshness of a tenant that is not yet activated (never more than ``ttl``)."""
        return min(self.ttl, self.pending_ttl)
