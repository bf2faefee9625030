"""What one detail read answered, and how: the observability hook of the cache."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from gateway.cache.codec import MissingTenant
from gateway.omi.models import Tenant

__all__ = ["CacheRead", "CacheState"]


class CacheState(enum.Enum):
    """How a read was answered."""

    HIT = "HIT"  # a fresh entry, no upstream call
    MISS = "MISS"  # loaded from upstream (alone or shared with concurrent readers)
    STALE = "STALE"  # upstream failed; an expired entry within max_stale answered
    BYPASS = "BYPASS"  # cache off (ttl 0) or backend unavailable: loaded, not stored


@dataclass(frozen=True, slots=True)
class CacheRead:
    """The tenant (or that there is none) and the cache state of one read.

    ``age_seconds`` is set for STALE (whole seconds since the entry was read upstream,
    rounded down) and for HIT (rounded up, so a lifetime derived from it never outlasts
    the entry's freshness).
    """

    tenant: Tenant | None
    state: CacheState
    age_seconds: int | None = None
    missing: MissingTenant | None = None

    @classmethod
    def of(
        cls, outcome: Tenant | MissingTenant, state: CacheState, age_seconds: int | None = None
    ) -> CacheRead:
        """A read that answered ``outcome``."""
        if isinstance(outcome, MissingTenant):
            return cls(None, state, age_seconds=age_seconds, missing=outcome)
        return cls(outcome, state, age_seconds=age_seconds)

    @property
    def not_found(self) -> bool:
        """True when the answer is that there is no such tenant."""
        return self.tenant is None

    def unwrap(self) -> Tenant:
        """The tenant, or raise ``NotFound`` (a new exception for each call)."""
        if self.tenant is not None:
            return self.tenant
        assert self.missing is not None  # a read without a tenant always has missing
        raise self.missing.error()

    def stale_extension(self) -> dict[str, Any] | None:
        """``{"stale": True, "ageSeconds": n}`` for a STALE read, else ``None``: the
        value of the response's ``extensions["cache"]`` (issue 4).
        """
        if self.state is not CacheState.STALE:
            return None
        return {"stale": True, "ageSeconds": self.age_seconds}
