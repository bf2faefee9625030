"""The request middleware: request id, in-flight gauge, server span, the log line and
the request metrics, around everything else (so refused requests are seen too).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.observability.logging import log_request
from gateway.observability.metrics import Metrics
from gateway.observability.record import RequestRecord, request_id_from, reset_current, set_current
from gateway.observability.tracing import Tracing

__all__ = ["REQUEST_ID_HEADER", "ObservabilityMiddleware"]

REQUEST_ID_HEADER = "X-Request-ID"
_ID_HEADER = REQUEST_ID_HEADER.lower().encode("latin-1")


class ObservabilityMiddleware:
    """Pure ASGI middleware; see the module docstring.

    Every HTTP response carries ``X-Request-ID`` (the caller's, sanitised, or a new
    one), also kept as ``request.state.request_id``. Requests to ``graphql_path`` that
    run an operation, POST one or are refused (4xx/5xx) are counted, timed, traced and
    logged once at INFO; the GraphiQL page, health and metrics are not.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: Metrics | None = None,
        tracing: Tracing | None = None,
        graphql_path: str = "/graphql",
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.tracing = tracing
        self.graphql_path = graphql_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request inside its ``RequestRecord``."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The hot path of every request: plain loops, no per-request context managers
        # unless tracing is on (issue 7).
        given: str | None = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                given = value.decode("latin-1")
                break
        record = RequestRecord(request_id_from(given), method=scope["method"])
        # Starlette's exception handlers (the edge's JSON 500) answer outside this
        # middleware, after its record is gone: they read the id from the request state.
        scope.setdefault("state", {})["request_id"] = record.request_id
        id_header = (_ID_HEADER, record.request_id.encode("latin-1"))
        status = 500  # what the client gets if the app fails before answering

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    header for header in message.get("headers", ()) if header[0] != _ID_HEADER
                ]
                headers.append(id_header)
                message["headers"] = headers
            await send(message)

        token = set_current(record)
        try:
            if scope["path"] != self.graphql_path:
                await self.app(scope, receive, send_with_id)
                return
            if self.tracing is not None:
                with self._server_span(Headers(scope=scope)) as span:
                    try:
                        await self._observed(scope, receive, send_with_id, record, lambda: status)
                    finally:
                        if span is not None:
                            _finish_span(span, record, status)
            else:
                await self._observed(scope, receive, send_with_id, record, lambda: status)
        finally:
            reset_current(token)

    async def _observed(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        record: RequestRecord,
        status_of: Callable[[], int],
    ) -> None:
        """Run a GraphQL request: in-flight gauge, then its log line and metrics."""
        metrics = self.metrics
        if metrics is not None:
            metrics.enter()
        try:
            await self.app(scope, receive, send)
        finally:
            if metrics is not None:
                metrics.leave()
            status = record.status = status_of()  # a refusal without a code: http_<status>
            if record.ran_operation or record.method == "POST" or status >= 400:
                log_request(record, status)
                if metrics is not None:
                    metrics.observe_request(record, status)

    @contextlib.contextmanager
    def _server_span(self, headers: Headers) -> Iterator[Span | None]:
        if self.tracing is None:
            yield None
            return
        parent = self.tracing.extract(headers)
        with self.tracing.tracer.start_as_current_span(
            "graphql",
            context=parent,
            kind=SpanKind.SERVER,
            record_exception=False,
        ) as span:
            yield span


def _finish_span(span: Span, record: RequestRecord, status: int) -> None:
    operation_type = record.operation_type or "graphql"
    span.update_name(f"{operation_type} {record.operation_name or 'anonymous'}")
    span.set_attribute("graphql.operation.type", operation_type)
    if record.operation_name:
        span.set_attribute("graphql.operation.name", record.operation_name)
    span.set_attribute("http.response.status_code", status)
    span.set_attribute("omi_gateway.request_id", record.request_id)
    span.set_attribute("omi_gateway.result", record.result)
    if status >= 500 or record.error_codes:
        span.set_status(Status(StatusCode.ERROR, record.result))
