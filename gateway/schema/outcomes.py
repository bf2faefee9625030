"""Typed results for writes whose outcome is unknown, and for idempotency keys.

``TopUpOutcomeUnknown`` and ``TenantCreationOutcomeUnknown`` answer a write that may have
reached OMI without an answer coming back (a timeout, a dropped connection, a 5xx or an
unreadable answer after sending): the gateway never sends it again by itself, and says
how to find out what happened before trying again.
"""

from __future__ import annotations

import strawberry

from gateway import omi
from gateway.schema.errors import Error, ErrorCode
from gateway.schema.scalars import Money

__all__ = [
    "IdempotencyKeyInProgress",
    "IdempotencyKeyReused",
    "TenantCreationOutcomeUnknown",
    "TopUpOutcomeUnknown",
    "creation_unknown",
    "key_in_progress",
    "key_reused",
    "top_up_unknown",
]


@strawberry.type(
    description=(
        "The top-up reached OMI but its answer was lost: the money may have moved. Read the "
        "tenant's balance before trying again (or repeat with the same `idempotencyKey`)."
    )
)
class TopUpOutcomeUnknown(Error):
    """A top-up sent (maybe) and unanswered."""

    email: str = strawberry.field(description="The tenant owner's email, as sent.")
    amount: Money = strawberry.field(description="The amount that may have been added.")


@strawberry.type(
    description=(
        "The creation reached OMI but its answer was lost: the tenant may exist. List your "
        "tenants by this email (`tenants(keyword: ...)`) before trying again."
    )
)
class TenantCreationOutcomeUnknown(Error):
    """A tenant creation sent (maybe) and unanswered."""

    email: str = strawberry.field(description="The owner's email, as sent.")


@strawberry.type(description="This idempotency key was used before with a different input.")
class IdempotencyKeyReused(Error):
    """Nothing was sent: a key stands for one input (of one operation) for 24 hours."""

    idempotency_key: str = strawberry.field(description="The key that was reused.")


@strawberry.type(
    description="A request with this idempotency key is still running; ask again shortly."
)
class IdempotencyKeyInProgress(Error):
    """Nothing was sent by this request; the first one with the key decides."""

    idempotency_key: str = strawberry.field(description="The key in use.")


def top_up_unknown(top_up: omi.TopUp) -> TopUpOutcomeUnknown:
    """The unknown outcome of ``top_up``."""
    return TopUpOutcomeUnknown(
        code=ErrorCode.TOP_UP_OUTCOME_UNKNOWN,
        message=(
            "OMI received the top-up but its answer was lost: the money may have moved. "
            "Read the tenant's balance before trying again."
        ),
        email=top_up.email,
        amount=Money(top_up.amount),
    )


def creation_unknown(email: str) -> TenantCreationOutcomeUnknown:
    """The unknown outcome of creating the tenant of ``email``."""
    return TenantCreationOutcomeUnknown(
        code=ErrorCode.TENANT_CREATION_OUTCOME_UNKNOWN,
        message=(
            "OMI received the creation but its answer was lost: the tenant may exist. "
            "List your tenants by this email before trying again."
        ),
        email=email,
    )


def key_reused(key: str) -> IdempotencyKeyReused:
    """The answer to a key used again with another input."""
    return IdempotencyKeyReused(
        code=ErrorCode.IDEMPOTENCY_KEY_REUSED,
        message="This idempotency key was used with a different input; nothing was sent.",
        idempotency_key=key,
    )


def key_in_progress(key: str) -> IdempotencyKeyInProgress:
    """The answer to a repeat while the first request with the key still runs."""
    return IdempotencyKeyInProgress(
        code=ErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS,
        message="A request with this idempotency key is still running; ask again shortly.",
        idempotency_key=key,
    )
