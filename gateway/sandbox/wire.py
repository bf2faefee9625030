"""The outermost ASGI layer: counts requests per endpoint and applies injected faults.

It wraps the whole Starlette stack (outside its error middleware) because a dropped
connection must reach uvicorn's transport untouched: there is no ASGI message for
"close without answering".
"""

from __future__ import annotations

import asyncio
import contextlib
from http import HTTPStatus
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.sandbox.envelope import Envelope
from gateway.sandbox.faults import ENDPOINTS, Fault, FaultBoard

__all__ = ["PATHS", "FaultWire", "Stats"]

# The OMI routes, by the endpoint names faults and stats use.
PATHS: dict[str, str] = {
    "/api/auth": "auth",
    "/api/partner/tenant/add": "tenant/add",
    "/api/partner/tenant/list": "tenant/list",
    "/api/partner/tenant/info": "tenant/info",
    "/api/partner/tenant/update_balance": "tenant/update_balance",
}
# Not JSON, though it claims to be: a response cut off mid-body, as a broken proxy sends.
GARBAGE = b'{"status_code": 9999, "instance_id": "stg", "payl\x00<html>502 Bad Gateway</html>'


class Stats:
    """Requests received per endpoint, faulted or not, authorised or not."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = dict.fromkeys(ENDPOINTS, 0)

    def count(self, endpoint: str) -> None:
        """Count one request to ``endpoint``."""
        self.calls[endpoint] += 1

    def reset(self) -> None:
        """Zero every count."""
        self.calls = dict.fromkeys(ENDPOINTS, 0)


class FaultWire:
    """Raw ASGI wrapper: count, then latency, then the first fault that decides the answer."""

    def __init__(self, app: ASGIApp, board: FaultBoard, stats: Stats, envelope: Envelope) -> None:
        self.app = app
        self.board = board
        self.stats = stats
        self.envelope = envelope

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = PATHS.get(_route_path(scope)) if scope["type"] == "http" else None
        if endpoint is None:
            await self.app(scope, receive, send)
            return
        self.stats.count(endpoint)
        faults = self.board.draw(endpoint)
        latency = sum(fault.latency_ms for fault in faults)
        if latency:
            await asyncio.sleep(latency / 1000)
        decisive = next((f for f in faults if f.mode or f.http_status or f.omi_code), None)
        if decisive is None:
            await self.app(scope, receive, send)
            return
        await self._apply(decisive, scope, receive, send)

    async def _apply(self, fault: Fault, scope: Scope, receive: Receive, send: Send) -> None:
        if fault.mode == "hang":
            await _wait_for_disconnect(receive)
        elif fault.mode == "drop":
            # Read the whole request first (drop_after's operation does): closing a socket
            # with unread bytes in it (a body still arriving) makes the kernel send a RST,
            # not a FIN, and the client sees "connection reset", not "no answer".
            await _read_body(receive)
            await _drop(receive, send)
        elif fault.mode == "drop_after":
            await self.app(scope, receive, _swallow)
            await _drop(receive, send)
        elif fault.mode == "garbage":
            await _answer(send, fault.http_status or 200, GARBAGE, b"application/json")
        elif fault.omi_code is not None:
            response = self.envelope.error(fault.omi_code, fault.http_status or 200)
            await response(scope, receive, send)
        else:
            status = fault.http_status or 500
            phrase = _phrase(status).encode()
            await _answer(send, status, phrase, b"text/plain; charset=utf-8")


async def _swallow(message: Message) -> None:
    """A ``send`` that loses the answer (drop_after's operation still ran)."""


async def _answer(send: Send, status: int, body: bytes, content_type: bytes) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Receive) -> None:
    """Read (and ignore) the request's body to its end, or until the client goes away."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect" or not message.get("more_body", False):
            return


async def _wait_for_disconnect(receive: Receive) -> None:
    """Read (and ignore) the request until the client goes away."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


async def _drop(receive: Receive, send: Send) -> None:
    """Close the connection with no HTTP answer at all.

    uvicorn's ``send`` is a bound method of its request cycle, which holds the asyncio
    transport. Closing it sends a FIN; waiting for ``http.disconnect`` then lets uvicorn
    see the connection as lost, so it does not try to write its own 500.
    """
    cycle: Any = getattr(send, "__self__", None)
    transport: asyncio.BaseTransport | None = getattr(cycle, "transport", None)
    if transport is None:
        # Served by something else than uvicorn, or wrapped by another app's middleware.
        raise RuntimeError("the drop fault needs the sandbox app served directly by uvicorn")
    transport.close()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(2.0):
            await _wait_for_disconnect(receive)


def _route_path(scope: Scope) -> str:
    """The path inside this app, also when it is mounted under a prefix (``root_path``)."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        return path[len(root) :] or "/"
    return path


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
