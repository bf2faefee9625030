"""What the response cache learns from Strawberry about one execution.

``ResponseCacheProbe`` is a schema extension. When the response cache is watching a
request (it sets a ``Capture`` in ``capturing``), the probe fills it in after the
operation: whether the operation may be cached at all, and for how long. It may when

- it is a query (never a mutation or subscription) whose root fields are all in
  ``CACHEABLE_ROOT_FIELDS``: fields answered only from the detail cache, so the
  response is invalidated and expires exactly as those details do (``tenants`` lists
  call OMI uncached: their answers are not kept);
- every detail read was a fresh MISS (loaded just now) or a HIT whose age is known;
  a STALE or BYPASS read (OMI down, cache off or unavailable) makes it uncacheable.

Its lifetime is the shortest freshness among its reads: the detail cache's ``ttl`` for
an activated tenant, its ``pending_ttl`` for one not yet activated, ``not_found_ttl``
for "no such tenant", minus the age of a HIT read. Errors are judged by the response
cache on the final body (after masking), not here.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from graphql import FieldNode, OperationDefinitionNode, OperationType, get_operation_ast
from strawberry.extensions import SchemaExtension

from gateway.cache import CacheConfig, CacheRead, CacheState

__all__ = ["CACHEABLE_ROOT_FIELDS", "Capture", "ResponseCacheProbe", "capturing", "lifetime"]

# Root fields whose every upstream read goes through the detail cache.
CACHEABLE_ROOT_FIELDS = frozenset({"tenant", "__typename"})


@dataclass(slots=True)
class Capture:
    """The probe's verdict on one execution: ``ttl`` 0 means "do not cache"."""

    config: CacheConfig
    ttl: float = 0.0
    operation_name: str | None = None
    executions: int = 0


capturing: contextvars.ContextVar[Capture | None] = contextvars.ContextVar(
    "response_cache_capture", default=None
)


def _only_cacheable_fields(operation: OperationDefinitionNode) -> bool:
    selections = operation.selection_set.selections
    return bool(selections) and all(
        isinstance(node, FieldNode) and node.name.value in CACHEABLE_ROOT_FIELDS
        for node in selections
    )


def lifetime(reads: Iterable[CacheRead], config: CacheConfig) -> float:
    """How long a response built from ``reads`` may be kept (0: not at all)."""
    ttl = config.ttl
    for read in reads:
        if read.state is CacheState.MISS:
            age = 0.0
        elif read.state is CacheState.HIT and read.age_seconds is not None:
            age = float(read.age_seconds)
        else:
            return 0.0  # STALE, BYPASS, or a HIT of unknown age
        if read.tenant is None:
            fresh = min(config.ttl, config.not_found_ttl)
        elif read.tenant.status == "activated":
            fresh = config.ttl
        else:
            fresh = config.pending_fresh_for
        ttl = min(ttl, fresh - age)
    return max(ttl, 0.0)


class ResponseCacheProbe(SchemaExtension):
    """Fills in the current ``Capture`` (if any) once the operation has run."""

    def on_execute(self) -> Iterator[None]:
        """After execution: judge the operation (see the module docstring)."""
        yield
        capture = capturing.get()
        if capture is None:
            return
        capture.executions += 1
        capture.ttl = 0.0
        context = self.execution_context
        document = context.graphql_document
        if document is None or capture.executions > 1:
            return
        operation = get_operation_ast(document, context.operation_name)
        if operation is None or operation.operation is not OperationType.QUERY:
            return
        if not _only_cacheable_fields(operation):
            return
        reads: list[CacheRead] = list(getattr(context.context, "cache_reads", None) or ())
        capture.operation_name = context.operation_name
        capture.ttl = lifetime(reads, capture.config)
