"""Helpers of the cache tests: a settable clock, tenants, counting loaders."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from gateway.cache import CacheConfig, DetailCache
from gateway.omi.errors import NotFound, OmiError
from gateway.omi.models import PublicNumber, ServicePackage, Tenant

SCOPE_A = "a" * 64
SCOPE_B = "b" * 64


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_tenant(
    tenant_id: str = "t-1", *, balance: int = 5_000_000_000, status: str = "activated"
) -> Tenant:
    """A complete tenant with a balance beyond 2^31 and every nested record."""
    when = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    return Tenant(
        id=tenant_id,
        full_name="Acme Co",
        email="owner@acme.test",
        description=None,
        enabled=True,
        domain="acme",
        domain_fusion="acme.omicrm.test",
        domain_expire=when,
        effective_date=when,
        expire_date=None,
        phone="0900000000",
        status=status,
        paid_type="prepaid",
        nation="VN",
        currency="VND",
        language="vi",
        balance=balance,
        api_key="secret-api-key",
        public_numbers=(PublicNumber("1900", "viettel", when, "active"),),
        service_package=ServicePackage("basic", "Basic", 5, 100, when, 0),
    )


class Loader:
    """An upstream stand-in that counts calls and answers what it is told to."""

    def __init__(self, tenant: Tenant | None = None) -> None:
        self.tenant = tenant or make_tenant()
        self.calls = 0
        self.error: OmiError | None = None
        self.gate: asyncio.Event | None = None

    async def __call__(self) -> Tenant:
        self.calls += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.error is not None:
            raise self.error
        return self.tenant

    def answer(self, **changes: object) -> None:
        """Answer a changed tenant from now on."""
        self.tenant = replace(self.tenant, **changes)  # type: ignore[arg-type]

    def not_found(self) -> None:
        """Answer ``NotFound`` from now on."""
        self.error = NotFound("no such tenant", omi_code="resource_not_found")


def memory_cache(clock: Callable[[], float], **config: object) -> DetailCache:
    """A detail cache on a fresh memory backend."""
    return DetailCache(CacheConfig(**config), clock=clock)  # type: ignore[arg-type]
