"""Refuse request bodies over a size limit before anything reads them whole."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.http.responses import send_graphql_error

__all__ = ["BodySizeLimit"]


class BodySizeLimit:
    """Answer 413 when a request body exceeds ``max_bytes``.

    A declared ``Content-Length`` over the limit is refused at once. Otherwise the body
    is read here, counted as it streams in (a chunked body declares no length), and
    handed on whole: GraphQL reads whole bodies anyway, and refusing before the app
    starts is the only way to answer 413 rather than a half-read failure.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await self._refuse(send)
                return

        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        await send_graphql_error(
            send,
            status=413,
            message=f"The request body is larger than {self.max_bytes} bytes.",
            code="PAYLOAD_TOO_LARGE",
        )
