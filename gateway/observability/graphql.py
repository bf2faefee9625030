"""The GraphQL side of the request record: operation name and type, error codes, and
how the detail cache answered.

``OperationRecorder`` is a Strawberry schema extension; ``create_app`` puts it first in
the schema's extensions (``build_schema(first=...)``), so its ``on_operation`` exits
last and reads the errors after ``MaskErrors`` has given each its ``extensions.code``.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.observability.record import note_cache, note_errors, note_operation

__all__ = ["UNCODED", "OperationRecorder", "error_codes"]

# An error without ``extensions.code`` (graphql-core's own, should masking miss one).
UNCODED = "GRAPHQL_ERROR"


def error_codes(errors: list[GraphQLError] | None) -> list[str]:
    """The ``extensions.code`` of each error, ``GRAPHQL_ERROR`` where there is none."""
    codes: list[str] = []
    for error in errors or ():
        code = (error.extensions or {}).get("code")
        codes.append(code if isinstance(code, str) and code else UNCODED)
    return codes


class OperationRecorder(SchemaExtension):
    """Notes the operation and its error codes in the current request record."""

    def on_operation(self) -> Iterator[None]:
        """Record after the operation: by then it is parsed and its errors are coded."""
        try:
            yield
        except GraphQLError as error:
            # A parse error (``ParserCache`` raises it from its hook, coded on the way
            # out by the edge's ``ErrorCodes``): Strawberry makes it the result only
            # after every hook has been left, so it is recorded from the exception.
            self._record([error])
            raise
        self._record(getattr(self.execution_context.result, "errors", None))

    def _record(self, errors: list[GraphQLError] | None) -> None:
        context = self.execution_context
        operation_type: str | None
        try:
            operation_type = context.operation_type.value
        except Exception:  # no parsable document: the type cannot be known
            operation_type = None
        try:
            name = context.operation_name
        except Exception:
            name = None
        note_operation(name, operation_type or "unknown")
        note_errors(error_codes(errors))
        # The detail cache's reads are kept on the schema's Context (``cache_reads``,
        # each with a ``state``): read by shape, so this module needs no schema import.
        for read in getattr(context.context, "cache_reads", None) or ():
            state = getattr(read, "state", None)
            if state is not None:
                note_cache(str(state.value).lower())
