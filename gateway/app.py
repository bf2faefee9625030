"""``create_app(settings)``: the one place where the gateway's objects are wired."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.websockets import WebSocket

from gateway.cache import DetailCache
from gateway.edge.stack import EXCEPTION_HANDLERS, edge_middleware
from gateway.edge.view import EdgeGraphQL
from gateway.fastpath import ResponseCache, ResponseCacheConfig, install_probe
from gateway.idempotency import IdempotencyStore
from gateway.observability import OperationRecorder, ReadinessProbe, Telemetry, redis_ping
from gateway.omi import CircuitBreaker, OmiClient, RetryPolicy
from gateway.omi.cookieless import CookielessClient
from gateway.omi.deadline import start_deadline
from gateway.omi.transport import AiohttpTransport
from gateway.schema import Context, build_schema
from gateway.schema.context import bearer_header
from gateway.settings import Settings, SettingsError

__all__ = ["EXAMPLE_OPERATION", "IdeDefaults", "create_app"]

# What GraphiQL opens with in sandbox mode: one click on Run lists tenants.
# Below uvicorn's (and most servers') 5 s keep-alive: see the lifespan.
UPSTREAM_KEEPALIVE_SECONDS = 4.0

EXAMPLE_OPERATION = """\
# The demo partner's token is in the Headers tab below. Click Run.
query FirstTenants {
  tenants(page: 1, size: 5) {
    pageInfo { totalItems totalPages hasNextPage }
    items { id fullName email status balance }
  }
}
"""


@dataclass(frozen=True, slots=True)
class IdeDefaults:
    """What the GraphiQL page opens with (sandbox mode: the demo partner's token)."""

    query: str | None = None
    headers: Mapping[str, str] | None = None


class GatewayView(EdgeGraphQL):
    """Strawberry's ASGI view (hardened, typed refusals) with a typed context and the
    locally served GraphiQL.
    """

    def __init__(self, *args: Any, ide_html: str | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ide_html = ide_html

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        """The caller's context: the shared OMI client and detail cache, and its
        Authorization header.
        """
        omi: OmiClient = request.app.state.omi
        cache: DetailCache = request.app.state.cache
        authorization = bearer_header(request.headers.get("authorization"))
        # The request's overall deadline for its calls to OMI (gateway.omi.deadline).
        start_deadline(request.app.state.settings.request_timeout)
        return Context(
            omi=omi,
            authorization=authorization,
            cache=cache,
            idempotency=request.app.state.idempotency,
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        """The local GraphiQL page when available, else Strawberry's own."""
        if self._ide_html is None:
            return await super().render_graphql_ide(request)
        return HTMLResponse(self._ide_html)


def _graphiql(ide: IdeDefaults | None) -> tuple[str | None, list[BaseRoute]]:
    # The vendored GraphiQL lives in its own package; until it exists, Strawberry's page.
    try:
        from gateway import graphiql
    except ImportError:
        return None, []
    html = graphiql.graphiql_html(
        endpoint="/graphql",
        default_query=ide.query if ide else None,
        default_headers=dict(ide.headers) if ide and ide.headers else None,
    )
    return html, list(graphiql.static_routes())


async def healthz(_request: Request) -> Response:
    """200 while the process serves."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """200 when OMI and the cache answer, else 503 saying which did not."""
    probe: ReadinessProbe = request.app.state.readiness
    return await probe.endpoint(request)


def create_app(settings: Settings, *, ide: IdeDefaults | None = None) -> Starlette:
    """The gateway as an ASGI app; the upstream client lives for the app's lifespan."""
    upstream = settings.upstream
    if upstream is None:
        raise SettingsError("create_app needs an upstream URL (serve starts the sandbox first)")

    # Metrics and tracing (issue 6): OTEL_* and PROMETHEUS_MULTIPROC_DIR are read here.
    telemetry = Telemetry.from_environ(os.environ, metrics=settings.metrics)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        timeout = httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=settings.pool_timeout,
        )
        # Idle upstream connections are dropped after 4 s: before a server's usual 5 s
        # keep-alive closes them, so a write never goes out on a connection the server is
        # closing (it would end as "outcome unknown" for nothing).
        limits = httpx.Limits(
            max_connections=settings.max_connections,
            max_keepalive_connections=settings.max_connections,
            keepalive_expiry=UPSTREAM_KEEPALIVE_SECONDS,
        )
        # Observed: upstream metrics, spans, X-Request-ID and traceparent on each call.
        # aiohttp's pool under httpx's API: about half the CPU per call (issue 7).
        wire = telemetry.transport(AiohttpTransport(limits))
        # No cookie jar: one client serves every partner (gateway.omi.cookieless).
        async with CookielessClient(base_url=upstream, timeout=timeout, transport=wire) as http:
            # Retries, breaker and deadline: gateway.omi.resilience (issue 5).
            breaker = CircuitBreaker(
                failure_threshold=settings.breaker_threshold,
                cool_down=settings.breaker_cool_down,
                on_change=telemetry.metrics.on_breaker_change if telemetry.metrics else None,
            )
            retry = RetryPolicy(retries=settings.retries)
            app.state.omi = OmiClient(http, retry=retry, breaker=breaker)
            # The detail cache lives in the schema's Context, not in OmiClient:
            # gateway.cache imports gateway.omi.
            cache = app.state.cache = DetailCache(settings.cache_config())
            fast.bind(cache)  # the response cache follows the detail cache's generations
            # Idempotency records share the cache's backend (closed with it).
            app.state.idempotency = IdempotencyStore(
                cache.backend,
                prefix=settings.cache_prefix,
                ttl=settings.idempotency_ttl,
                wait=settings.idempotency_wait,
                stale_after=settings.request_timeout + 5.0,
            )
            app.state.readiness = ReadinessProbe(
                upstream,
                timeout=settings.readiness_timeout,
                cache_check=redis_ping(cache.backend.cache),
            )
            # What start-up built lives as long as the process: out of the collector's
            # way, so full collections under load stay short (issue 7: p99).
            gc.freeze()
            try:
                yield
            finally:
                await app.state.readiness.aclose()
                await cache.close()
                telemetry.close()

    ide_html, ide_routes = _graphiql(ide)
    edge = settings.edge_config()
    # OperationRecorder first: it leaves last and sees every error coded (request log).
    schema = build_schema(cache_status=settings.cache_debug, edge=edge, first=(OperationRecorder,))
    view = GatewayView(install_probe(schema), ide_html=ide_html, edge=edge)
    # Repeated cacheable queries answered whole, right inside the request middleware
    # (issue 7): logged and counted, in front of CORS (its answer headers are replayed,
    # the Origin is in the key), body limit (longer bodies pass through) and CSRF (it
    # answers JSON POSTs only, which CSRF lets through).
    fast = ResponseCache(
        None,
        ResponseCacheConfig(
            ttl=settings.response_cache_ttl,
            debug=settings.cache_debug,
            max_body_bytes=edge.max_body_bytes,
        ),
    )
    routes: list[BaseRoute] = [
        Route("/graphql", view, methods=["GET", "POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        *telemetry.routes(),
        *ide_routes,
    ]
    # Outermost first: refused requests are logged too; the response cache; then CORS,
    # body size, CSRF.
    middleware = [telemetry.middleware(), Middleware(fast.around), *edge_middleware(edge)]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        debug=False,
        exception_handlers=EXCEPTION_HANDLERS,  # a crash outside GraphQL: JSON 500
    )
    app.state.settings = settings
    return app
