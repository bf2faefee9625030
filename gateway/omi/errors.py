"""Every way a call to OMI can fail, as one exception tree.

::

    OmiError                       base: .omi_code, .http_status, .request_id
    ├── OmiRejected                OMI answered and refused (status_code -9999 or HTTP 4xx)
    │   ├── NotAuthenticated       HTTP 401, token_expired, auth_invalid, api_key_invalid
    │   ├── NotPartner             partner_invalid, tenant_invalid: the token is not a partner's
    │   ├── Denied                 access_denied, permission_denied, tenant_disabled,
    │   │                          balance_is_not_enough
    │   ├── InvalidRequest         request_invalid, email_invalid, password_invalid,
    │   │                          amount_gte_10.000_vnd, description_*, body/data required;
    │   │                          .field names the input field where the code names one
    │   ├── Conflict               email_registered
    │   ├── NotFound               resource_not_found (and, on tenant/info, tenant_invalid)
    │   ├── RateLimited            rate_limit_exceeded, HTTP 429
    │   ├── OperationFailed        create_tenant_error: OMI tried and failed
    │   └── UnknownOmiCode         a code this gateway does not know; the raw code is kept
    └── UpstreamFailure            no usable answer; .maybe_sent says whether OMI may have
        │                          received (and acted on) the request
        ├── UpstreamUnavailable    connect error, connection dropped, HTTP 5xx
        ├── UpstreamTimeout        no answer in time (or the request's deadline passed)
        ├── UpstreamBusy           no connection to OMI free in time (the gateway's own
        │                          bound on concurrent calls); never sent
        └── ProtocolError          an answer that is not OMI's envelope (non-JSON, wrong shape)

Messages never contain the upstream URL, the caller's token, or request bodies.
"""

from __future__ import annotations

__all__ = [
    "Conflict",
    "Denied",
    "InvalidRequest",
    "NotAuthenticated",
    "NotFound",
    "NotPartner",
    "OmiError",
    "OmiRejected",
    "OperationFailed",
    "ProtocolError",
    "RateLimited",
    "UnknownOmiCode",
    "UpstreamBusy",
    "UpstreamFailure",
    "UpstreamTimeout",
    "UpstreamUnavailable",
]


class OmiError(Exception):
    """Base of every failure of a call to OMI."""

    def __init__(
        self,
        message: str,
        *,
        omi_code: str | None = None,
        http_status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.omi_code = omi_code
        self.http_status = http_status
        self.request_id = request_id

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, omi_code={self.omi_code!r}, "
            f"http_status={self.http_status!r})"
        )


class OmiRejected(OmiError):
    """OMI answered and refused the request."""


class NotAuthenticated(OmiRejected):
    """No token, or OMI does not accept it (HTTP 401, ``token_expired``)."""


class NotPartner(OmiRejected):
    """The token is valid but is not a partner's (``partner_invalid``, ``tenant_invalid``)."""


class Denied(OmiRejected):
    """OMI refused the operation for this partner (``access_denied``)."""


class InvalidRequest(OmiRejected):
    """OMI rejected the input; ``field`` names the input field when the code names one."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        omi_code: str | None = None,
        http_status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, omi_code=omi_code, http_status=http_status, request_id=request_id)
        self.field = field


class Conflict(OmiRejected):
    """The request collides with existing state (``email_registered``)."""


class NotFound(OmiRejected):
    """No such resource for this caller (``resource_not_found``)."""


class RateLimited(OmiRejected):
    """OMI asks the caller to slow down (``rate_limit_exceeded``, HTTP 429)."""


class OperationFailed(OmiRejected):
    """OMI accepted the request but failed to carry it out (``create_tenant_error``)."""


class UnknownOmiCode(OmiRejected):
    """OMI sent an error code this gateway does not know; ``omi_code`` keeps it raw."""


class UpstreamFailure(OmiError):
    """No usable answer from OMI.

    ``maybe_sent`` is True when the request may have reached OMI, so a non-idempotent
    operation (a top-up) may have taken effect.
    """

    def __init__(
        self,
        message: str,
        *,
        maybe_sent: bool,
        omi_code: str | None = None,
        http_status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, omi_code=omi_code, http_status=http_status, request_id=request_id)
        self.maybe_sent = maybe_sent


class UpstreamUnavailable(UpstreamFailure):
    """OMI could not be reached, dropped the connection, or answered with HTTP 5xx."""


class UpstreamTimeout(UpstreamFailure):
    """OMI did not answer in time."""


class UpstreamBusy(UpstreamFailure):
    """Every connection to OMI stayed busy past the bounded wait; nothing was sent.

    The gateway bounds its concurrent calls to OMI (the pool size) and how long a call
    waits for a free connection, so that a burst fails fast instead of queueing.
    """


class ProtocolError(UpstreamFailure):
    """OMI's answer was not its envelope: not JSON, or not the expected shape."""
