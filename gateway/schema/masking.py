"""Error masking: every errors[] entry leaves with an ``extensions.code``, never a trace.

Strawberry's ``MaskErrors`` with a predicate does the walking; ``anonymise_error`` is
overridden because the stock one drops ``extensions`` (so no ``code`` would survive).
"""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from gateway.edge.rules import internal_error
from gateway.omi.errors import OmiError
from gateway.schema.errors import GatewayError, to_graphql_error

__all__ = ["CodedErrors", "is_expected"]


def _is_coercion(error: GraphQLError) -> bool:
    # A variable or literal refused by a scalar's parser (e.g. a float for Money): the
    # message is graphql-core's plus the scalar's own text, both safe to show.
    return error.path is None and error.message.startswith(
        ("Variable '$", "Expected value of type")
    )


def _needs_rewrite(error: GraphQLError) -> bool:
    # Errors without an original exception are GraphQL's own (syntax, validation): kept.
    original = error.original_error
    if original is None or isinstance(original, GatewayError):
        return False
    return not _is_coercion(error)


def is_expected(error: GraphQLError) -> bool:
    """True for failures the gateway expects (coded on purpose, or OMI's): no trace logged."""
    original = error.original_error
    return not _needs_rewrite(error) or isinstance(original, OmiError)


class CodedErrors(MaskErrors):
    """OMI failures become their coded entry; anything else ``INTERNAL_SERVER_ERROR``."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_needs_rewrite)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        """Replace an error by its coded, message-safe form at the same place."""
        original = error.original_error
        if not isinstance(original, OmiError):
            return internal_error(error)  # with the request id to quote
        coded: GraphQLError = to_graphql_error(original)
        return GraphQLError(
            message=coded.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions=coded.extensions,
        )
