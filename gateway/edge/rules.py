"""Schema-side guards: depth, aliases, tokens, introspection, suggestions, error codes.

``schema_guards(config)`` is the list of Strawberry extensions that ``build_schema``
puts in front of its own; ``batching(config)`` is its ``batching_config``.

``ErrorCodes`` gives every error graphql-core produces on its own (syntax, validation,
variable coercion) an ``extensions.code``, as Apollo Server names them, and strips
"Did you mean ...?" when suggestions are hidden. It must come before ``ParserCache``
and ``ValidationCache`` in the list: Strawberry leaves hooks in reverse order, so its
``on_validate`` sees the (cached) validation errors and its ``on_operation`` sees the
result after ``MaskErrors`` has coded the resolvers' errors.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, ValidationContext, ValidationRule
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    SchemaExtension,
)
from strawberry.extensions.query_depth_limiter import create_validator
from strawberry.schema.config import BatchingConfig
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from gateway.edge.config import EdgeConfig
from gateway.observability.record import current_request_id

__all__ = [
    "BAD_REQUEST",
    "BAD_USER_INPUT",
    "EMPTY_SELECTION",
    "INTERNAL_SERVER_ERROR",
    "PARSE_FAILED",
    "VALIDATION_FAILED",
    "DepthLimiter",
    "ErrorCodes",
    "batching",
    "code_errors",
    "internal_error",
    "log_unexpected",
    "safe_depth_rule",
    "schema_guards",
    "strip_suggestions",
]

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
BAD_REQUEST = "BAD_REQUEST"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"

logger = logging.getLogger("gateway.edge")

_HTTP_LEVEL = (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError)

# graphql-core's hint: " Did you mean 'items'?" (or a list of names, or "the enum value
# 'X'?"), at the end of a message or before "Found: ..." in a variable's coercion error.
# GraphQL names hold no "?", so the hint ends at the first one.
_SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")


def strip_suggestions(message: str) -> str:
    """``message`` without graphql-core's "Did you mean ...?" hints."""
    return _SUGGESTION.sub("", message)


def _code(error: GraphQLError) -> str | None:
    code = (error.extensions or {}).get("code")
    return code if isinstance(code, str) else None


def _with(error: GraphQLError, code: str, *, hide: bool) -> GraphQLError:
    # A copy: the validation cache hands the same error objects to every request.
    message = strip_suggestions(error.message) if hide else error.message
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), "code": code},
    )


def internal_error(error: GraphQLError | None = None) -> GraphQLError:
    """The masked form of an unexpected failure, with the request id to quote."""
    extensions: dict[str, Any] = {"code": INTERNAL_SERVER_ERROR}
    request_id = current_request_id()
    if request_id is not None:
        extensions["requestId"] = request_id
    return GraphQLError(
        "Unexpected error.",
        nodes=error.nodes if error else None,
        source=error.source if error else None,
        positions=error.positions if error else None,
        path=error.path if error else None,
        extensions=extensions,
    )


def code_errors(errors: list[GraphQLError], *, hide_suggestions: bool) -> list[GraphQLError]:
    """``errors`` with a code on each: those without one are classified (or masked)."""
    return [error if _code(error) else _classify(error, hide_suggestions) for error in errors]


def log_unexpected(error: GraphQLError) -> None:
    """Log an error that will be masked: its message, place, request id and trace."""
    where = ".".join(str(key) for key in error.path) if error.path else "-"
    logger.error(
        "unexpected error at %s (request_id=%s): %s",
        where,
        current_request_id(),
        error.message,
        exc_info=error.original_error,
    )


