"""``EdgeGraphQL``: Strawberry's ASGI view, hardened against malformed requests.

Strawberry answers a refused request (bad JSON, wrong method, too many operations, a
mutation over GET) with a plain-text body; here it is a GraphQL-shaped JSON error with
an ``extensions.code``. Bodies Strawberry does not expect (a JSON number, an array of
strings, invalid UTF-8, nesting deeper than the JSON decoder recurses) are a 400 rather
than a crash, and a document longer than the limit is refused before it is parsed.
"""

from __future__ import annotations

import json
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult

from gateway.edge.config import EdgeConfig
from gateway.edge.rules import code_errors
from gateway.http.responses import send_graphql_error
from gateway.observability.record import note_errors
from gateway.schema.context import Context

__all__ = ["STATUS_CODES", "EdgeGraphQL"]

# The extensions.code of a request refused before GraphQL runs, by HTTP status.
STATUS_CODES = {
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
}

NOT_AN_OPERATION = (
    "The request body must be a JSON object with a 'query' string "
    "(or an array of such objects when batching is on)."
)


def _check_types(item: GraphQLRequestData) -> None:
    # Strawberry checks these for a single operation, not for each one of a batch.
    if not isinstance(item.query, (str, type(None))):
        raise HTTPException(400, "The GraphQL operation's `query` must be a string.")
    if not isinstance(item.variables, (dict, type(None))):
        raise HTTPException(400, "The GraphQL operation's `variables` must be an object.")
    if not isinstance(item.extensions, (dict, type(None))):
        raise HTTPException(400, "The GraphQL operation's `extensions` must be an object.")
    if not isinstance(item.operation_name, (str, type(None))):
        raise HTTPException(400, "The GraphQL operation's `operationName` must be a string.")


class EdgeGraphQL(GraphQL[Context, None]):
    """The GraphQL view with typed refusals; ``edge`` holds the limits."""

    def __init__(self, *args: Any, edge: EdgeConfig, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.edge = edge

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request; a refusal is a JSON error with a code, not plain text."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as exc:
            code = STATUS_CODES.get(exc.status_code, "BAD_REQUEST")
            note_errors([code])  # the request log's result: the code the caller got
            await send_graphql_error(send, status=exc.status_code, message=exc.reason, code=code)
            return
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        """JSON, or a 400 for bytes that are not UTF-8 or nest too deep to decode."""
        try:
            return json.loads(data)
        except json.JSONDecodeError:
            raise  # Strawberry's own message
        except (ValueError, RecursionError) as exc:
            raise HTTPException(400, "Unable to parse request body as JSON") from exc

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """The operation(s) of the request, checked for shape and document size."""
        try:
            data = await super().parse_http_body(request)
        except (AttributeError, TypeError) as exc:
            # A JSON value that is not an object, or a batch with a non-object in it.
            raise HTTPException(400, NOT_AN_OPERATION) from exc
        limit = self.edge.max_document_chars
        for item in data if isinstance(data, list) else [data]:
            _check_types(item)
            if item.query is not None and len(item.query) > limit:
                raise HTTPException(
                    400,
                    f"The GraphQL document has {len(item.query)} characters; "
                    f"at most {limit} are accepted.",
                )
        return data

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """The response body; an error that still has no code gets one here."""
        if result.errors:
            result.errors = code_errors(result.errors, hide_suggestions=not self.edge.open_schema)
        return await super().process_result(request, result)
