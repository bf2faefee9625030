"""Operating the gateway: request ids, the request log line, Prometheus metrics,
readiness, OpenTelemetry tracing (issue 6).

``Telemetry`` bundles what ``create_app`` wires: the request middleware, the ``/metrics``
route, the observed upstream transport. The ``note_*`` functions let any layer add to
the current request's record (the detail cache calls ``note_cache``).
"""

from __future__ import annotations

from gateway.observability.graphql import OperationRecorder
from gateway.observability.health import Readiness, ReadinessProbe, redis_ping
from gateway.observability.logging import LOG_FORMATS, log_config
from gateway.observability.metrics import Metrics
from gateway.observability.middleware import REQUEST_ID_HEADER, ObservabilityMiddleware
from gateway.observability.record import (
    RequestRecord,
    current_request_id,
    note_cache,
    note_errors,
    note_operation,
    note_upstream,
)
from gateway.observability.telemetry import Telemetry
from gateway.observability.tracing import Tracing, tracing_from_environ
from gateway.observability.transport import ObservedTransport

__all__ = [
    "LOG_FORMATS",
    "REQUEST_ID_HEADER",
    "Metrics",
    "ObservabilityMiddleware",
    "ObservedTransport",
    "OperationRecorder",
    "Readiness",
    "ReadinessProbe",
    "RequestRecord",
    "Telemetry",
    "Tracing",
    "current_request_id",
    "log_config",
    "note_cache",
    "note_errors",
    "note_operation",
    "note_upstream",
    "redis_ping",
    "tracing_from_environ",
]
