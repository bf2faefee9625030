"""The detail cache's operations on its backend, each through the guard.

A lookup is one round trip: ``multi_get`` of the scope's generation and the tenant's
entry (the entry carries the generation it was read under, so the two keys need not be
read one after the other). Every write has a TTL. Any backend failure surfaces as
``CacheUnavailable``.
"""

from __future__ import annotations

import logging
import secrets

from gateway.cache.backends import Backend
from gateway.cache.codec import CodecError, Entry
from gateway.cache.guard import BackendGuard
from gateway.cache.keys import KeyLayout

__all__ = ["INITIAL_GENERATION", "CacheStore"]

log = logging.getLogger("gateway.cache")

# The generation of a scope nobody has invalidated (or whose generation key expired).
INITIAL_GENERATION = "0"


class CacheStore:
    """Generations and entries in one backend, under one key layout."""

    def __init__(
        self,
        backend: Backend,
        guard: BackendGuard,
        layout: KeyLayout,
        *,
        generation_ttl: float,
    ) -> None:
        self.backend = backend
        self.guard = guard
        self.layout = layout
        self.generation_ttl = generation_ttl

    async def lookup(self, scope: str, tenant_id: str) -> tuple[str, Entry | None]:
        """The scope's current generation and the tenant's entry (if any, readable)."""
        keys = [self.layout.generation(scope), self.layout.tenant(scope, tenant_id)]
        cache = self.backend.cache
        generation, raw = await self.guard.run("lookup", lambda: cache.multi_get(keys))
        return _generation(generation), self._decode(raw)

    async def generation(self, scope: str) -> str:
        """The scope's current generation."""
        key = self.layout.generation(scope)
        backend = self.backend
        return _generation(await self.guard.run("generation", lambda: backend.get(key)))

    async def claimed_generation(self, scope: str) -> str:
        """The scope's generation, never ``INITIAL_GENERATION``: when the key is absent
        (never bumped, expired, or lost with a Redis restart or flush) a fresh token is
        stored if still absent (``add``), and whichever token won is returned.

        For caches kept outside this backend (the response cache): "absent" must not
        read as the same generation before and after a write whose bump was lost, or
        their entries from before it would be current again.
        """
        current = await self.generation(scope)
        if current != INITIAL_GENERATION:
            return current
        token = secrets.token_hex(8)
        key = self.layout.generation(scope)
        cache = self.backend.cache
        ttl = float(self.generation_ttl)

        async def claim() -> bool:
            try:
                await cache.add(key, token, ttl=ttl)
            except ValueError:  # aiocache's "key already exists": another claim won
                return False
            return True

        if await self.guard.run("generation", claim):
            return token
        return await self.generation(scope)

    async def save(self, scope: str, tenant_id: str, entry: Entry, ttl: float) -> None:
        """Store ``entry``; the backend drops it after ``ttl`` seconds."""
        key = self.layout.tenant(scope, tenant_id)
        value = self.backend.encode(entry)
        cache = self.backend.cache
        await self.guard.run("write", lambda: cache.set(key, value, ttl=float(ttl)))

    async def bump(self, scope: str) -> str:
        """Give the scope a new generation, never used before; returns it.

        A random token rather than a counter: if the key ever expires the scope falls
        back to ``INITIAL_GENERATION``, and a counter counting up again from there could
        meet an old generation whose entries are still stored. ``generation_ttl``
        outlives every entry, so entries of the initial generation are gone by then.
        """
        token = secrets.token_hex(8)
        key = self.layout.generation(scope)
        cache = self.backend.cache
        await self.guard.run(
            "invalidate", lambda: cache.set(key, token, ttl=float(self.generation_ttl))
        )
        return token

    def _decode(self, raw: object) -> Entry | None:
        if raw is None:
            return None
        try:
            return self.backend.decode(raw)
        except CodecError as exc:
            # Another version's or a foreign value: a miss, overwritten by the next read.
            log.debug("unreadable detail cache entry ignored (%s)", exc)
            return None


def _generation(value: object) -> str:
    if value is None:
        return INITIAL_GENERATION
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
