"""Tracing: a span per GraphQL operation and per upstream call, exported over OTLP/HTTP
to a receiver on loopback, and ``traceparent`` on the request OMI receives.

OMI is the session's sandbox behind a recording proxy (the sandbox keeps no headers).
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from tests.observability.conftest import LIST, GatewayFactory, graphql
from tests.servers import ServerProcess

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"


class _Server:
    """A threaded HTTP server on loopback for one test."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver() -> Iterator[tuple[_Server, list[tuple[Span, dict[str, str]]]]]:
    """An OTLP/HTTP trace receiver: (its server, the spans with resource attributes)."""
    spans: list[tuple[Span, dict[str, str]]] = []

    class Receive(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            if self.path == "/v1/traces":
                request = ExportTraceServiceRequest.FromString(body)
                for resource_spans in request.resource_spans:
                    resource = {
                        a.key: a.value.string_value for a in resource_spans.resource.attributes
                    }
                    for scope in resource_spans.scope_spans:
                        spans.extend((span, resource) for span in scope.spans)
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_: Any) -> None:
            pass

    with _Server(Receive) as server:
        yield server, spans


@pytest.fixture
def proxy(clean_sandbox: ServerProcess) -> Iterator[tuple[_Server, list[dict[str, str]]]]:
    """A recording proxy to the sandbox: (its server, each request's headers)."""
    seen: list[dict[str, str]] = []
    upstream = httpx.Client(base_url=clean_sandbox.url, timeout=10)

    class Forward(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            seen.append({key.lower(): value for key, value in self.headers.items()})
            length = int(self.headers.get("Content-Length") or 0)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            answer = upstream.request(
                self.command, self.path, content=self.rfile.read(length), headers=headers
            )
            self.send_response(answer.status_code)
            self.send_header("Content-Type", answer.headers.get("content-type", "text/plain"))
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        do_GET = do_POST = _forward

        def log_message(self, *_: Any) -> None:
            pass

    with _Server(Forward) as server:
        yield server, seen
    upstream.close()


def test_spans_for_the_operation_and_the_upstream_call(
    gateway_for: GatewayFactory,
    receiver: tuple[_Server, list[tuple[Span, dict[str, str]]]],
    proxy: tuple[_Server, list[dict[str, str]]],
    demo_token: str,
) -> None:
    collector, spans = receiver
    omi, seen = proxy
    env = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector.url,
        "OTEL_BSP_SCHEDULE_DELAY": "100",
        "OTEL_SERVICE_NAME": "omi-gateway-test",
    }
    with gateway_for(env=env, upstream=omi.url) as gateway:
        caller = {"traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"}
        answer = graphql(gateway.url, LIST, token=demo_token, headers=caller)
        assert "errors" not in answer.json()
        gateway.stop()  # the exporter flushes on shutdown

    by_name = {span.name: span for span, _ in spans}
    assert {"query ListTenants", "OMI tenant/list"} <= set(by_name), list(by_name)
    operation, call = by_name["query ListTenants"], by_name["OMI tenant/list"]
    assert operation.kind == Span.SPAN_KIND_SERVER
    assert operation.trace_id.hex() == CALLER_TRACE  # joins the caller's trace
    assert operation.parent_span_id.hex() == CALLER_SPAN
    assert call.kind == Span.SPAN_KIND_CLIENT
    assert call.trace_id == operation.trace_id
    assert call.parent_span_id == operation.span_id
    attributes = {a.key: a.value for a in call.attributes}
    assert attributes["omi.endpoint"].string_value == "tenant/list"
    assert attributes["http.response.status_code"].int_value == 200
    assert {resource["service.name"] for _, resource in spans} == {"omi-gateway-test"}

    listed = [headers for headers in seen if "traceparent" in headers]
    assert len(listed) == 1
    assert listed[0]["traceparent"] == f"00-{CALLER_TRACE}-{call.span_id.hex()}-01"
    assert listed[0]["x-request-id"] == answer.headers["x-request-id"]
    assert demo_token not in repr([span for span, _ in spans])


def test_tracing_is_off_unless_configured(
    gateway_for: GatewayFactory, proxy: tuple[_Server, list[dict[str, str]]], demo_token: str
) -> None:
    omi, seen = proxy
    with gateway_for(upstream=omi.url) as gateway:
        answer = graphql(gateway.url, LIST, token=demo_token, headers={"X-Request-ID": "r-1"})
        assert "errors" not in answer.json()
    assert seen
    assert all("traceparent" not in headers for headers in seen)
    assert [headers["x-request-id"] for headers in seen] == ["r-1"]
