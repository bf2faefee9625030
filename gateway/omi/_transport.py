"""httpx.s request errors as ``UpstreamFailure``s, with an honest ``maybe_sent``.

``maybe_sent`` is False only when the request cannot have reached OMI (no connection
was made); otherwise OMI may have acted on it, which matters for a top-up. Messages
name the httpx error class only: httpx's own messages can quote headers.
"""

from __future__ import annotations

from typing import Final

import httpx

from gateway.omi.errors import (
    ProtocolError,
    UpstreamBusy,
    UpstreamFailure,
    UpstreamTimeout,
    UpstreamUnavailable,
)

__all__ = ["transport_failure"]

# First match wins: subclasses before their bases.
_RULES: Final[tuple[tuple[type[httpx.RequestError], type[UpstreamFailure], bool, str], ...]] = (
    # Never connected: nothing sent.
    (httpx.ConnectTimeout, UpstreamTimeout, False, "OMI did not accept a connection in time"),
    # The gateway's own bound on concurrent calls: fail fast, typed, never retried.
    (httpx.PoolTimeout, UpstreamBusy, False, "no connection to OMI was free in time"),
    (httpx.ConnectError, UpstreamUnavailable, False, "OMI could not be reached"),
    (httpx.UnsupportedProtocol, UpstreamUnavailable, False, "OMI's address is not usable"),
    (httpx.ProxyError, UpstreamUnavailable, False, "the proxy to OMI failed"),
    # The request could not be put on the wire (an invalid header value, say).
    (httpx.LocalProtocolError, ProtocolError, False, "the request to OMI could not be sent"),
    # Connected: OMI may have the request.
    (httpx.WriteTimeout, UpstreamTimeout, True, "sending the request to OMI timed out"),
    (httpx.ReadTimeout, UpstreamTimeout, True, "OMI did not answer in time"),
    (httpx.TimeoutException, UpstreamTimeout, True, "OMI did not answer in time"),
    (httpx.RemoteProtocolError, UpstreamUnavailable, True, "OMI dropped the connection"),
    (httpx.ReadError, UpstreamUnavailable, True, "OMI dropped the connection"),
    (httpx.WriteError, UpstreamUnavailable, True, "OMI dropped the connection"),
    (httpx.DecodingError, ProtocolError, True, "OMI's answer could not be decoded"),
)


def transport_failure(exc: httpx.RequestError) -> UpstreamFailure:
    """The ``UpstreamFailure`` for an httpx transport error."""
    for httpx_error, failure, maybe_sent, message in _RULES:
        if isinstance(exc, httpx_error):
            return failure(f"{message} ({type(exc).__name__})", maybe_sent=maybe_sent)
    # Unknown transport trouble: assume the worst for a non-idempotent call.
    return UpstreamUnavailable(
        f"the connection to OMI failed ({type(exc).__name__})", maybe_sent=True
    )
