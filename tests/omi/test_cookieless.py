"""The upstream client keeps no cookie: what one partner's call received never rides
along with the next call, whoever makes it.
"""

from __future__ import annotations

import httpx
import pytest

from gateway.omi import OmiClient
from gateway.omi.cookieless import CookielessClient
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
