"""The GraphQL surface: ``build_schema()`` returns the gateway's ``strawberry.Schema``."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from gateway.edge.config import EdgeConfig
from gateway.edge.rules import batching, log_unexpected, schema_guards
from gateway.schema.cache_extension import CacheExtension
from gateway.schema.context import Context
from gateway.schema.hooks import HookPlans, HookRunner
from gateway.schema.masking import CodedErrors, is_expected
from gateway.schema.mutation import Mutation
from gateway.schema.query import Query
from gateway.schema.scalars import SCALARS

__all__ = ["Context", "GatewaySchema", "build_schema"]

# Distinct documents kept parsed and validated; bounded so unique queries can't grow memory.
_CACHE_SIZE = 1024


class GatewaySchema(strawberry.Schema):
    """Logs only unexpected errors (with their trace); expected failures are not noise.

    Its extensions' hooks run through ``HookRunner`` (cheaper per request, issue 7).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._hook_plans: HookPlans = {}

    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        """Strawberry's runner, with hook wrappers built once per extension class."""
        return HookRunner(execution_context, extensions, self._hook_plans)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log what ``CodedErrors`` will mask as INTERNAL_SERVER_ERROR."""
        for error in errors:
            if not is_expected(error):
                log_unexpected(error)


def build_schema(
    *,
    cache_status: bool = False,
    edge: EdgeConfig | None = None,
    first: Sequence[Any] = (),
) -> GatewaySchema:
    """The schema with parser and validation caches on and errors coded and masked.

    ``cache_status``: responses say how the detail cache answered (``cacheStatus``).
    ``edge``: the limits (depth, aliases, tokens, batch; introspection); defaults if None.
    ``first``: extensions (classes or factories) placed before all others, so their
    hooks are entered first and left last (the request log's ``OperationRecorder``).
    """
    edge = edge or EdgeConfig()
    extensions: list[Any] = [
        *first,
        *schema_guards(edge),  # first of the schema's own: see gateway.edge.rules
        lambda: ParserCache(maxsize=_CACHE_SIZE),
        lambda: ValidationCache(maxsize=_CACHE_SIZE),
        CodedErrors,
        partial(CacheExtension, status=cache_status),
    ]
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(scalar_map=SCALARS, batching_config=batching(edge)),
    )
