"""The OMI partner API routes, answering from the :class:`Store`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from gateway.sandbox.envelope import Envelope
from gateway.sandbox.records import Partner
from gateway.sandbox.store import EXPIRED, Store
from gateway.sandbox.validation import (
    Rejected,
    parse_list_request,
    parse_new_tenant,
    parse_top_up,
)

__all__ = ["OmiRoutes"]


class OmiRoutes:
    """The five OMI endpoints of one sandbox.

    Each handler awaits the request body first, then validates and changes the store
    without awaiting again: check and write cannot interleave with another request.
    """

    def __init__(self, store: Store, envelope: Envelope) -> None:
        self.store = store
        self.envelope = envelope

    def routes(self) -> list[Route]:
        """Starlette routes for the OMI endpoints."""
        return [
            Route("/api/auth", self.auth, methods=["GET"]),
            Route("/api/partner/tenant/add", self.add, methods=["POST"]),
            Route("/api/partner/tenant/list", self.list, methods=["POST"]),
            Route("/api/partner/tenant/info", self.info, methods=["GET"]),
            Route("/api/partner/tenant/update_balance", self.update_balance, methods=["POST"]),
        ]

    def _partner(self, request: Request) -> Partner | Response:
        """The calling partner, or the answer that refuses the call."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        grant = self.store.resolve(token.strip()) if scheme.lower() == "bearer" else None
        if grant is None:
            # Both 401 shapes exist in the wild: bare text here, JSON on expiry.
            return PlainTextResponse("Unauthorized", status_code=401)
        if grant == EXPIRED:
            return self.envelope.error("token_expired", 401)
        assert not isinstance(grant, str)
        if grant.partner is None:
            return self.envelope.error("partner_invalid")
        if not grant.partner.enabled:
            return self.envelope.error("tenant_invalid")
        return grant.partner

    async def auth(self, request: Request) -> Response:
        """``GET /api/auth?apiKey=``: a new access token."""
        issued = self.store.issue_token(request.query_params.get("apiKey", ""))
        if issued is None:
            return self.envelope.error("api_key_invalid")
        token, grant = issued
        return self.envelope.ok(
            {"access_token": token, "access_type": grant.access_type, "token_type": "Bearer"}
        )

    async def add(self, request: Request) -> Response:
        """``POST /api/partner/tenant/add``: create a tenant."""
        partner = self._partner(request)
        if isinstance(partner, Response):
            return partner
        body = await request.body()
        try:
            new = parse_new_tenant(body)
        except Rejected as exc:
            return self.envelope.error(exc.code)
        # isAutoActive is accepted and has no effect: activation always runs its delay.
        tenant_id = self.store.create(
            partner,
            email=new.email,
            full_name=new.full_name,
            owner_name=new.owner_name,
            phone=new.phone,
        )
        if tenant_id is None:
            return self.envelope.error("email_registered")
        return self.envelope.ok({"id": tenant_id})

    async def list(self, request: Request) -> Response:
        """``POST /api/partner/tenant/list?size=&page=``: a page of the partner's tenants."""
        partner = self._partner(request)
        if isinstance(partner, Response):
            return partner
        body = await request.body()
        try:
            keyword, page, size = parse_list_request(
                body, request.query_params.get("size"), request.query_params.get("page")
            )
        except Rejected as exc:
            return self.envelope.error(exc.code)
        return self.envelope.ok(self.store.page(partner, keyword, page, size))

    async def info(self, request: Request) -> Response:
        """``GET /api/partner/tenant/info?id=``: one of the partner's tenants."""
        partner = self._partner(request)
        if isinstance(partner, Response):
            return partner
        tenant_id = request.query_params.get("id", "").strip()
        if not tenant_id:
            return self.envelope.error("request_invalid")
        detail = self.store.detail(partner, tenant_id)
        if detail is None:
            # The same answer for "no such id" and "another partner's id": never reveal ids.
            return self.envelope.error("resource_not_found")
        return self.envelope.ok(detail)

    async def update_balance(self, request: Request) -> Response:
        """``POST /api/partner/tenant/update_balance``: top up a tenant named by email."""
        partner = self._partner(request)
        if isinstance(partner, Response):
            return partner
        body = await request.body()
        try:
            top_up = parse_top_up(body)
        except Rejected as exc:
            return self.envelope.error(exc.code)
        if not self.store.top_up(partner, top_up.email, top_up.amount):
            return self.envelope.error("access_denied")
        return self.envelope.bare()
