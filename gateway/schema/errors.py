"""How failures reach a GraphQL client: typed results for expected ones, errors[] for the rest.

The one table is ``OMI_CODES`` (every OMI code and wire condition -> the exception the
client raises -> the GraphQL outcome) backed by ``FAILURES`` (exception class -> the
``extensions.code`` in errors[]) and ``PROBLEMS`` (OMI input codes -> the field problem).
Resolvers catch only what becomes a typed result; everything else propagates and is
turned into a ``GatewayError`` by ``to_graphql_error`` (see ``gateway.schema.masking``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

import strawberry
from graphql import GraphQLError

from gateway.omi import errors as omi
from gateway.omi.breaker import CircuitOpen

__all__ = [
    "FAILURES",
    "OMI_CODES",
    "PROBLEMS",
    "CodeRow",
    "EmailAlreadyRegistered",
    "Error",
    "ErrorCode",
    "Failure",
    "FieldProblem",
    "GatewayError",
    "InvalidInput",
    "ProblemCode",
    "TenantCreationFailed",
    "TopUpDenied",
    "bad_user_input",
    "invalid_input",
    "problem_for",
    "to_graphql_error",
    "unauthenticated",
]


@strawberry.enum(description="What kind of expected failure an `Error` result reports.")
class ErrorCode(Enum):
    """Codes of the typed error results (union members implementing ``Error``)."""

    INVALID_INPUT = strawberry.enum_value(
        "INVALID_INPUT", description="The input breaks OMI's rules; see `problems`."
    )
    EMAIL_ALREADY_REGISTERED = strawberry.enum_value(
        "EMAIL_ALREADY_REGISTERED", description="This email already owns a tenant."
    )
    TENANT_CREATION_FAILED = strawberry.enum_value(
        "TENANT_CREATION_FAILED", description="OMI accepted the request but failed to create it."
    )
    TOP_UP_DENIED = strawberry.enum_value(
        "TOP_UP_DENIED", description="OMI refused the top-up (e.g. not one of your tenants)."
    )
    TOP_UP_OUTCOME_UNKNOWN = strawberry.enum_value(
        "TOP_UP_OUTCOME_UNKNOWN",
        description="The top-up reached OMI but no answer came back: the money may have moved.",
    )
    TENANT_CREATION_OUTCOME_UNKNOWN = strawberry.enum_value(
        "TENANT_CREATION_OUTCOME_UNKNOWN",
        description="The creation reached OMI but no answer came back: the tenant may exist.",
    )
    IDEMPOTENCY_KEY_REUSED = strawberry.enum_value(
        "IDEMPOTENCY_KEY_REUSED",
        description="The idempotency key was already used with a different input.",
    )
    IDEMPOTENCY_KEY_IN_PROGRESS = strawberry.enum_value(
        "IDEMPOTENCY_KEY_IN_PROGRESS",
        description="A request with this idempotency key is still running; ask again shortly.",
    )


@strawberry.enum(description="What is wrong with one input field.")
class ProblemCode(Enum):
    """Machine-readable reasons in ``FieldProblem.code``."""

    REQUIRED = strawberry.enum_value("REQUIRED", description="The field is missing or blank.")
    INVALID_EMAIL = strawberry.enum_value("INVALID_EMAIL", description="Not an email address.")
    WEAK_PASSWORD = strawberry.enum_value(
        "WEAK_PASSWORD",
        description="Under 8 characters, or lacks an upper case, lower case, digit or symbol.",
    )
    INVALID_PHONE = strawberry.enum_value("INVALID_PHONE", description="Not a phone number.")
    TOO_LONG = strawberry.enum_value("TOO_LONG", description="Longer than allowed.")
    TOO_SHORT = strawberry.enum_value("TOO_SHORT", description="Shorter than required.")
    TOO_SMALL = strawberry.enum_value("TOO_SMALL", description="A number below the minimum.")
    TOO_LARGE = strawberry.enum_value("TOO_LARGE", description="A number above the maximum.")
    INVALID = strawberry.enum_value("INVALID", description="Rejected for another reason.")


@strawberry.interface(description="An expected failure, returned as a result type.")
class Error:
    """Shared shape of every typed error result."""

    code: ErrorCode = strawberry.field(description="What kind of failure this is.")
    message: str = strawberry.field(description="A human-readable explanation (English).")


@strawberry.type(description="One problem with one input field.")
class FieldProblem:
    """A field name, a reason code and a message."""

    field: str = strawberry.field(
        description="The input field (e.g. `email`, `amount`, `page`); `input` for the whole."
    )
    code: ProblemCode = strawberry.field(description="Why the value is rejected.")
    message: str = strawberry.field(description="A human-readable explanation (English).")

    def as_extension(self) -> dict[str, str]:
        """The problem as JSON for ``extensions.problems``."""
        return {"field": self.field, "code": self.code.name, "message": self.message}


@strawberry.type(description="The input breaks OMI's rules; every problem is listed at once.")
class InvalidInput(Error):
    """Validation failure, found by the gateway (no upstream call) or by OMI."""

    problems: list[FieldProblem] = strawberry.field(description="Every problem found.")


@strawberry.type(description="The owner's email already owns a tenant.")
class EmailAlreadyRegistered(Error):
    """OMI's ``email_registered``."""

    email: str = strawberry.field(description="The email that is taken.")


