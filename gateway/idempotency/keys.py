"""Idempotency keys as a client sends them, and fingerprints of the input they cover."""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["MAX_KEY_LENGTH", "check_key", "fingerprint"]

MAX_KEY_LENGTH = 255


def check_key(key: str) -> str | None:
    """Why ``key`` is not usable (a message), or None when it is.

    1 to 255 printable characters (a UUID is a good key); no control characters, no
    line breaks, no surrounding spaces that a client would not see.
    """
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        return f"The idempotency key must have 1 to {MAX_KEY_LENGTH} characters."
    if not key.isprintable() or key != key.strip():
        return "The idempotency key must be printable, without surrounding spaces."
    return None


def fingerprint(operation: str, values: dict[str, Any]) -> str:
    """A digest of the operation and its (normalised) input: equal inputs, equal prints.

    Only the digest is stored, never the input (which may hold a password).
    """
    canonical = json.dumps([operation, values], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
