"""The one client for the one upstream: the OMI partner API over a pooled httpx client.

(Interface fixed; the implementation is being written.)
"""

from __future__ import annotations

import httpx

from gateway.omi.models import AccessToken, NewTenant, Tenant, TenantPage, TopUp

__all__ = ["OmiClient"]


class OmiClient:
    """The OMI partner API as typed async methods.

    One per process, built in the app's lifespan on one pooled ``httpx.AsyncClient``
    whose ``base_url`` is the upstream. ``authorization`` is the caller's
    ``Authorization`` header, forwarded to OMI unchanged: the gateway holds no OMI
    credentials of its own. Every failure raises a ``gateway.omi.errors.OmiError``.
    """

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def authenticate(self, api_key: str) -> AccessToken:
        """Exchange an API key for an access token (``GET /api/auth``)."""
        raise NotImplementedError

    async def list_tenants(
        self, authorization: str, *, page: int, size: int, keyword: str | None = None
    ) -> TenantPage:
        """One page of the caller's tenants (``POST /api/partner/tenant/list``)."""
        raise NotImplementedError

    async def get_tenant(self, authorization: str, tenant_id: str) -> Tenant:
        """One tenant's detail (``GET /api/partner/tenant/info``); ``NotFound`` if none."""
        raise NotImplementedError

    async def create_tenant(self, authorization: str, new: NewTenant) -> str:
        """Create a tenant (``POST /api/partner/tenant/add``); returns its id."""
        raise NotImplementedError

    async def top_up(self, authorization: str, top_up: TopUp) -> None:
        """Add to a tenant's balance (``POST /api/partner/tenant/update_balance``)."""
        raise NotImplementedError
