"""Idempotency keys for writes (issue 5): one OMI call per key, its first result replayed.

Public names: ``IdempotencyStore`` (``run``), ``Finished``, ``Replayed``, ``Verdict``,
``StoreUnavailable``, ``check_key``.
"""

from __future__ import annotations

from gateway.idempotency.keys import MAX_KEY_LENGTH, check_key, fingerprint
from gateway.idempotency.store import (
    Finished,
    IdempotencyStore,
    Replayed,
    StoreUnavailable,
    Verdict,
)

__all__ = [
    "MAX_KEY_LENGTH",
    "Finished",
    "IdempotencyStore",
    "Replayed",
    "StoreUnavailable",
    "Verdict",
    "check_key",
    "fingerprint",
]