@strawberry.type(description="OMI accepted the request but failed to create the tenant.")
class TenantCreationFailed(Error):
    """OMI's ``create_tenant_error``: retrying later may succeed."""


@strawberry.type(description="OMI refused the top-up; no money moved.")
class TopUpDenied(Error):
    """OMI's ``access_denied`` (and the other refusals) on a top-up."""

    omi_code: str | None = strawberry.field(description="OMI's own code, when it gave one.")


class Failure(StrEnum):
    """``extensions.code`` of errors[]: failures that are not the caller's input."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"
    UPSTREAM_TIMEOUT = "UPSTREAM_TIMEOUT"
    UPSTREAM_BUSY = "UPSTREAM_BUSY"
    IDEMPOTENCY_UNAVAILABLE = "IDEMPOTENCY_UNAVAILABLE"
    UPSTREAM_ERROR = "UPSTREAM_ERROR"
    RATE_LIMITED = "RATE_LIMITED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class GatewayError(GraphQLError):
    """An errors[] entry with ``extensions.code`` (and ``omiCode``, ``problems``)."""

    def __init__(
        self,
        code: Failure,
        message: str,
        *,
        omi_code: str | None = None,
        problems: list[FieldProblem] | None = None,
    ) -> None:
        extensions: dict[str, Any] = {"code": code.value}
        if omi_code is not None:
            extensions["omiCode"] = omi_code
        if problems is not None:
            extensions["problems"] = [problem.as_extension() for problem in problems]
        super().__init__(message, extensions=extensions)
        self.code = code


# Exception class -> errors[] outcome. Looked up along the MRO, so a subclass the client
# adds later falls back to its parent's row.
FAILURES: dict[type[omi.OmiError], tuple[Failure, str]] = {
    omi.NotAuthenticated: (Failure.UNAUTHENTICATED, "OMI does not accept this token."),
    omi.NotPartner: (Failure.FORBIDDEN, "This token is not an OMI partner's."),
    omi.Denied: (Failure.FORBIDDEN, "OMI refused this operation."),
    omi.RateLimited: (Failure.RATE_LIMITED, "OMI asks to slow down: retry later."),
    omi.InvalidRequest: (Failure.BAD_USER_INPUT, "OMI rejected the input."),
    omi.NotFound: (Failure.UPSTREAM_ERROR, "OMI found no such resource."),
    omi.Conflict: (Failure.UPSTREAM_ERROR, "OMI reported a conflict."),
    omi.OperationFailed: (Failure.UPSTREAM_ERROR, "OMI failed to carry out the operation."),
    omi.UnknownOmiCode: (Failure.UPSTREAM_ERROR, "OMI answered with an unknown error."),
    omi.UpstreamTimeout: (Failure.UPSTREAM_TIMEOUT, "OMI did not answer in time."),
    omi.UpstreamBusy: (
        Failure.UPSTREAM_BUSY,
        "Too many calls to OMI are in flight; nothing was sent. Retry shortly.",
    ),
    CircuitOpen: (
        Failure.UPSTREAM_UNAVAILABLE,
        "OMI is failing; calls to it are paused for a few seconds. Nothing was sent.",
    ),
    omi.ProtocolError: (Failure.UPSTREAM_ERROR, "OMI's answer could not be read."),
    omi.UpstreamUnavailable: (Failure.UPSTREAM_UNAVAILABLE, "OMI cannot be reached."),
    omi.OmiError: (Failure.UPSTREAM_ERROR, "The call to OMI failed."),
}

# OMI input codes -> the field problem they name (others: field ``input``, INVALID).
PROBLEMS: dict[str, tuple[str, ProblemCode, str]] = {
    "email_invalid": ("email", ProblemCode.INVALID_EMAIL, "OMI: the email is not valid."),
    "password_invalid": (
        "password",
        ProblemCode.WEAK_PASSWORD,
        "OMI: the password is too weak.",
    ),
    "amount_gte_10.000_vnd": (
        "amount",
        ProblemCode.TOO_SMALL,
        "OMI: the amount must be at least 10,000.",
    ),
    "description_is_required": (
        "description",
        ProblemCode.REQUIRED,
        "OMI: a description is required.",
    ),
    "description_is_to_short.gte_50_characters": (
        "description",
        ProblemCode.TOO_SHORT,
        "OMI: the description must have at least 50 characters.",
    ),
}


@dataclass(frozen=True, slots=True)
class CodeRow:
    """One row of the error table: an OMI code (or wire condition) and its outcome."""

    trigger: str
    raises: type[omi.OmiError]
    outcome: str


def _row(trigger: str, raises: type[omi.OmiError]) -> CodeRow:
    return CodeRow(trigger, raises, _outcome(trigger, raises))


def _outcome(trigger: str, raises: type[omi.OmiError]) -> str:
    failure = failure_of(raises)[0]
    if issubclass(raises, omi.InvalidRequest):
        field, code, _ = PROBLEMS.get(trigger, ("input", ProblemCode.INVALID, ""))
        return f"`InvalidInput` problem `{field}` `{code.name}`; in queries `BAD_USER_INPUT`"
    if issubclass(raises, omi.Conflict):
        return "`EmailAlreadyRegistered` (createTenant)"
    if issubclass(raises, omi.OperationFailed):
        return "`TenantCreationFailed` (createTenant)"
    if issubclass(raises, omi.Denied):
        return f"`TopUpDenied` (topUp); elsewhere `{failure}`"
    if issubclass(raises, omi.NotFound):
        return f"`tenant`: null; `TopUpDenied` (topUp); elsewhere `{failure}`"
    if issubclass(raises, omi.UpstreamFailure):
        # Sent (maybe) but unanswered: a write's outcome is unknown, and is said so.
        return (
            f"`{failure}`; a write that may have reached OMI: `TopUpOutcomeUnknown`, "
            "`TenantCreationOutcomeUnknown`"
        )
    return f"`{failure}`"


def failure_of(raises: type[omi.OmiError]) -> tuple[Failure, str]:
    """The errors[] outcome of an exception class (nearest row along its MRO)."""
    for cls in raises.__mro__:
        if cls in FAILURES:
            return FAILURES[cls]
    return FAILURES[omi.OmiError]


# Every OMI code in CONTRACT.md, and every wire condition, with its GraphQL outcome.
OMI_CODES: tuple[CodeRow, ...] = (
    _row("HTTP 401 (text or JSON)", omi.NotAuthenticated),
    _row("token_expired", omi.NotAuthenticated),
    _row("auth_invalid", omi.NotAuthenticated),
    _row("api_key_invalid", omi.NotAuthenticated),
    _row("partner_invalid", omi.NotPartner),
    _row("tenant_invalid", omi.NotPartner),
    _row("access_denied", omi.Denied),
    _row("permission_denied", omi.Denied),
    _row("tenant_disabled", omi.Denied),
    _row("balance_is_not_enough", omi.Denied),
    _row("HTTP 403", omi.Denied),
    _row("body_request_is_required", omi.InvalidRequest),
    _row("request_body_required", omi.InvalidRequest),
    _row("data_is_required", omi.InvalidRequest),
    _row("request_invalid", omi.InvalidRequest),
    _row("email_invalid", omi.InvalidRequest),
    _row("password_invalid", omi.InvalidRequest),
    _row("amount_gte_10.000_vnd", omi.InvalidRequest),
    _row("description_is_required", omi.InvalidRequest),
    _row("description_is_to_short.gte_50_characters", omi.InvalidRequest),
    _row("email_registered", omi.Conflict),
    _row("create_tenant_error", omi.OperationFailed),
    _row("resource_not_found", omi.NotFound),
    _row("HTTP 404", omi.NotFound),
    _row("rate_limit_exceeded", omi.RateLimited),
    _row("HTTP 429", omi.RateLimited),
    _row("an unknown code or a sentence", omi.UnknownOmiCode),
    _row("HTTP 5xx, connect error, dropped connection", omi.UpstreamUnavailable),
    _row("no answer in time", omi.UpstreamTimeout),
    _row("not JSON, not the envelope, other HTTP status", omi.ProtocolError),
)


def problem_for(exc: omi.InvalidRequest) -> FieldProblem:
    """The field problem OMI's rejection names (the same as the gateway's own check)."""
    code = exc.omi_code or ""
    if code in PROBLEMS:
        field, problem, message = PROBLEMS[code]
        return FieldProblem(field=field, code=problem, message=message)
    return FieldProblem(
        field=exc.field or "input",
        code=ProblemCode.INVALID,
        message="OMI rejected the input" + (f" ({code})." if code else "."),
    )


def invalid_input(problems: list[FieldProblem]) -> InvalidInput:
    """The ``InvalidInput`` result for these problems."""
    noun = "problem" if len(problems) == 1 else "problems"
    return InvalidInput(
        code=ErrorCode.INVALID_INPUT,
        message=f"The input has {len(problems)} {noun}.",
        problems=problems,
    )


def bad_user_input(problems: list[FieldProblem]) -> GatewayError:
    """The errors[] entry for bad query arguments (queries have no result union)."""
    return GatewayError(
        Failure.BAD_USER_INPUT,
        invalid_input(problems).message,
        problems=problems,
    )


def unauthenticated() -> GatewayError:
    """No usable ``Authorization: Bearer`` header: refused without an upstream call."""
    return GatewayError(
        Failure.UNAUTHENTICATED,
        "Send your OMI partner token as `Authorization: Bearer <token>`.",
    )


def to_graphql_error(exc: omi.OmiError) -> GatewayError:
    """The errors[] entry for an OMI failure that is not a typed result here."""
    failure, message = failure_of(type(exc))
    problems = [problem_for(exc)] if isinstance(exc, omi.InvalidRequest) else None
    return GatewayError(failure, message, omi_code=exc.omi_code, problems=problems)
