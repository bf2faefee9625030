"""``AiohttpTransport``: httpx's API on aiohttp's connection pool (issue 7: speed).

The client keeps speaking httpx (``httpx.AsyncClient(transport=...)``; tests still
inject ``httpx.MockTransport``); only the wire below it changes: aiohttp's C-accelerated
HTTP/1.1 client costs about half of httpcore's CPU per call.

What a failure means is kept honest, because a top-up must never be retried once OMI
may have it (``gateway.omi._transport``): every aiohttp error becomes the httpx error
that says the same about whether the request left, never a "not sent" one for a
connection that was already made:

- no connection could be made (refused, DNS, connect timeout): ``ConnectError`` /
  ``ConnectTimeout`` (nothing sent);
- no pooled connection free within the pool timeout: ``PoolTimeout`` (nothing sent);
- anything after connecting (a drop, a read timeout, a malformed answer, an unknown
  error): ``RemoteProtocolError``, ``ReadTimeout``, ``ReadError``, ``TransportError``
  (maybe sent).

The whole body is read inside the transport (OMI's answers are small JSON), so a drop
halfway through is one of these errors too.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import httpx
from yarl import URL

__all__ = ["AiohttpTransport", "httpx_error"]

# Most specific first: the first matching class decides.
_ERRORS: tuple[tuple[type[BaseException], type[httpx.TransportError]], ...] = (
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
    (aiohttp.ClientConnectorError, httpx.ConnectError),
    (aiohttp.InvalidURL, httpx.UnsupportedProtocol),
    (aiohttp.SocketTimeoutError, httpx.ReadTimeout),
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),
    (aiohttp.ClientResponseError, httpx.RemoteProtocolError),
    (aiohttp.ClientPayloadError, httpx.ReadError),
    (aiohttp.ClientOSError, httpx.ReadError),
    (aiohttp.ClientConnectionError, httpx.ReadError),
    (TimeoutError, httpx.ReadTimeout),
)


def httpx_error(exc: BaseException, request: httpx.Request) -> httpx.TransportError:
    """The httpx error saying what ``exc`` (raised by aiohttp) says, sent or not."""
    for aiohttp_error, httpx_class in _ERRORS:
        if isinstance(exc, aiohttp_error):
            return httpx_class(type(exc).__name__, request=request)
    # Unknown trouble after the call began: httpx's base class, read as "maybe sent".
    return httpx.TransportError(type(exc).__name__, request=request)


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx transport on one aiohttp session, created on first use.

    ``limits.max_connections`` bounds concurrent calls (waiting at most the request's
    pool timeout, then ``httpx.PoolTimeout``); idle connections are kept
    ``limits.keepalive_expiry`` seconds. Per-request timeouts come from httpx
    (``connect`` and ``read``; aiohttp has no write timeout).
    """

    def __init__(self, limits: httpx.Limits | None = None) -> None:
        self._limits = limits or httpx.Limits()
        size = self._limits.max_connections
        self._slots = asyncio.Semaphore(size) if size is not None else None
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        expiry = self._limits.keepalive_expiry
        connector = aiohttp.TCPConnector(
            limit=self._limits.max_connections or 0,
            keepalive_timeout=expiry if expiry is not None else 5.0,
        )
        # Headers are httpx's (User-Agent, Accept-Encoding ...); aiohttp adds none of its own.
        # No cookie jar: one session serves every partner (as gateway.omi.cookieless).
        session = aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,
            skip_auto_headers=("User-Agent",),
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        # aiohttp silently sends a GET again when a pooled connection drops; retries are
        # the OMI client's decision (counted, bounded, breaker-aware), so one call is one
        # request. No public switch exists; tests/speed/test_transport.py (test_drop)
        # fails if this stops working.
        session._retry_connection = False
        return session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` and read the whole answer (see the module docstring)."""
        timeouts: dict[str, Any] = request.extensions.get("timeout", {})
        if self._slots is None:
            return await self._send(request, timeouts)
        try:
            async with asyncio.timeout(timeouts.get("pool")):
                await self._slots.acquire()
        except TimeoutError:
            raise httpx.PoolTimeout("no free connection", request=request) from None
        try:
            return await self._send(request, timeouts)
        finally:
            self._slots.release()

    async def _send(self, request: httpx.Request, timeouts: dict[str, Any]) -> httpx.Response:
        if self._session is None:
            self._session = self._open()
        body = await request.aread()
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=timeouts.get("connect"), sock_read=timeouts.get("read")
        )
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
        try:
            async with self._session.request(
                request.method,
                URL(str(request.url), encoded=True),
                headers=headers,
                data=body or None,
                allow_redirects=False,
                timeout=timeout,
            ) as response:
                content = await response.read()
                status = response.status
                raw_headers = list(response.raw_headers)
                reason = response.reason
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise httpx_error(exc, request) from None
        extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
        if reason:
            extensions["reason_phrase"] = reason.encode("latin-1", "replace")
        return httpx.Response(
            status,
            headers=raw_headers,
            stream=httpx.ByteStream(content),
            request=request,
            extensions=extensions,
        )

    async def aclose(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None
