"""The ``naive`` case: the gateway a partner would write by hand in an afternoon.

Strawberry with its default settings (no parser or validation cache), one resolver
that calls OMI's ``tenant/info`` with httpx on every request, no cache. It answers the
benchmark's detail query with the same field names as our gateway. One thing is
*not* naive, so that the comparison is fair to it: the httpx client is pooled, built
once in the lifespan, as httpx's own documentation recommends.

The upstream is read from ``BENCH_UPSTREAM_URL`` when the app is built.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, NewType

import httpx
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL

Money = strawberry.scalar(
    NewType("Money", int),
    serialize=int,
    parse_value=int,
    description="An integer amount of money, beyond 2^31.",
)


def _time(ms: Any) -> datetime | None:
    return datetime.fromtimestamp(ms / 1000, tz=UTC) if isinstance(ms, int) else None


@strawberry.type
class PublicNumber:
    """A hotline."""

    number: str | None
    provider: str | None
    expire_date: datetime | None
    status: str | None


@strawberry.type
class ServicePackage:
    """A plan."""

    code_name: str | None
    service_name: str | None
    staff_num: int | None
    customer_num: int | None
    expiry_date: datetime | None
    cashback: Money | None  # type: ignore[valid-type]


@strawberry.type
class Tenant:
    """A tenant, straight from OMI's payload."""

    id: strawberry.ID
    full_name: str | None
    email: str | None
    description: str | None
    enabled: bool | None
    domain: str | None
    domain_fusion: str | None
    domain_expire: datetime | None
    effective_date: datetime | None
    expire_date: datetime | None
    phone: str | None
    status: str | None
    paid_type: str | None
    nation: str | None
    currency: str | None
    language: str | None
    balance: Money | None  # type: ignore[valid-type]
    api_key: str | None
    public_numbers: list[PublicNumber] | None
    service_package: ServicePackage | None


def _tenant(tenant_id: str, p: dict[str, Any]) -> Tenant:
    package = p.get("service_package") or None
    return Tenant(
        id=strawberry.ID(tenant_id),
        full_name=p.get("full_name"),
        email=p.get("email"),
        description=p.get("description"),
        enabled=p.get("enabled"),
        domain=p.get("domain"),
        domain_fusion=p.get("domain_fusion"),
        domain_expire=_time(p.get("domain_expire")),
        effective_date=_time(p.get("effective_date")),
        expire_date=_time(p.get("expire_date")),
        phone=p.get("phone"),
        status=p.get("status"),
        paid_type=p.get("paid_type"),
        nation=p.get("nation"),
        currency=p.get("currency"),
        language=p.get("language"),
        balance=p.get("balance"),
        api_key=p.get("api_key"),
        public_numbers=[
            PublicNumber(
                number=n.get("number"),
                provider=n.get("provider"),
                expire_date=_time(n.get("expire_date")),
                status=n.get("status"),
            )
            for n in p.get("public_numbers") or []
        ],
        service_package=ServicePackage(
            code_name=package.get("code_name"),
            service_name=package.get("service_name"),
            staff_num=package.get("staff_num"),
            customer_num=package.get("customer_num"),
            expiry_date=_time(package.get("expiry_date")),
            cashback=package.get("cashback"),
        )
        if package
        else None,
    )


@strawberry.type
class Query:
    """What the hand-written gateway offers: one tenant's detail."""

    @strawberry.field
    async def tenant(self, info: strawberry.Info, id: strawberry.ID) -> Tenant | None:
        """The tenant, or null when OMI says no."""
        request: Request = info.context["request"]
        http: httpx.AsyncClient = request.app.state.http
        response = await http.get(
            "/api/partner/tenant/info",
            params={"id": str(id)},
            headers={"Authorization": request.headers.get("authorization", "")},
        )
        envelope = response.json()
        if envelope.get("status_code") != 9999:
            return None
        return _tenant(str(id), envelope["payload"])


def create_app() -> Starlette:
    """The app, for ``uvicorn --factory bench.naive_app:create_app``."""
    upstream = os.environ["BENCH_UPSTREAM_URL"]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with httpx.AsyncClient(base_url=upstream) as http:
            app.state.http = http
            yield

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    # A Route, not a Mount: a Mount would redirect ``/graphql`` to ``/graphql/``.
    graphql = GraphQL[None, None](strawberry.Schema(query=Query))
    return Starlette(
        routes=[Route("/graphql", graphql), Route("/healthz", healthz)], lifespan=lifespan
    )
