"""What one HTTP request did, collected while it runs: the ``RequestRecord``.

The request middleware opens a record and keeps it in a ``ContextVar`` for the
request's task; everything running on the request's behalf (resolvers, DataLoader
batches, which copy the context when their task is created, the upstream transport,
the detail cache) appends to it through the ``note_*`` functions. Nothing is global:
outside a request ``current_record()`` is None and the notes are dropped.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections import defaultdict
from collections.abc import Iterator
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from functools import partial

__all__ = [
    "CACHE_RESULTS",
    "RequestRecord",
    "UpstreamCall",
    "current_record",
    "current_request_id",
    "note_cache",
    "note_errors",
    "note_operation",
    "note_upstream",
    "recording",
    "request_id_from",
    "reset_current",
    "set_current",
]

# The detail cache's read states, as ``cache_events_total{result}`` and the log name them,
# and ``response_hit``: a whole response answered by the response cache (gateway.fastpath).
CACHE_RESULTS = ("hit", "miss", "stale", "bypass", "response_hit")

_MAX_REQUEST_ID = 128
_MAX_OPERATION_NAME = 100

_current: ContextVar[RequestRecord | None] = ContextVar("omi_gateway_request", default=None)


@dataclass(frozen=True, slots=True)
class UpstreamCall:
    """One HTTP exchange with OMI: endpoint name, outcome (status or failure), duration."""

    endpoint: str
    outcome: str
    seconds: float


@dataclass(slots=True)
class RequestRecord:
    """Everything the request log line and the request metrics are made of."""

    request_id: str
    method: str = "POST"
    # The HTTP status answered (0 until the response starts); a refusal without an
    # error code of its own is reported as ``http_<status>``.
    status: int = 0
    started: float = field(default_factory=time.perf_counter)
    operation_name: str | None = None
    operation_type: str | None = None
    error_codes: list[str] = field(default_factory=list)
    upstream: list[UpstreamCall] = field(default_factory=list)
    # Events by result (a ``defaultdict``: made per request, far cheaper than a Counter).
    cache: defaultdict[str, int] = field(default_factory=partial(defaultdict, int))

    @property
    def ran_operation(self) -> bool:
        """True once the GraphQL layer has seen an operation (even one that failed)."""
        return self.operation_type is not None or self.operation_name is not None

    @property
    def result(self) -> str:
        """The distinct error codes in order of appearance, comma separated; else
        ``http_<status>`` for a 4xx/5xx answer (a refusal that noted no code); else ``ok``.
        """
        if self.error_codes:
            return ",".join(dict.fromkeys(self.error_codes))
        if self.status >= 400:
            return f"http_{self.status}"
        return "ok"

    def elapsed(self) -> float:
        """Seconds since the request began."""
        return time.perf_counter() - self.started


def _printable(value: str, limit: int) -> str:
    # Printable ASCII only: the id goes into HTTP headers (ours and OMI's) and logs.
    if value.isascii() and value.isprintable():  # the usual case, without a char loop
        return value[:limit]
    return "".join(char for char in value if " " <= char <= "~")[:limit]


def request_id_from(header: str | None) -> str:
    """The caller's ``X-Request-ID`` made safe (printable ASCII, at most 128
    characters), or 32 new random hex digits when it is missing or nothing of it survives.
    """
    if header is not None:
        cleaned = _printable(header, _MAX_REQUEST_ID).strip()
        if cleaned:
            return cleaned
    # 32 random hex digits, like uuid4().hex, without a system call per request: an id
    # tells requests apart in logs, it guards nothing (not a secret).
    return f"{random.getrandbits(128):032x}"


@contextlib.contextmanager
def recording(record: RequestRecord) -> Iterator[RequestRecord]:
    """Make ``record`` the current one for the code run inside the block."""
    token = _current.set(record)
    try:
        yield record
    finally:
        _current.reset(token)


def set_current(record: RequestRecord) -> Token[RequestRecord | None]:
    """``recording`` without a context manager (the request middleware's hot path):
    make ``record`` current; hand the token to ``reset_current`` in a ``finally``.
    """
    return _current.set(record)


def reset_current(token: Token[RequestRecord | None]) -> None:
    """Restore the record that was current before ``set_current``."""
    _current.reset(token)


def current_record() -> RequestRecord | None:
    """The record of the request being served, or None outside a request."""
    return _current.get()


def current_request_id() -> str | None:
    """The id of the request being served (for upstream headers, logs, masking)."""
    record = _current.get()
    return None if record is None else record.request_id


def note_operation(name: str | None, operation_type: str | None) -> None:
    """The GraphQL operation being run (name as the client sent it, made printable)."""
    record = _current.get()
    if record is not None:
        record.operation_name = None if name is None else _printable(name, _MAX_OPERATION_NAME)
        record.operation_type = operation_type


def note_errors(codes: list[str]) -> None:
    """The ``extensions.code`` of each error in the response (none: ``ok``)."""
    record = _current.get()
    if record is not None:
        record.error_codes.extend(codes)


def note_upstream(endpoint: str, outcome: str, seconds: float) -> None:
    """One upstream exchange finished (or failed) after ``seconds``."""
    record = _current.get()
    if record is not None:
        record.upstream.append(UpstreamCall(endpoint, outcome, seconds))


def note_cache(result: str) -> None:
    """One cache event (one of ``CACHE_RESULTS``): a detail-cache read, or a response
    answered whole by the response cache.
    """
    record = _current.get()
    if record is not None:
        record.cache[result] += 1
