"""The per-partner detail cache: TTLs, single flight, generations, stale if error.

Rules (issue 4):

- every entry is scoped to the caller (``scope_for`` of its Authorization header);
- a tenant is fresh for ``ttl`` seconds, or ``pending_ttl`` while its status is not
  ``activated`` (so a frontend watching a new tenant sees it activate); a ``NotFound``
  for ``not_found_ttl`` (0: never cached); no other failure is ever cached;
- concurrent reads of one tenant in one process cost one load (``SingleFlight``);
- ``invalidate(scope)`` gives the scope a new generation: no reader sharing the
  backend gets an entry read before it, not even as a stale answer;
- a tenant entry is kept ``max_stale`` seconds past freshness: when the refresh fails
  with ``UpstreamFailure`` it is answered as STALE with its age;
- any backend trouble makes the cache step aside (BYPASS) rather than fail a read.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from gateway.cache.backends import Backend, open_backend
from gateway.cache.codec import Entry, MissingTenant
from gateway.cache.config import CacheConfig
from gateway.cache.flight import SingleFlight
from gateway.cache.guard import BackendGuard, CacheUnavailable
from gateway.cache.keys import KeyLayout
from gateway.cache.read import CacheRead, CacheState
from gateway.cache.store import CacheStore
from gateway.omi.errors import NotFound, UpstreamFailure
from gateway.omi.models import Tenant

__all__ = ["DetailCache", "Loader"]

log = logging.getLogger("gateway.cache")

Loader = Callable[[], Awaitable[Tenant]]
_Outcome = Tenant | MissingTenant


@dataclass(frozen=True, slots=True)
class _Fallback:
    """A tenant entry that may still answer as stale if the refresh fails."""

    tenant: Tenant
    stored_at: float
    usable_until: float


class DetailCache:
    """Cached, single-flighted tenant detail reads (see the module docstring).

    One per process, built in the app's lifespan; ``close()`` on shutdown. ``clock``
    (wall-clock seconds, shared meaning across replicas) dates entries; ``monotonic``
    paces the backend guard. Both are injectable for tests.
    """

    def __init__(
        self,
        config: CacheConfig | None = None,
        *,
        backend: Backend | None = None,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config = config or CacheConfig()
        backend = backend or open_backend(config.url, timeout=config.backend_timeout)
        guard = BackendGuard(
            backend.description,
            retry_after=config.retry_after,
            warn_every=config.warn_every,
            secrets=backend.secrets,
            monotonic=monotonic,
        )
        self._store = CacheStore(
            backend, guard, KeyLayout(config.prefix), generation_ttl=config.generation_lifetime
        )
        self._clock = clock
        self._flight: SingleFlight[_Outcome] = SingleFlight()
        # Bumped by every invalidate in this process and part of every flight key: a
        # read that starts after a write never joins a load that started before it.
        self._epoch = 0
        # Scopes whose generation bump failed; this process bypasses the backend until
        # they are all applied, so it never serves a scope's pre-write entries.
        self._pending: set[str] = set()

    @property
    def enabled(self) -> bool:
        """False when ``ttl`` is 0: every read goes upstream (still single-flighted)."""
        return self.config.ttl > 0

    @property
    def backend(self) -> Backend:
        """The backend (for its description and for closing)."""
        return self._store.backend

    async def read(self, scope: str, tenant_id: str, load: Loader) -> CacheRead:
        """The tenant ``tenant_id`` as seen by ``scope``, from the cache or ``load()``.

        ``load`` is the uncached upstream read; its ``NotFound`` becomes a read with
        ``not_found`` set (``CacheRead.unwrap()`` raises it); any other exception
        propagates, unless it is an ``UpstreamFailure`` and a stale entry may answer.
        """
        epoch = self._epoch  # before any await: the writes this read may not predate
        if not self.enabled:
            return await self._through(("off", epoch, scope, tenant_id), load)
        try:
            await self._apply_pending()
            generation, entry = await self._store.lookup(scope, tenant_id)
        except CacheUnavailable:
            return await self._through(("bypass", epoch, scope, tenant_id), load)

        fallback: _Fallback | None = None
        if entry is not None and entry.generation == generation:
            age = self._age(entry.stored_at)
            if age < entry.fresh_for:
                # Its age rounded up: whoever keeps what it built (the response cache)
                # keeps it no longer than the entry stays fresh.
                return CacheRead.of(_outcome(entry), CacheState.HIT, age_seconds=math.ceil(age))
            if entry.tenant is not None:
                usable_until = entry.fresh_for + self.config.max_stale
                if age < usable_until:
                    fallback = _Fallback(entry.tenant, entry.stored_at, usable_until)

        key = ("read", epoch, scope, generation, tenant_id)
        try:
            outcome = await self._flight.run(
                key, lambda: self._load_and_store(scope, tenant_id, generation, epoch, load)
            )
        except UpstreamFailure:
            if fallback is not None:
                age = self._age(fallback.stored_at)  # time passed while loading
                if age < fallback.usable_until:
                    return CacheRead(fallback.tenant, CacheState.STALE, age_seconds=int(age))
            raise
        return CacheRead.of(outcome, CacheState.MISS)

    async def invalidate(self, scope: str) -> None:
        """After a successful write for ``scope``: make every older entry unusable.

        Never raises. If the backend cannot take the new generation, the failure is
        logged at error level and retried before this process uses the backend again
        (it reads through meanwhile); other replicas may serve the scope's older
        entries until they expire (``ttl`` seconds, or stale ones while OMI is down).
        """
        self._epoch += 1
        try:
            await self._store.bump(scope)
        except CacheUnavailable:
            self._pending.add(scope)
            log.error(
                "detail cache: could not invalidate partner scope %s… after a write"
                " (backend %s unavailable); this process reads through until it can,"
                " other replicas may serve older entries for up to %gs",
                scope[:12],
                self._store.backend.description,
                self.config.ttl,
            )

    async def generation(self, scope: str) -> str | None:
        """The scope's current generation, for caches that must be invalidated with
        this one (the response cache); ``None`` when the backend cannot say (do not
        cache then).
        """
        try:
            await self._apply_pending()
            # Never the initial generation: an absent key (lost with Redis's data) would
            # otherwise name the same generation before a write and after losing its bump.
            return await self._store.claimed_generation(scope)
        except CacheUnavailable:
            return None

    async def close(self) -> None:
        """Release the backend's connections."""
        await self._store.backend.close()

    async def _through(self, key: tuple[object, ...], load: Loader) -> CacheRead:
        outcome = await self._flight.run(key, lambda: _attempt(load))
        return CacheRead.of(outcome, CacheState.BYPASS)

    async def _apply_pending(self) -> None:
        if not self._pending:  # almost always: no copy of the set per read
            return
        for scope in list(self._pending):
            await self._store.bump(scope)
            self._pending.discard(scope)
            log.warning("detail cache: delayed invalidation of scope %s… applied", scope[:12])

    async def _load_and_store(
        self, scope: str, tenant_id: str, generation: str, epoch: int, load: Loader
    ) -> _Outcome:
        outcome = await _attempt(load)
        entry, keep_for = self._entry_for(outcome, generation)
        # A write in this process since the load began: the entry (of an old generation)
        # would only overwrite a newer one, so it is not stored. Across replicas the
        # same race costs one extra load, never a wrong answer (the generations differ).
        if entry is not None and epoch == self._epoch:
            # On failure the guard has logged it; the answer is good without the write.
            with contextlib.suppress(CacheUnavailable):
                await self._store.save(scope, tenant_id, entry, keep_for)
        return outcome

    def _entry_for(self, outcome: _Outcome, generation: str) -> tuple[Entry | None, float]:
        """The entry to store for ``outcome`` and how long the backend keeps it."""
        config = self.config
        now = self._clock()
        if isinstance(outcome, MissingTenant):
            fresh = min(config.ttl, config.not_found_ttl)
            if fresh <= 0:
                return None, 0.0
            return Entry(generation, now, fresh, missing=outcome), fresh
        fresh = config.ttl if outcome.status == "activated" else config.pending_fresh_for
        return Entry(generation, now, fresh, tenant=outcome), fresh + config.max_stale

    def _age(self, stored_at: float) -> float:
        # Clocks of replicas may disagree a little: an entry is never younger than 0.
        return max(0.0, self._clock() - stored_at)


async def _attempt(load: Loader) -> _Outcome:
    try:
        return await load()
    except NotFound as exc:
        return MissingTenant.of(exc)


def _outcome(entry: Entry) -> _Outcome:
    if entry.tenant is not None:
        return entry.tenant
    assert entry.missing is not None  # decode_entry guarantees one of the two
    return entry.missing
