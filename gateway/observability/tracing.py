"""OpenTelemetry tracing: off unless the standard ``OTEL_*`` variables turn it on.

On when ``OTEL_TRACES_EXPORTER`` names an exporter (``otlp``, ``console``) or, without
it, when ``OTEL_EXPORTER_OTLP_ENDPOINT`` / ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` is set;
``OTEL_TRACES_EXPORTER=none`` or ``OTEL_SDK_DISABLED=true`` keep it off. OTLP goes over
HTTP/protobuf; the SDK reads the endpoint, headers, service name (``OTEL_SERVICE_NAME``)
and batching (``OTEL_BSP_*``) from the environment itself.

The provider belongs to the app (built in ``create_app``, shut down, flushing its spans,
when the app stops): the global tracer provider is never set.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, MutableMapping
from typing import Final

from opentelemetry.context import Context
from opentelemetry.trace import Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

__all__ = ["Tracing", "tracing_from_environ"]

log = logging.getLogger("gateway.tracing")

SERVICE_NAME: Final = "omi-gateway"
_OFF: Final = frozenset({"", "none"})


class Tracing:
    """The app's tracer and the W3C ``traceparent`` propagation it uses."""

    def __init__(self, tracer: Tracer, shutdown: Callable[[], object] | None = None) -> None:
        self.tracer = tracer
        self._shutdown = shutdown
        self._propagator = TraceContextTextMapPropagator()

    def extract(self, headers: Mapping[str, str]) -> Context:
        """The caller's trace context from its ``traceparent`` header (if any)."""
        return self._propagator.extract(headers)

    def inject(self, headers: MutableMapping[str, str]) -> None:
        """Add ``traceparent`` for the current span to outgoing ``headers``."""
        self._propagator.inject(headers)

    def shutdown(self) -> None:
        """Flush pending spans and stop the exporter."""
        if self._shutdown is not None:
            self._shutdown()


def _exporter_name(environ: Mapping[str, str]) -> str | None:
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    named = environ.get("OTEL_TRACES_EXPORTER")
    if named is not None:
        name = named.split(",")[0].strip().lower()
        return None if name in _OFF else name
    endpoint = environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or environ.get(
        "OTEL_EXPORTER_OTLP_ENDPOINT"
    )
    return "otlp" if endpoint else None


def tracing_from_environ(environ: Mapping[str, str]) -> Tracing | None:
    """A ``Tracing`` with a batching exporter as ``OTEL_*`` say, or None when off."""
    name = _exporter_name(environ)
    if name is None:
        return None
    # Imported here: a gateway without tracing never loads the SDK.
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import (
        BatchSpanProcessor,
        ConsoleSpanExporter,
        SpanExporter,
    )

    exporter: SpanExporter
    if name == "console":
        exporter = ConsoleSpanExporter()
    else:
        if name != "otlp":
            log.warning("OTEL_TRACES_EXPORTER=%s is not supported; using otlp", name)
        protocol = environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or environ.get(
            "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"
        )
        if protocol != "http/protobuf":
            log.warning("OTLP protocol %s is not supported; using http/protobuf", protocol)
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()
    service = environ.get("OTEL_SERVICE_NAME") or SERVICE_NAME
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    log.info("tracing on: %s exporter", name)
    return Tracing(provider.get_tracer("gateway"), shutdown=provider.shutdown)
