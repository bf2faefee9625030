"""The HTTP layer in front of the GraphQL view: CORS, body size, CSRF, and a JSON 500.

``edge_middleware(config)`` goes into ``Starlette(middleware=...)`` (after the request
id middleware, so refusals carry an id too), in this order, outermost first:

- CORS: only the configured origins (none by default) get CORS headers; a preflight
  from any other origin is refused, so a browser never sends their cross-site request;
- ``BodySizeLimit``: a body over the limit is a 413 before anything reads it whole;
- ``CSRFPrevention``: a "simple" request that would run an operation is a 400.

``EXCEPTION_HANDLERS`` makes a crash outside GraphQL (a bug in a middleware) a JSON 500
with the request id instead of Starlette's plain text; the trace goes to the log only.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.edge.config import EdgeConfig
from gateway.http import BodySizeLimit, CSRFPrevention
from gateway.observability.record import current_request_id, request_id_from

__all__ = ["CORS_HEADERS", "EXCEPTION_HANDLERS", "edge_middleware", "internal_error_response"]

# What a browser client may send cross-site: the token, JSON, Apollo's CSRF header, an id.
CORS_HEADERS = ("Authorization", "Content-Type", "Apollo-Require-Preflight", "X-Request-ID")

logger = logging.getLogger("gateway.edge")


def edge_middleware(config: EdgeConfig) -> list[Middleware]:
    """CORS, body size and CSRF middleware for ``config`` (outermost first)."""
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=list(CORS_HEADERS),
            expose_headers=["X-Request-ID"],
            max_age=600,
        ),
        Middleware(BodySizeLimit, max_bytes=config.max_body_bytes),
        Middleware(CSRFPrevention, paths=("/graphql",)),
    ]


def _request_id(request: Request) -> str:
    # The request middleware's id when it is still current; else one to quote in the log.
    state_id = getattr(request.state, "request_id", None)
    if isinstance(state_id, str):
        return state_id
    return current_request_id() or request_id_from(request.headers.get("x-request-id"))


async def internal_error_response(request: Request, exc: Exception) -> Response:
    """A crash outside GraphQL: a JSON 500 with a request id; the trace is logged."""
    request_id = _request_id(request)
    logger.error("unhandled exception (request_id=%s)", request_id, exc_info=exc)
    body: dict[str, Any] = {
        "errors": [
            {
                "message": "Internal server error.",
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
            }
        ]
    }
    return JSONResponse(body, status_code=500, headers={"X-Request-ID": request_id})


EXCEPTION_HANDLERS = {Exception: internal_error_response}
