"""OMI's answer, read once: HTTP status and envelope to a payload or one exception.

Success is HTTP 200 (any 2xx) with ``status_code`` 9999; the payload may be missing
(``update_balance``). Everything else raises an ``OmiError``; messages never quote the
body, the URL or the token.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final, NamedTuple

import httpx

from gateway.omi._codes import normalize_code, rejection
from gateway.omi._operations import Operation
from gateway.omi.errors import (
    Denied,
    NotAuthenticated,
    NotFound,
    OmiError,
    OmiRejected,
    ProtocolError,
    RateLimited,
    UpstreamUnavailable,
)

__all__ = ["Reply", "open_envelope"]

# ``status_code`` as OMI sends it; the string forms tolerate a server that quotes it.
_SUCCESS: Final = frozenset({9999, "9999"})
_FAILURE: Final = frozenset({-9999, "-9999"})

# HTTP statuses that say what happened whatever the body holds.
_STATUS_ERRORS: Final[dict[int, type[OmiRejected]]] = {
    401: NotAuthenticated,
    403: Denied,
    404: NotFound,
    429: RateLimited,
}


class Reply(NamedTuple):
    """A successful answer."""

    payload: Any  # None when OMI sent no payload
    http_status: int
    request_id: str | None  # the upstream's X-Request-ID


def _json(content: bytes) -> Any:
    """The body as JSON, or ``None`` when it is not JSON."""
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        # ValueError covers JSONDecodeError and undecodable bytes; RecursionError a
        # pathologically nested body.
        return None


def _message(body: Any) -> Any:
    """The ``message`` of an envelope, or None when ``body`` is not one."""
    return body.get("message") if isinstance(body, dict) else None


def open_envelope(
    response: httpx.Response, operation: Operation, redact: Sequence[str | None] = ()
) -> Reply:
    """The payload of a successful answer, or the ``OmiError`` that describes it.

    ``redact``: the call's secrets, cut from any OMI text an exception keeps.
    """
    status = response.status_code
    request_id = response.headers.get("x-request-id")
    if 200 <= status < 300:
        body = _json(response.content)
        if not isinstance(body, dict):
            raise _protocol("OMI's answer is not a JSON envelope", status, request_id)
        status_code = body.get("status_code")
        if status_code in _SUCCESS:
            return Reply(body.get("payload"), status, request_id)
        if status_code in _FAILURE:
            raise rejection(
                body.get("message"),
                http_status=status,
                request_id=request_id,
                overrides=operation.overrides,
                redact=redact,
            )
        raise _protocol("OMI's envelope has no valid status_code", status, request_id)
    raise _http_error(response, status, request_id, operation, redact)


def _http_error(
    response: httpx.Response,
    status: int,
    request_id: str | None,
    operation: Operation,
    redact: Sequence[str | None],
) -> OmiError:
    """The exception for an answer that is not 2xx."""
    # A body may say more (401 with ``token_expired``); the bare text "Unauthorized"
    # or an HTML error page just has no code.
    body = _json(response.content) if response.content else None
    message = _message(body)
    known = _STATUS_ERRORS.get(status)
    if known is not None:
        return rejection(
            message, http_status=status, request_id=request_id, error=known, redact=redact
        )
    if status >= 500:
        code, _ = normalize_code(message, redact)
        return UpstreamUnavailable(
            f"OMI answered with HTTP {status}",
            maybe_sent=True,
            omi_code=code,
            http_status=status,
            request_id=request_id,
        )
    if 400 <= status < 500 and isinstance(body, dict) and body.get("status_code") in _FAILURE:
        # Business errors are HTTP 200 by the contract (inferred); should OMI send
        # them as another 4xx, the code still says what went wrong.
        return rejection(
            message,
            http_status=status,
            request_id=request_id,
            overrides=operation.overrides,
            redact=redact,
        )
    return _protocol(f"OMI answered with unexpected HTTP {status}", status, request_id)


def _protocol(message: str, status: int, request_id: str | None) -> ProtocolError:
    # OMI answered, so it may have acted on the request.
    return ProtocolError(message, maybe_sent=True, http_status=status, request_id=request_id)
