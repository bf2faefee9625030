"""CSRF prevention as Apollo Server does it.

A browser sends a cross-site request without a CORS preflight only when it is "simple":
a GET, or a POST whose content type is ``text/plain``, ``multipart/form-data`` or
``application/x-www-form-urlencoded``, with no custom header. Refusing every simple
request that would run an operation means a hostile page can never make a visitor's
browser run one. A client proves it is not a simple request by its content type
(``application/json``) or by a non-empty preflight header such as
``Apollo-Require-Preflight``. GET has no content type, so a GET that runs an operation
needs such a header; a GET without a ``query`` parameter (the GraphiQL page) is let through.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.http.responses import send_graphql_error

__all__ = ["PREFLIGHT_HEADERS", "SIMPLE_CONTENT_TYPES", "CSRFPrevention"]

SIMPLE_CONTENT_TYPES = frozenset(
    {"text/plain", "multipart/form-data", "application/x-www-form-urlencoded"}
)
PREFLIGHT_HEADERS = ("x-apollo-operation-name", "apollo-require-preflight")

BLOCKED = (
    "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). "
    "Send it with 'Content-Type: application/json', or add a non-empty "
    "'Apollo-Require-Preflight' header."
)


class CSRFPrevention:
    """Refuse simple requests to ``paths`` that would run a GraphQL operation."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        paths: Iterable[str] = ("/graphql",),
        preflight_headers: Iterable[str] = PREFLIGHT_HEADERS,
    ) -> None:
        self.app = app
        self.paths = frozenset(paths)
        self.preflight_headers = frozenset(h.lower().encode() for h in preflight_headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.paths and self._blocked(scope):
            await send_graphql_error(send, status=400, message=BLOCKED, code="BAD_REQUEST")
            return
        await self.app(scope, receive, send)

    def _blocked(self, scope: Scope) -> bool:
        method = scope["method"]
        if method == "OPTIONS":
            return False
        if method in ("GET", "HEAD") and "query" not in parse_qs(scope["query_string"].decode()):
            return False
        content_type: bytes | None = None
        for name, value in scope["headers"]:
            if name in self.preflight_headers and value.strip():
                return False
            if name == b"content-type":
                content_type = value
        if content_type is None:
            return True
        essence = content_type.split(b";", 1)[0].strip().lower().decode("latin-1")
        return essence in SIMPLE_CONTENT_TYPES or "/" not in essence
