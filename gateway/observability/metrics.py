"""Prometheus metrics: the gateway's series on a registry of its own.

Series (prefix ``omi_gateway_``): ``requests_total{operation,outcome}``,
``request_duration_seconds{operation}``, ``requests_in_flight``,
``upstream_requests_total{endpoint,outcome}``,
``upstream_request_duration_seconds{endpoint}``, ``cache_events_total{result}``,
``circuit_breaker_state`` (0 closed, 1 half-open, 2 open).

Several workers: when ``PROMETHEUS_MULTIPROC_DIR`` names a directory (``serve
--workers N`` makes one), prometheus-client writes every process's values there and
``render()`` adds them up with its ``MultiProcessCollector``. The directory must be
empty when the first worker starts. Nothing touches prometheus-client's global registry.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Final, Generic, Protocol, TypeVar

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as prometheus_multiprocess
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

from gateway.observability.record import CACHE_RESULTS, RequestRecord

__all__ = ["CONTENT_TYPE", "MULTIPROC_ENV", "Metrics"]

CONTENT_TYPE: Final = CONTENT_TYPE_LATEST
MULTIPROC_ENV: Final = "PROMETHEUS_MULTIPROC_DIR"
PREFIX: Final = "omi_gateway_"

# Operation names are chosen by clients: past this many distinct ones a process labels
# the rest "other", so a hostile client cannot grow the series without bound.
_MAX_OPERATIONS: Final = 100
_BREAKER_VALUES: Final = {"closed": 0, "half_open": 1, "open": 2}
_M = TypeVar("_M", Counter, Histogram)


class _HasValue(Protocol):
    @property
    def value(self) -> str: ...


class _Children(Generic[_M]):
    """A labelled metric's children by label values, kept here: ``.labels()`` looks its
    child up under a lock after checking the values, per call (issue 7). As bounded as
    the labels are (operations are capped, outcomes are error codes, endpoints and cache
    results fixed sets).
    """

    __slots__ = ("_children", "_metric")

    def __init__(self, metric: _M) -> None:
        self._metric: _M = metric
        self._children: dict[tuple[str, ...], _M] = {}

    def of(self, *values: str) -> _M:
        """The child for ``values`` (in the metric's label order)."""
        child = self._children.get(values)
        if child is None:
            child = self._children[values] = self._metric.labels(*values)
        return child


class Metrics:
    """The gateway's series; one per app, built in ``create_app``.

    ``multiprocess_dir`` must be what prometheus-client itself saw in
    ``PROMETHEUS_MULTIPROC_DIR`` when it was imported (``from_environ`` reads it).
    """

    def __init__(self, *, multiprocess_dir: str | None = None) -> None:
        self.multiprocess_dir = multiprocess_dir
        self.registry = registry = CollectorRegistry()
        self._operations: set[str] = set()
        self.requests = Counter(
            PREFIX + "requests",
            "GraphQL requests by operation name and outcome (ok or the first error code).",
            ["operation", "outcome"],
            registry=registry,
        )
        self.request_duration = Histogram(
            PREFIX + "request_duration_seconds",
            "Time to answer a GraphQL request.",
            ["operation"],
            registry=registry,
        )
        self.in_flight = Gauge(
            PREFIX + "requests_in_flight",
            "GraphQL requests being served.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.upstream = Counter(
            PREFIX + "upstream_requests",
            "HTTP requests to OMI by endpoint and outcome (HTTP status or failure kind).",
            ["endpoint", "outcome"],
            registry=registry,
        )
        self.upstream_duration = Histogram(
            PREFIX + "upstream_request_duration_seconds",
            "Time until OMI's answer (or the failure) per endpoint.",
            ["endpoint"],
            registry=registry,
        )
        self.cache_events = Counter(
            PREFIX + "cache_events",
            "Detail cache reads by result: hit, miss, stale (answered while OMI failed), bypass;"
            " response_hit: a whole response answered by the response cache.",
            ["result"],
            registry=registry,
        )
        self.breaker_state = Gauge(
            PREFIX + "circuit_breaker_state",
            "The upstream circuit breaker: 0 closed, 1 half-open, 2 open (worst of workers).",
            registry=registry,
            multiprocess_mode="livemax",
        )
        self.breaker_state.set(0)
        self._request_children = _Children(self.requests)
        self._duration_children = _Children(self.request_duration)
        self._cache_children = _Children(self.cache_events)
        self._upstream_children = _Children(self.upstream)
        self._upstream_duration_children = _Children(self.upstream_duration)
        self._serving = 0  # this process's GraphQL requests being served
        if multiprocess_dir is None:
            # Read when scraped, instead of a locked update twice per request (issue 7);
            # workers' gauges must be written for the others to add them up.
            self.in_flight.set_function(lambda: self._serving)
        for result in CACHE_RESULTS:
            self.cache_events.labels(result=result)
        if multiprocess_dir is None:
            # Per-process collectors make no sense summed across workers.
            ProcessCollector(registry=registry)
            PlatformCollector(registry=registry)
            GCCollector(registry=registry)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Metrics:
        """Metrics in multiprocess mode when ``PROMETHEUS_MULTIPROC_DIR`` is set."""
        return cls(multiprocess_dir=environ.get(MULTIPROC_ENV) or None)

    def operation_label(self, record: RequestRecord) -> str:
        """The ``operation`` label: the name, ``anonymous``, ``unknown`` or ``other``."""
        if not record.ran_operation:
            return "unknown"
        name = record.operation_name or "anonymous"
        if name in self._operations:
            return name
        if len(self._operations) >= _MAX_OPERATIONS:
            return "other"
        self._operations.add(name)
        return name

    def enter(self) -> None:
        """A GraphQL request begins (``requests_in_flight``)."""
        self._serving += 1
        if self.multiprocess_dir is not None:
            self.in_flight.inc()

    def leave(self) -> None:
        """A GraphQL request has been answered (or failed)."""
        self._serving -= 1
        if self.multiprocess_dir is not None:
            self.in_flight.dec()

    def observe_request(self, record: RequestRecord, status: int) -> None:
        """Count a finished GraphQL request, its duration and its cache reads."""
        operation = self.operation_label(record)
        if record.error_codes:
            outcome = record.error_codes[0]
        elif status >= 400:
            outcome = f"http_{status}"
        else:
            outcome = "ok"
        self._request_children.of(operation, outcome).inc()
        self._duration_children.of(operation).observe(record.elapsed())
        for result, count in record.cache.items():
            self._cache_children.of(result).inc(count)

    def observe_upstream(self, endpoint: str, outcome: str, seconds: float) -> None:
        """Count one exchange with OMI."""
        self._upstream_children.of(endpoint, outcome).inc()
        self._upstream_duration_children.of(endpoint).observe(seconds)

    def on_breaker_change(self, state: _HasValue) -> None:
        """For ``CircuitBreaker(on_change=...)``: record ``closed``/``half_open``/``open``."""
        self.breaker_state.set(_BREAKER_VALUES.get(state.value, 2))

    def render(self) -> bytes:
        """The exposition text (all workers' values added up in multiprocess mode)."""
        if self.multiprocess_dir is None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry, path=self.multiprocess_dir)  # type: ignore[no-untyped-call]
        return generate_latest(registry)

    def close(self) -> None:
        """On a worker's exit: drop its live gauges from the aggregate."""
        if self.multiprocess_dir is not None:
            prometheus_multiprocess.mark_process_dead(os.getpid(), self.multiprocess_dir)  # type: ignore[no-untyped-call]
