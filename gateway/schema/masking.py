"""Error masking: every errors[] entry leaves with an ``extensions.code``, never a trace.

Strawberry's ``MaskErrors`` with a predicate does the walking; ``anonymise_error`` is
overridden because the stock one drops ``extensions`` (so no ``code`` would survive).
"""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from gateway.omi.errors import OmiError
from gateway.schema.errors import Failure, GatewayError, to_graphql_error

__all__ = ["CodedErrors", "is_expected"]


def _needs_rewrite(error: GraphQLError) -> bool:
    # Errors without an original exception are GraphQL's own (syntax, validation): kept.
    original = error.original_error
    return original is not None and not isinstance(original, GatewayError)


def is_expected(error: GraphQLError) -> bool:
    """True for failures the gateway expects (coded on purpose, or OMI's): no trace logged."""
    original = error.original_error
    return original is None or isinstance(original, GatewayError | OmiError)


class CodedErrors(MaskErrors):
    """OMI failures become their coded entry; anything else ``INTERNAL_SERVER_ERROR``."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_needs_rewrite)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        """Replace an error by its coded, message-safe form at the same place."""
        original = error.original_error
        if isinstance(original, OmiError):
            coded: GraphQLError = to_graphql_error(original)
        else:
            coded = GatewayError(Failure.INTERNAL_SERVER_ERROR, "Unexpected error.")
        return GraphQLError(
            message=coded.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions=coded.extensions,
        )
