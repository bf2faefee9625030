"""A last line of defence for log output: credentials that look like credentials are cut.

The request log line is built from fields that hold no secret (names, codes, timings);
this scrub covers free text (exception messages, third-party log lines) that might
quote a header, a query string or a JSON body.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["REDACTED", "may_hold_secret", "redact"]

REDACTED: Final = "[redacted]"

_PATTERNS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    # Authorization: Bearer <token> (and Basic): keep the scheme, cut the credential.
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/=]+"), r"\1 " + REDACTED),
    # apiKey=..., api_key: ..., password=..., access_token=..., in query strings or text.
    (
        re.compile(
            r"(?i)\b(api_?key|password|passwd|access_?token|refresh_?token|secret|token)"
            r"(\"?\s*[:=]\s*\"?)([^\s\"'&,}]+)"
        ),
        r"\1\2" + REDACTED,
    ),
)


# Every pattern above needs one of these words (case aside): an ASCII text without any
# of them has nothing to cut. Checking is about 10 times cheaper than the patterns, and
# almost every log line (the request line included) has none (issue 7). Only for ASCII:
# with IGNORECASE the patterns also match a few non-ASCII letters ("ſ", "ı", "K").
_TRIGGERS: Final = ("bearer", "basic", "key", "pass", "token", "secret")


def may_hold_secret(text: str) -> bool:
    """False when ``redact`` would return ``text`` unchanged, cheaply: ASCII without any
    of the words every pattern needs. A text made of pieces joined where a letter meets
    a non-letter (``key=`` + value, value + `` next``) is free of them exactly when each
    piece is, so pieces checked once need not be checked again.
    """
    if not text.isascii():
        return True
    lowered = text.lower()
    return any(trigger in lowered for trigger in _TRIGGERS)


def redact(text: str) -> str:
    """``text`` with bearer credentials, API keys, passwords and tokens replaced."""
    if not may_hold_secret(text):
        return text
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
