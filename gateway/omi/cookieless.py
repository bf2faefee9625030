"""``CookielessClient``: httpx's ``AsyncClient`` without a cookie jar.

OMI authenticates every call by its ``Authorization`` header; the gateway's one upstream
client serves every partner, so a cookie that one partner's call received (a session,
a load balancer's stickiness) must never ride along with another partner's call. httpx
keeps and sends cookies by default, and turns every response into ``urllib`` and
``email`` objects to look for them: about a tenth of an uncached call's time in httpx
(issue 7, cProfile). Here nothing is looked for, kept or sent.
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["CookielessClient"]


class _NoCookies(httpx.Cookies):
    """Empty, and stays empty: what a response sets is dropped unread."""

    def extract_cookies(self, response: httpx.Response) -> None:
        """Ignore the response's ``Set-Cookie`` headers."""

    def set_cookie_header(self, request: httpx.Request) -> None:
        """Add no ``Cookie`` header."""

    def set(self, name: str, value: str, domain: str = "", path: str = "/") -> None:
        """Refuse: this client sends no cookies."""
        raise TypeError("the upstream client sends no cookies")

    def __setitem__(self, name: str, value: str) -> None:
        self.set(name, value)


class CookielessClient(httpx.AsyncClient):
    """``httpx.AsyncClient`` that neither keeps nor sends cookies (see the module
    docstring); giving it cookies is an error.
    """

    _no_cookies: _NoCookies | None = None

    def __init__(self, *args: Any, cookies: None = None, **kwargs: Any) -> None:
        if cookies:
            raise TypeError("the upstream client sends no cookies")
        super().__init__(*args, **kwargs)

    @property
    def cookies(self) -> httpx.Cookies:
        """Always empty."""
        if self._no_cookies is None:
            self._no_cookies = _NoCookies()
        return self._no_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        if cookies:
            raise TypeError("the upstream client sends no cookies")
