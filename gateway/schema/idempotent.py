"""Mutations under an ``idempotencyKey``: the schema's side of ``gateway.idempotency``.

``run_once`` carries a write out at most once per (partner, key): a repeat with the same
input gets the first result back (decoded from JSON by a ``ResultCodec``), another
input gets ``IdempotencyKeyReused``. Every result the write returns is kept, including
``TopUpOutcomeUnknown``: replaying it is what keeps a retry with the same key from
charging twice. Failures that prove nothing happened (OMI refused the token, the
circuit is open, nothing could be sent) free the key instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, TypeVar

from gateway import omi
from gateway.cache import scope_for
from gateway.idempotency import (
    Finished,
    IdempotencyStore,
    Replayed,
    StoreUnavailable,
    Verdict,
    check_key,
)
from gateway.schema.errors import (
    ErrorCode,
    Failure,
    FieldProblem,
    GatewayError,
    ProblemCode,
)

__all__ = ["ResultCodec", "key_problems", "run_once"]

_R = TypeVar("_R")


def key_problems(key: str | None) -> list[FieldProblem]:
    """The problem with ``idempotencyKey`` (none when absent or fine)."""
    message = None if key is None else check_key(key)
    if message is None:
        return []
    return [FieldProblem(field="idempotencyKey", code=ProblemCode.INVALID, message=message)]


class ResultCodec:
    """Results of one mutation to JSON and back (``__typename`` plus their fields)."""

    def __init__(self, *types: type) -> None:
        self._types = {cls.__name__: cls for cls in types}

    def encode(self, result: object) -> dict[str, Any]:
        """``result`` as JSON-ready data."""
        fields: dict[str, Any] = {}
        for spec in dataclasses.fields(result):  # type: ignore[arg-type]
            if not spec.init:
                continue  # a resolver (``tenant``): computed afresh on replay
            value = getattr(result, spec.name)
            if isinstance(value, Enum):
                value = value.name
            elif isinstance(value, list):
                value = [
                    {"field": p.field, "code": p.code.name, "message": p.message} for p in value
                ]
            fields[spec.name] = value
        return {"__typename": type(result).__name__, "fields": fields}

    def decode(self, data: dict[str, Any]) -> Any:
        """The result ``encode`` made ``data`` of."""
        cls = self._types[data["__typename"]]
        fields = dict(data["fields"])
        if "code" in fields:
            fields["code"] = ErrorCode[fields["code"]]
        if "problems" in fields:
            fields["problems"] = [
                FieldProblem(field=p["field"], code=ProblemCode[p["code"]], message=p["message"])
                for p in fields["problems"]
            ]
        return cls(**fields)


def _nothing_happened(exc: BaseException) -> bool:
    """True when ``exc`` proves OMI did not act: the key may be used again."""
    if isinstance(exc, omi.UpstreamFailure):
        return not exc.maybe_sent
    # OMI answered with a known refusal (401, 403, 429...); an unknown code may hide
    # anything, so it keeps the key.
    return isinstance(exc, omi.OmiRejected | GatewayError) and not isinstance(
        exc, omi.UnknownOmiCode
    )


async def run_once(
    store: IdempotencyStore | None,
    *,
    authorization: str,
    key: str | None,
    fingerprint: str,
    codec: ResultCodec,
    call: Callable[[], Awaitable[_R]],
    refused: Callable[[Verdict], _R],
) -> _R:
    """``call()``, at most once per key; ``refused(verdict)`` when it is not made."""
    if key is None or store is None:
        return await call()

    async def carried_out() -> Finished[_R]:
        result = await call()
        return Finished(result, codec.encode(result))

    try:
        outcome = await store.run(
            scope_for(authorization),
            key,
            fingerprint,
            carried_out,
            release=_nothing_happened,
        )
    except StoreUnavailable:
        raise GatewayError(
            Failure.IDEMPOTENCY_UNAVAILABLE,
            "Idempotency keys cannot be checked right now; nothing was sent to OMI. "
            "Retry with the same key.",
        ) from None
    if isinstance(outcome, Finished):
        result: _R = outcome.result
        return result
    if isinstance(outcome, Replayed):
        replayed: _R = codec.decode(outcome.result)
        return replayed
    return refused(outcome)
