"""The fast path (issue 7): a response cache in front of Strawberry.

``ResponseCache`` wraps the GraphQL view (an ASGI app) and answers repeated cacheable
queries with prepared bytes; ``ResponseCacheProbe`` is the schema extension that tells
it which executions may be kept and for how long (``install_probe`` adds it).
"""

from __future__ import annotations

import strawberry

from gateway.fastpath.cache import DEBUG_HEADER, ResponseCache, ResponseCacheConfig
from gateway.fastpath.probe import CACHEABLE_ROOT_FIELDS, ResponseCacheProbe
from gateway.fastpath.store import ResponseStore

__all__ = [
    "CACHEABLE_ROOT_FIELDS",
    "DEBUG_HEADER",
    "ResponseCache",
    "ResponseCacheConfig",
    "ResponseCacheProbe",
    "ResponseStore",
    "install_probe",
]


def install_probe(schema: strawberry.Schema) -> strawberry.Schema:
    """``schema`` with ``ResponseCacheProbe`` among its extensions (returned for
    chaining). Strawberry builds extensions per request from ``schema.extensions``.
    """
    schema.extensions = (*schema.extensions, ResponseCacheProbe)
    return schema
