"""The upstream client keeps no cookie: what one partner's call received never rides
along with the next call, whoever makes it.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from gateway.omi import OmiClient
from gateway.omi.cookieless import CookielessClient
from gateway.omi.transport import AiohttpTransport
from tests.omi.fake import TOKEN, envelope


def _setting_cookies(seen: list[str | None]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        headers = {"set-cookie": "session=partner-a-secret; Path=/"}
        return httpx.Response(200, headers=headers, json=envelope({}))

    return httpx.MockTransport(answer)


async def test_a_cookie_omi_sets_is_never_sent_back() -> None:
    seen: list[str | None] = []
    async with CookielessClient(
        base_url="http://omi.invalid", transport=_setting_cookies(seen)
    ) as http:
        omi = OmiClient(http)
        await omi.get_tenant(TOKEN, "first")
        await omi.get_tenant("Bearer another-partner", "second")
        assert dict(http.cookies) == {}
    assert seen == [None, None]


async def test_httpx_itself_would_send_it() -> None:
    # What the client is for: a plain httpx client replays the first answer's cookie.
    seen: list[str | None] = []
    async with httpx.AsyncClient(
        base_url="http://omi.invalid", transport=_setting_cookies(seen)
    ) as http:
        omi = OmiClient(http)
        await omi.get_tenant(TOKEN, "first")
        await omi.get_tenant("Bearer another-partner", "second")
    assert seen == [None, "session=partner-a-secret"]


async def test_it_takes_no_cookies() -> None:
    with pytest.raises(TypeError):
        CookielessClient(cookies={"a": "b"})  # type: ignore[arg-type]
    async with CookielessClient() as http:
        with pytest.raises(TypeError):
            http.cookies["a"] = "b"
        with pytest.raises(TypeError):
            http.cookies = {"a": "b"}
        assert not http.cookies


async def test_the_aiohttp_transport_keeps_no_cookie_either() -> None:
    # Below httpx, aiohttp's session has a cookie jar of its own: a real server on
    # loopback sets a cookie, and the next request must come without it.
    cookies_seen: list[str | None] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            found = [
                line.split(":", 1)[1].strip()
                for line in lines
                if line.lower().startswith("cookie:")
            ]
            cookies_seen.append(found[0] if found else None)
            body = json.dumps(envelope({})).encode()
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                b"set-cookie: session=partner-a-secret; Path=/\r\n"
                b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
            )
            await writer.drain()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport = AiohttpTransport()
    try:  # a host name: from a bare IP address aiohttp keeps no cookie anyway
        async with CookielessClient(
            base_url=f"http://localhost:{port}", transport=transport
        ) as http:
            omi = OmiClient(http)
            await omi.get_tenant(TOKEN, "first")
            await omi.get_tenant("Bearer another-partner", "second")
    finally:
        await transport.aclose()
        server.close()
    assert cookies_seen == [None, None]
