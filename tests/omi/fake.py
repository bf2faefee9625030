"""A fake OMI on ``httpx.MockTransport``, for shapes and wire faults a server can't show."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from gateway.omi import NewTenant, OmiClient, TopUp

BASE_URL = "http://omi.invalid:8123"
TOKEN = "Bearer s3cr3t-partner-token-7f1e"
API_KEY = "super-secret-api-key-19ab"
TENANT_ID = "5f59784273227343222243aa"

Answer = httpx.Response | BaseException | Callable[[httpx.Request], httpx.Response]


def envelope(payload: Any = None, *, omit_payload: bool = False, **extra: Any) -> dict[str, Any]:
    """A success envelope as the seed shows it."""
    body: dict[str, Any] = {
        "status_code": 9999,
        "instance_id": "stg",
        "instance_name": "DESKTOP-1OB3SFM",
        "key_enabled": False,
        **extra,
    }
    if not omit_payload:
        body["payload"] = payload
    return body


def failure(message: Any) -> dict[str, Any]:
    """A failure envelope carrying ``message``."""
    return {"status_code": -9999, "instance_id": "stg", "message": message, "key_enabled": False}


class FakeOmi:
    """Answers every request with ``answer`` (a response, an exception to raise, or a
    function of the request) and keeps the requests it saw."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.answer: Answer = httpx.Response(200, json=envelope({}))
        self.client: OmiClient

    def reply(self, status: int = 200, body: Any = None, **kwargs: Any) -> None:
        """Answer with ``status`` and ``body`` (JSON unless bytes or str)."""
        if isinstance(body, bytes | str):
            self.answer = httpx.Response(status, content=body, **kwargs)
        else:
            self.answer = httpx.Response(status, json=body, **kwargs)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answer
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return answer(request)

    @property
    def last_body(self) -> Any:
        """The JSON body of the last request."""
        return json.loads(self.requests[-1].content)


NEW_TENANT = NewTenant(
    email="owner@example.vn",
    password="Str0ng!Pass",
    full_name="Công ty TNHH Thương mại Đông Á",
    owner_name="Nguyễn Văn A",
    phone="0844441900",
)
TOP_UP = TopUp(email="owner@example.vn", amount=5_000_000_000, description="x" * 60)

# Every client method, called with ordinary arguments.
CALLS: dict[str, Callable[[OmiClient], Awaitable[Any]]] = {
    "authenticate": lambda c: c.authenticate(API_KEY),
    "list_tenants": lambda c: c.list_tenants(TOKEN, page=1, size=20),
    "get_tenant": lambda c: c.get_tenant(TOKEN, TENANT_ID),
    "create_tenant": lambda c: c.create_tenant(TOKEN, NEW_TENANT),
    "top_up": lambda c: c.top_up(TOKEN, TOP_UP),
}
