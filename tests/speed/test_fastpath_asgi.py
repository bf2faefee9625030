"""The response cache as an ASGI wrapper, in process around a recording inner app: what
the view receives when the cache steps aside (long, streamed, interrupted or anonymous
requests), and that a stored answer is replayed only for the same caller and body.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from gateway.cache import DetailCache, scope_for
from gateway.fastpath import ResponseCache, ResponseCacheConfig
from gateway.fastpath.probe import capturing
from gateway.fastpath.request import MAX_BODY_BYTES

ANSWER = {"data": {"tenant": {"id": "t1"}}}


class View:
    """Echoes what it received; marks each answer cacheable for 30 s (as the probe would
    for a query of cacheable fields).
    """

    def __init__(self) -> None:
        self.calls = 0
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        chunks = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                self.bodies.append(b"<" + message["type"].encode() + b">")
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        self.bodies.append(b"".join(chunks))
        capture = capturing.get()
        if capture is not None:
            capture.ttl = 30.0
        body = json.dumps({**ANSWER, "n": self.calls}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})


def _scope(authorization: str | None = "Bearer abc") -> Scope:
    headers = [(b"content-type", b"application/json")]
    if authorization is not None:
        headers.append((b"authorization", authorization.encode()))
    return {"type": "http", "method": "POST", "path": "/graphql", "headers": headers}


async def _call(cache: ResponseCache, scope: Scope, messages: list[Message]) -> list[Message]:
    pending = list(messages)
    sent: list[Message] = []

    async def receive() -> Message:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    await cache(scope, receive, send)
    return sent


def _body(sent: list[Message]) -> Any:
    return json.loads(
        b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    )


def _request(body: bytes) -> list[Message]:
    return [{"type": "http.request", "body": body, "more_body": False}]


async def _cache(view: View) -> tuple[ResponseCache, DetailCache]:
    detail = DetailCache()
    cache = ResponseCache(view, ResponseCacheConfig(ttl=60, debug=True))
    cache.bind(detail)
    return cache, detail


QUERY = json.dumps({"query": '{ tenant(id: "t1") { id } }'}).encode()


async def test_a_repeat_is_replayed_and_a_write_makes_it_miss() -> None:
    view = View()
    cache, detail = await _cache(view)
    first = await _call(cache, _scope(), _request(QUERY))
    second = await _call(cache, _scope(), _request(QUERY))
    assert view.calls == 1
    assert _body(second) == _body(first) == {**ANSWER, "n": 1}
    assert (b"x-response-cache", b"HIT") in second[0]["headers"]
    other = await _call(cache, _scope("Bearer someone-else"), _request(QUERY))
    assert (_body(other)["n"], view.calls) == (2, 2)
    await detail.invalidate(scope_for("Bearer abc"))
    again = await _call(cache, _scope(), _request(QUERY))
    assert (_body(again)["n"], view.calls) == (3, 3)
    await detail.close()


async def test_anonymous_requests_pass_through_whole() -> None:
    view = View()
    cache, detail = await _cache(view)
    for _ in range(2):
        sent = await _call(cache, _scope(None), _request(QUERY))
        assert (b"x-response-cache", b"BYPASS") in sent[0]["headers"]
    assert view.bodies == [QUERY, QUERY]
    await detail.close()


async def test_a_long_streamed_body_reaches_the_view_whole_and_is_not_kept() -> None:
    view = View()
    cache, detail = await _cache(view)
    chunk = b"x" * (MAX_BODY_BYTES // 2 + 1)
    messages: list[Message] = [
        {"type": "http.request", "body": chunk, "more_body": True},
        {"type": "http.request", "body": chunk, "more_body": True},
        {"type": "http.request", "body": chunk, "more_body": False},
    ]
    await _call(cache, _scope(), list(messages))
    await _call(cache, _scope(), list(messages))
    assert view.bodies == [chunk * 3, chunk * 3]
    await detail.close()


async def test_a_disconnect_before_the_body_ends_reaches_the_view() -> None:
    view = View()
    cache, detail = await _cache(view)
    messages: list[Message] = [
        {"type": "http.request", "body": QUERY[:10], "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent = await _call(cache, _scope(), messages)
    assert sent == []
    assert view.bodies == [b"<http.disconnect>"]
    await detail.close()
