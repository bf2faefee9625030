"""OMI's error codes and the exception each one becomes: the one table.

The GraphQL layer and the README mirror this table; a test walks every row. A code not
in it becomes ``UnknownOmiCode`` with the raw code kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Final, NamedTuple

from gateway.omi.errors import (
    Conflict,
    Denied,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    NotPartner,
    OmiRejected,
    OperationFailed,
    RateLimited,
    UnknownOmiCode,
)

__all__ = ["CODES", "CodeRule", "normalize_code", "rejection"]


class CodeRule(NamedTuple):
    """What an OMI code means: the exception class, and the input field it names."""

    error: type[OmiRejected]
    field: str | None = None


CODES: Final[Mapping[str, CodeRule]] = MappingProxyType(
    {
        # The token: missing, expired, or not OMI's.
        "token_expired": CodeRule(NotAuthenticated),
        "auth_invalid": CodeRule(NotAuthenticated),
        "api_key_invalid": CodeRule(NotAuthenticated),
        # A valid token that is not a partner's.
        "partner_invalid": CodeRule(NotPartner),
        "tenant_invalid": CodeRule(NotPartner),
        # OMI refuses this partner the operation.
        "access_denied": CodeRule(Denied),
        "permission_denied": CodeRule(Denied),
        "tenant_disabled": CodeRule(Denied),
        "balance_is_not_enough": CodeRule(Denied),
        # The input.
        "request_invalid": CodeRule(InvalidRequest),
        "body_request_is_required": CodeRule(InvalidRequest),
        "request_body_required": CodeRule(InvalidRequest),
        "data_is_required": CodeRule(InvalidRequest),
        "email_invalid": CodeRule(InvalidRequest, "email"),
        "password_invalid": CodeRule(InvalidRequest, "password"),
        "amount_gte_10.000_vnd": CodeRule(InvalidRequest, "amount"),
        "description_is_required": CodeRule(InvalidRequest, "description"),
        "description_is_to_short.gte_50_characters": CodeRule(InvalidRequest, "description"),
        # State.
        "email_registered": CodeRule(Conflict),
        "resource_not_found": CodeRule(NotFound),
        "rate_limit_exceeded": CodeRule(RateLimited),
        "create_tenant_error": CodeRule(OperationFailed),
    }
)

# Raw text kept on an exception is cut to this many characters: OMI's sentences are
# short, and a long one is more likely an echo of something it should not be.
MAX_RAW_TEXT: Final = 120

# What an OMI code looks like (``email_invalid``, ``amount_gte_10.000_vnd``); anything
# else in ``message`` is a sentence.
_CODE_SHAPE: Final = re.compile(r"[a-z0-9_.\-]{1,80}")

_MESSAGES: Final[Mapping[type[OmiRejected], str]] = MappingProxyType(
    {
        NotAuthenticated: "OMI did not accept the access token",
        NotPartner: "OMI does not accept this token as a partner's",
        Denied: "OMI refused the operation",
        InvalidRequest: "OMI rejected the input",
        Conflict: "OMI reports a conflict with existing data",
        NotFound: "OMI found no such resource for this caller",
        RateLimited: "OMI asks the caller to slow down",
        OperationFailed: "OMI failed to carry out the operation",
        UnknownOmiCode: "OMI refused the request with an unrecognised error",
    }
)


# Addresses in OMI's text are cut out: an exception never names an upstream URL.
_URL: Final = re.compile(r"[a-z][a-z0-9+.\-]*://\S*", re.IGNORECASE)

# Redaction skips shorter strings: replacing them would garble text, hiding little.
_MIN_SECRET: Final = 4


def normalize_code(message: object, redact: Sequence[str | None] = ()) -> tuple[str | None, bool]:
    """``message`` as ``(code, is_code)``: a code normalized, or a sentence cut short.

    ``is_code`` is False for a sentence (kept raw, truncated) and for no message at all.
    Text that is not a known code has ``redact`` (the call's secrets, should OMI echo
    them) and URLs replaced before it is kept.
    """
    if not isinstance(message, str):
        return None, False
    text = message.strip()
    if not text:
        return None, False
    lowered = text.lower()
    if lowered in CODES:
        return lowered, True
    for secret in redact:
        if not secret:
            continue
        # A header value "Bearer TOKEN" is also redacted as the bare TOKEN.
        for piece in (secret, secret.partition(" ")[2]):
            if len(piece) >= _MIN_SECRET and piece in text:
                text = text.replace(piece, "[redacted]")
    text = _URL.sub("[url]", text)
    lowered = text.lower()
    if _CODE_SHAPE.fullmatch(lowered):
        return lowered, True
    return text[:MAX_RAW_TEXT], False


def rejection(
    message: object,
    *,
    http_status: int | None,
    request_id: str | None,
    overrides: Mapping[str, CodeRule] | None = None,
    error: type[OmiRejected] | None = None,
    redact: Sequence[str | None] = (),
) -> OmiRejected:
    """The exception for OMI's refusal carrying ``message``.

    ``overrides`` re-map codes for one endpoint; ``error`` forces the class (an HTTP
    status that already says what happened) while keeping the code; ``redact`` as in
    ``normalize_code``.
    """
    code, is_code = normalize_code(message, redact)
    rule = None
    if is_code and code is not None:
        rule = (overrides.get(code) if overrides else None) or CODES.get(code)
    if error is None:
        error = rule.error if rule is not None else UnknownOmiCode
    text = _MESSAGES.get(error, _MESSAGES[UnknownOmiCode])
    if is_code:
        text = f"{text} ({code})"
    if error is InvalidRequest:
        field = rule.field if rule is not None else None
        return InvalidRequest(
            text, field=field, omi_code=code, http_status=http_status, request_id=request_id
        )
    return error(text, omi_code=code, http_status=http_status, request_id=request_id)
