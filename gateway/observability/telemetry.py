"""``Telemetry``: the metrics and tracing of one app, and the pieces that wire them in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.observability.metrics import CONTENT_TYPE, Metrics
from gateway.observability.middleware import ObservabilityMiddleware
from gateway.observability.tracing import Tracing, tracing_from_environ
from gateway.observability.transport import ObservedTransport

__all__ = ["Telemetry"]


@dataclass(slots=True)
class Telemetry:
    """What ``create_app`` wires: ``metrics`` (None when turned off) and ``tracing``
    (None unless ``OTEL_*`` turn it on).
    """

    metrics: Metrics | None = None
    tracing: Tracing | None = None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], *, metrics: bool = True) -> Telemetry:
        """Metrics (multiprocess when ``PROMETHEUS_MULTIPROC_DIR`` is set) and tracing
        as the standard variables say.
        """
        return cls(
            metrics=Metrics.from_environ(environ) if metrics else None,
            tracing=tracing_from_environ(environ),
        )

    def middleware(self, graphql_path: str = "/graphql") -> Middleware:
        """The request middleware (put it outermost)."""
        return Middleware(
            ObservabilityMiddleware,
            metrics=self.metrics,
            tracing=self.tracing,
            graphql_path=graphql_path,
        )

    def routes(self) -> list[Route]:
        """``GET /metrics`` when metrics are on."""
        metrics = self.metrics
        if metrics is None:
            return []

        async def exposition(_request: Request) -> Response:
            return Response(metrics.render(), media_type=CONTENT_TYPE)

        return [Route("/metrics", exposition, methods=["GET"])]

    def transport(self, inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        """``inner`` observed (upstream metrics, record, spans, request id header)."""
        return ObservedTransport(inner, metrics=self.metrics, tracing=self.tracing)

    def close(self) -> None:
        """Flush spans; drop this worker's live gauges."""
        if self.tracing is not None:
            self.tracing.shutdown()
        if self.metrics is not None:
            self.metrics.close()
