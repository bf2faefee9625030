"""What every resolver sees: ``info.context`` is a ``Context`` (one per request)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from functools import partial

from strawberry.dataloader import DataLoader

from gateway.cache import CacheRead, DetailCache, scope_for
from gateway.idempotency import IdempotencyStore
from gateway.omi import NotFound, OmiClient, Tenant
from gateway.schema.errors import unauthenticated

__all__ = ["Context", "bearer_header"]


def bearer_header(value: str | None) -> str | None:
    """The ``Authorization`` value when it is ``Bearer <token>``, else None."""
    if value is None:
        return None
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return value


@dataclass(slots=True)
class Context:
    """The caller's OMI client view for one GraphQL request.

    ``authorization`` is the caller's whole ``Authorization`` header (forwarded to OMI
    unchanged) or None when it is missing, blank or not a bearer token. ``tenants``
    loads tenant details at most once per tenant per request, concurrently, through the
    detail ``cache`` when there is one; ``cache_reads`` records how each read was answered
    (HIT, MISS, STALE, BYPASS) for the response's extensions and the request's accounting.
    """

    omi: OmiClient
    authorization: str | None
    cache: DetailCache | None = None
    # Idempotency keys of writes (None: keys are accepted and ignored, as in unit tests).
    idempotency: IdempotencyStore | None = None
    cache_reads: list[CacheRead] = field(default_factory=list)
    tenants: DataLoader[str, Tenant | None] = field(init=False)

    def __post_init__(self) -> None:
        self.tenants = DataLoader(load_fn=self._load_tenants)

    def require_authorization(self) -> str:
        """The bearer header, or an ``UNAUTHENTICATED`` error (no upstream call)."""
        if self.authorization is None:
            raise unauthenticated()
        return self.authorization

    def forget_tenant(self, tenant_id: str) -> None:
        """Drop a detail loaded earlier in this request (it predates a write)."""
        # DataLoader.clear raises KeyError for a key it never loaded.
        if self.tenants.cache_map.get(tenant_id) is not None:
            self.tenants.clear(tenant_id)

    async def invalidate_cache(self) -> None:
        """After a write that may have happened: no later read, through this replica or
        any sharing the cache, answers the caller's details from before it.
        """
        if self.cache is not None and self.authorization is not None:
            await self.cache.invalidate(scope_for(self.authorization))

    async def _load_tenants(self, ids: list[str]) -> list[Tenant | BaseException | None]:
        # OMI has no batch read: one detail call per id, all at once. A tenant that is
        # gone (or not the caller's) is None, so its fields resolve to null.
        authorization = self.require_authorization()
        if self.cache is not None:
            return await self._read_through_cache(self.cache, authorization, ids)
        results = await asyncio.gather(
            *(self.omi.get_tenant(authorization, tenant_id) for tenant_id in ids),
            return_exceptions=True,
        )
        return [None if isinstance(result, NotFound) else result for result in results]

    async def _read_through_cache(
        self, cache: DetailCache, authorization: str, ids: list[str]
    ) -> list[Tenant | BaseException | None]:
        # The scope is a hash of the whole Authorization header: partner B never meets
        # partner A's entries. Failures are never cached; they pass through as before.
        scope = scope_for(authorization)
        reads = await asyncio.gather(
            *(
                cache.read(scope, tenant_id, partial(self.omi.get_tenant, authorization, tenant_id))
                for tenant_id in ids
            ),
            return_exceptions=True,
        )
        results: list[Tenant | BaseException | None] = []
        for read in reads:
            if isinstance(read, CacheRead):
                self.cache_reads.append(read)
                results.append(read.tenant)  # None: no such tenant (for this caller)
            else:
                results.append(read)
        return results
