"""The OMI partner API as typed Python: one client, its records, its exceptions.

Knows nothing of GraphQL or Starlette.
"""

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

__all__ = [
    "DETAIL_FIELDS",
    "AccessToken",
    "Conflict",
    "Denied",
    "InvalidRequest",
    "NewTenant",
    "NotAuthenticated",
    "NotFound",
    "NotPartner",
    "OmiError",
    "OmiRejected",
    "OperationFailed",
    "ProtocolError",
    "PublicNumber",
    "RateLimited",
    "ServicePackage",
    "Tenant",
    "TenantPage",
    "TopUp",
    "UnknownOmiCode",
    "UpstreamFailure",
    "UpstreamTimeout",
    "UpstreamUnavailable",
]