def _classify(error: GraphQLError, hide: bool) -> GraphQLError:
    """A code for an error that reached the result without one."""
    if error.path is not None:
        # A field failed without a coded cause (e.g. a null in a non-null field): a bug.
        log_unexpected(error)
        return internal_error(error)
    if error.message.startswith(("Variable '$", "Expected value of type")):
        return _with(error, BAD_USER_INPUT, hide=hide)
    if error.original_error is not None and not isinstance(error.original_error, GraphQLError):
        log_unexpected(error)
        return internal_error(error)
    if error.message.startswith("Syntax Error"):
        return _with(error, PARSE_FAILED, hide=hide)
    return _with(error, BAD_REQUEST, hide=hide)


class ErrorCodes(SchemaExtension):
    """Codes graphql-core's own errors; hides suggestions unless ``hide`` is False."""

    def __init__(self, *, hide_suggestions: bool = True) -> None:
        self.hide = hide_suggestions
        self._invalid: set[int] = set()

    def on_validate(self) -> Iterator[None]:
        """Remember validation's errors (limits and introspection included)."""
        yield
        # Strawberry returns this very list; it may be the validation cache's own, so
        # it is not changed here but recognised (by identity) in ``on_operation``.
        self._invalid = {id(error) for error in self.execution_context.pre_execution_errors or ()}

    def on_operation(self) -> Iterator[None]:
        """Code what is left after masking; a parse error escapes as an exception."""
        try:
            yield
        except GraphQLError as error:
            # ParserCache raises syntax errors (token limit included) from its hook.
            if _code(error) is None:
                error.extensions = {**(error.extensions or {}), "code": PARSE_FAILED}
            raise
        except _HTTP_LEVEL:
            raise  # the view answers these with a 400
        except Exception as exc:
            # A bug in a hook: Strawberry would show str(exc) to the client.
            logger.exception("unexpected error (request_id=%s)", current_request_id())
            raise internal_error() from exc
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [
                _with(error, VALIDATION_FAILED, hide=self.hide)
                if id(error) in self._invalid and not _code(error)
                else error
                for error in errors
            ]
            result.errors = code_errors(result.errors, hide_suggestions=self.hide)


EMPTY_SELECTION = "Empty selection sets are not accepted."


def safe_depth_rule(max_depth: int) -> type[ValidationRule]:
    """Strawberry's ``QueryDepthLimiter`` rule, safe on empty selection sets.

    graphql-core 3.3 parses ``{}`` (graphql-spec PR 1227), and Strawberry's depth walk
    then fails (``max()`` of nothing): a 500 for one request, and a document it cannot
    measure. Such a document is refused instead; no client needs one.
    """
    measure = create_validator(max_depth, None, None)

    class SafeDepthRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            try:
                measure(context)  # reports to ``context`` while it is built
            except ValueError:
                context.report_error(GraphQLError(EMPTY_SELECTION))

    return SafeDepthRule


class DepthLimiter(AddValidationRules):
    """``safe_depth_rule`` as an extension (a new rule class per instance)."""

    def __init__(self, max_depth: int) -> None:
        super().__init__([safe_depth_rule(max_depth)])


def schema_guards(config: EdgeConfig) -> list[Any]:
    """The extensions that enforce ``config`` (``ErrorCodes`` first: see above)."""
    # The limit rules are built once: Strawberry's validation cache keys on the rule
    # classes, so a class made per request would re-validate every request (issue 7).
    # Introspection is refused by a rule too (``DisableIntrospection``'s): one extension
    # adds them all, one fewer instance and set of hooks per request.
    rules = [
        safe_depth_rule(config.max_depth),
        *MaxAliasesLimiter(max_alias_count=config.max_aliases).validation_rules,
    ]
    if not config.open_schema:
        rules += DisableIntrospection().validation_rules
    return [
        lambda: ErrorCodes(hide_suggestions=not config.open_schema),
        lambda: AddValidationRules(rules),
        lambda: MaxTokensLimiter(max_token_count=config.max_tokens),
    ]


def batching(config: EdgeConfig) -> BatchingConfig | None:
    """Strawberry's batching configuration: None (off) when ``max_batch`` is 0."""
    return None if config.max_batch == 0 else BatchingConfig(max_operations=config.max_batch)
