"""The upstream's httpx transport, observed: every exchange with OMI is counted, timed,
logged in the request's record, traced, and carries the request's id and trace context.

It wraps the real transport (``httpx.AsyncHTTPTransport``), so the OMI client, its
retries and its breaker are untouched: each attempt is one observed exchange.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from typing import Final

import httpx
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from gateway.observability.metrics import Metrics
from gateway.observability.record import current_request_id, note_upstream
from gateway.observability.tracing import Tracing

__all__ = ["ObservedTransport", "endpoint_name", "failure_outcome"]

# The OMI endpoints by the names the sandbox's faults and stats use.
_ENDPOINTS: Final = frozenset(
    {"auth", "tenant/add", "tenant/list", "tenant/info", "tenant/update_balance"}
)


def endpoint_name(path: str) -> str:
    """``/api/partner/tenant/list`` -> ``tenant/list``; ``/api/auth`` -> ``auth``; any
    other path -> ``other`` (a bounded label set).
    """
    _, found, rest = path.rpartition("/api/")
    name = rest.removeprefix("partner/") if found else ""
    return name if name in _ENDPOINTS else "other"


def failure_outcome(exc: BaseException) -> str:
    """A transport failure's outcome label."""
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.ConnectError):
        return "connect_error"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return "dropped"
    if isinstance(exc, asyncio.CancelledError):
        return "cancelled"
    return "transport_error"


class ObservedTransport(httpx.AsyncBaseTransport):
    """Wraps ``inner``; feeds ``metrics`` and the request record, opens a client span
    per exchange when ``tracing`` is on, and adds ``X-Request-ID`` and ``traceparent``.
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        metrics: Metrics | None = None,
        tracing: Tracing | None = None,
    ) -> None:
        self._inner = inner
        self._metrics = metrics
        self._tracing = tracing

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` through the wrapped transport, observed."""
        endpoint = endpoint_name(request.url.path)
        request_id = current_request_id()
        if request_id is not None:
            request.headers["X-Request-ID"] = request_id
        with self._span(request, endpoint) as span:
            started = time.perf_counter()
            outcome = "transport_error"
            try:
                response = await self._inner.handle_async_request(request)
            except BaseException as exc:
                outcome = failure_outcome(exc)
                raise
            else:
                outcome = str(response.status_code)
                return response
            finally:
                seconds = time.perf_counter() - started
                note_upstream(endpoint, outcome, seconds)
                if self._metrics is not None:
                    self._metrics.observe_upstream(endpoint, outcome, seconds)
                if span is not None:
                    _finish_span(span, outcome)

    @contextlib.contextmanager
    def _span(self, request: httpx.Request, endpoint: str) -> Iterator[Span | None]:
        if self._tracing is None:
            yield None
            return
        # No URL attribute: the query string of /api/auth holds an API key.
        attributes = {
            "http.request.method": request.method,
            "url.path": request.url.path,
            "server.address": request.url.host,
            "omi.endpoint": endpoint,
        }
        with self._tracing.tracer.start_as_current_span(
            f"OMI {endpoint}",
            kind=SpanKind.CLIENT,
            attributes=attributes,
            record_exception=False,  # exception text may quote the request
            set_status_on_exception=False,
        ) as span:
            carrier: dict[str, str] = {}
            self._tracing.inject(carrier)
            request.headers.update(carrier)
            yield span

    async def aclose(self) -> None:
        """Close the wrapped transport (its connection pool)."""
        await self._inner.aclose()


def _finish_span(span: Span, outcome: str) -> None:
    span.set_attribute("omi.outcome", outcome)
    if outcome.isdigit():
        span.set_attribute("http.response.status_code", int(outcome))
        if int(outcome) >= 500:
            span.set_status(Status(StatusCode.ERROR, f"HTTP {outcome}"))
    else:
        span.set_status(Status(StatusCode.ERROR, outcome))
