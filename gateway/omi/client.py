"""The one client for the one upstream: the OMI partner API over a pooled httpx client.

Every call goes through ``OmiClient._send`` (the one place to hook retries, metrics and
tracing), which sends and reads the envelope; the methods then decode the payload into
records. Failures are the tree in ``gateway.omi.errors``; which OMI code becomes which
exception is the table in ``gateway.omi._codes``.
"""

from __future__ import annotations

from typing import Any

import httpx

from gateway.omi import _operations as ops
from gateway.omi._decode import (
    ShapeError,
    decode_access_token,
    decode_created_id,
    decode_page,
    decode_tenant,
)
from gateway.omi._envelope import Reply, open_envelope
from gateway.omi._operations import Operation
from gateway.omi._transport import transport_failure
from gateway.omi.breaker import CircuitBreaker
from gateway.omi.errors import NotAuthenticated, ProtocolError
from gateway.omi.models import AccessToken, NewTenant, Tenant, TenantPage, TopUp
from gateway.omi.resilience import Resilience
from gateway.omi.retry import RetryPolicy

__all__ = ["OmiClient"]


class OmiClient:
    """The OMI partner API as typed async methods.

    One per process, built in the app's lifespan on one pooled ``httpx.AsyncClient``
    whose ``base_url`` is the upstream. ``authorization`` is the caller's
    ``Authorization`` header, forwarded to OMI unchanged: the gateway holds no OMI
    credentials of its own. Every failure raises a ``gateway.omi.errors.OmiError``.

    ``retry`` and ``breaker`` (the app passes both; None: one attempt, no breaker) and
    the request's deadline (``gateway.omi.deadline``) govern every call: see
    ``gateway.omi.resilience``. ``breaker`` stays readable for metrics.
    """

    __slots__ = ("_base", "_http", "_resilience", "breaker")

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        retry: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self._http = http
        # httpx parses a relative URL with params three times per request (the path,
        # the base URL joined with it, the params merged in); an absolute URL once.
        base = str(http.base_url)  # its path ends in "/", not always its text
        self._base = base if base.endswith("/") else base + "/"
        self.breaker = breaker
        self._resilience = Resilience(timeout=http.timeout, retry=retry, breaker=breaker)

    async def authenticate(self, api_key: str) -> AccessToken:
        """Exchange an API key for an access token (``GET /api/auth``)."""
        reply = await self._send(ops.AUTH, None, params={"apiKey": api_key}, secret=api_key)
        try:
            return decode_access_token(reply.payload)
        except ShapeError as exc:
            raise _shape_failure(exc, reply) from None

    async def list_tenants(
        self, authorization: str, *, page: int, size: int, keyword: str | None = None
    ) -> TenantPage:
        """One page of the caller's tenants (``POST /api/partner/tenant/list``)."""
        reply = await self._send(
            ops.LIST,
            authorization,
            params={"size": size, "page": page},
            json={} if keyword is None else {"keyword": keyword},
        )
        try:
            return decode_page(reply.payload, page=page, size=size)
        except ShapeError as exc:
            raise _shape_failure(exc, reply) from None

    async def get_tenant(self, authorization: str, tenant_id: str) -> Tenant:
        """One tenant's detail (``GET /api/partner/tenant/info``); ``NotFound`` if none."""
        reply = await self._send(ops.INFO, authorization, params={"id": tenant_id})
        try:
            return decode_tenant(reply.payload, tenant_id)
        except ShapeError as exc:
            raise _shape_failure(exc, reply) from None

    async def create_tenant(self, authorization: str, new: NewTenant) -> str:
        """Create a tenant (``POST /api/partner/tenant/add``); returns its id."""
        body: dict[str, Any] = {
            "email": new.email,
            "password": new.password,
            "fullName": new.full_name,
            "ownerName": new.owner_name,
            "phone": new.phone,
        }
        if new.is_auto_active is not None:
            body["isAutoActive"] = new.is_auto_active
        reply = await self._send(ops.ADD, authorization, json=body, secret=new.password)
        try:
            return decode_created_id(reply.payload)
        except ShapeError as exc:
            raise _shape_failure(exc, reply) from None

    async def top_up(self, authorization: str, top_up: TopUp) -> None:
        """Add to a tenant's balance (``POST /api/partner/tenant/update_balance``).

        Not idempotent: after an ``UpstreamFailure`` with ``maybe_sent`` the money may
        have moved; read the balance before trying again.
        """
        body = {"email": top_up.email, "amount": top_up.amount, "description": top_up.description}
        await self._send(ops.TOP_UP, authorization, json=body)

    async def _send(
        self,
        operation: Operation,
        authorization: str | None,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        secret: str | None = None,
    ) -> Reply:
        """Send one request to OMI and open its envelope (a ``Reply``).

        Raises ``OmiError`` for every failure, transport or OMI's own. ``secret`` (an
        API key, a password) is, like ``authorization``, cut from any OMI text kept.
        """
        headers = None
        if authorization is not None:
            # Starlette hands header values over decoded as latin-1: encoding them back
            # the same way forwards the caller's bytes unchanged.
            try:
                headers = {b"Authorization": authorization.encode("latin-1")}
            except UnicodeEncodeError:
                raise NotAuthenticated("the Authorization header is not valid") from None

        url = self._url(operation.path, params)

        async def attempt(limits: httpx.Timeout | None) -> Reply:
            try:
                response = await self._http.request(
                    operation.method,
                    url,
                    json=json,
                    headers=headers,
                    timeout=httpx.USE_CLIENT_DEFAULT if limits is None else limits,
                )
            except httpx.RequestError as exc:
                # ``from None``: httpx's messages and request can carry the URL and token.
                raise transport_failure(exc) from None
            return open_envelope(response, operation, (authorization, secret))

        # Retries (never of a write OMI may have received), deadline, breaker.
        return await self._resilience.run(operation, attempt)

    def _url(self, path: str, params: dict[str, Any] | None) -> httpx.URL:
        """``path`` with ``params`` on the client's base URL, as httpx would join them
        (the base's path, then ``path`` without its leading "/"; the query encoded by
        httpx's ``QueryParams``), parsed once.
        """
        query = f"?{httpx.QueryParams(params)}" if params else ""
        return httpx.URL(f"{self._base}{path.lstrip('/')}{query}")


def _shape_failure(exc: ShapeError, reply: Reply) -> ProtocolError:
    # OMI answered 9999, so the operation happened; only its payload was unreadable.
    return ProtocolError(
        f"OMI's payload has the wrong shape: {exc}",
        maybe_sent=True,
        http_status=reply.http_status,
        request_id=reply.request_id,
    )
