"""The OMI partner API as typed Python: one client, its records, its exceptions.

Knows nothing of GraphQL or Starlette. ``OMI_CODES`` is the table of OMI error codes and
the exception (and input field) each becomes; on ``tenant/info``, ``tenant_invalid``
means ``NotFound`` rather than ``NotPartner``.
"""

from gateway.omi._codes import CODES as OMI_CODES
from gateway.omi._codes import CodeRule
from gateway.omi.breaker import BreakerState, CircuitBreaker, CircuitOpen
from gateway.omi.client import OmiClient
from gateway.omi.errors import (
    Conflict,
    Denied,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    NotPartner,
    OmiError,
    OmiRejected,
    OperationFailed,
    ProtocolError,
    RateLimited,
    UnknownOmiCode,
    UpstreamBusy,
    UpstreamFailure,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.omi.models import (
    DETAIL_FIELDS,
    AccessToken,
    NewTenant,
    PublicNumber,
    ServicePackage,
    Tenant,
    TenantPage,
    TopUp,
)
from gateway.omi.retry import RetryPolicy

__all__ = [
    "DETAIL_FIELDS",
    "OMI_CODES",
    "AccessToken",
    "BreakerState",
    "CircuitBreaker",
    "CircuitOpen",
    "CodeRule",
    "Conflict",
    "Denied",
    "InvalidRequest",
    "NewTenant",
    "NotAuthenticated",
    "NotFound",
    "NotPartner",
    "OmiClient",
    "OmiError",
    "OmiRejected",
    "OperationFailed",
    "ProtocolError",
    "PublicNumber",
    "RateLimited",
    "RetryPolicy",
    "ServicePackage",
    "Tenant",
    "TenantPage",
    "TopUp",
    "UnknownOmiCode",
    "UpstreamBusy",
    "UpstreamFailure",
    "UpstreamTimeout",
    "UpstreamUnavailable",
]
