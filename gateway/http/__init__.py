"""HTTP-level protections in front of the GraphQL endpoint, as plain ASGI middleware."""

from gateway.http.body_limit import BodySizeLimit
from gateway.http.csrf import CSRFPrevention

__all__ = ["BodySizeLimit", "CSRFPrevention"]
