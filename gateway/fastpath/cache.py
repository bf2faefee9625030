"""``ResponseCache``: whole GraphQL responses answered from memory, in front of Strawberry.

An ASGI wrapper around the GraphQL view. For a request it may answer (see
``gateway.fastpath.request``) from a caller with a bearer ``Authorization`` header:

1. the key is the caller's scope (``scope_for``, the detail cache's), the scope's
   current generation (``DetailCache.generation``; when the cache cannot say, nothing
   is cached), the ``Origin`` header and a SHA-256 of the body's canonical form;
2. a stored answer under that key is sent as it was prepared: no parsing, no
   validation, no execution, no upstream call;
3. otherwise the view runs as usual and its answer is kept when the probe
   (``gateway.fastpath.probe``) found a cacheable query and the final body is a 200
   without ``errors`` and without a stale marker (``extensions.cache``).

A write through the gateway bumps the scope's generation (the detail cache's
``invalidate``), so the next read computes a new key and misses: the same rule, in
every replica sharing the cache's Redis, as the detail cache. Bodies are kept in this
process's memory (``ResponseStore``). With ``debug`` on, answers carry
``X-Response-Cache: HIT|MISS|BYPASS`` and a stored answer says ``cacheStatus: HIT``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.cache import DetailCache, scope_for
from gateway.fastpath.probe import Capture, capturing
from gateway.fastpath.request import MAX_BODY_BYTES, Memo, caller_of, canonical_body
from gateway.fastpath.store import Headers, Key, ResponseStore, StoredResponse
from gateway.observability.record import note_cache, note_operation

__all__ = ["DEBUG_HEADER", "ResponseCache", "ResponseCacheConfig"]

DEBUG_HEADER = "X-Response-Cache"
# Response headers not replayed from a stored answer: recomputed, or set per request.
_NOT_REPLAYED = frozenset({b"content-length", b"x-response-cache", b"x-request-id"})


@dataclass(frozen=True, slots=True)
class ResponseCacheConfig:
    """``ttl``: the longest an answer is kept (0: off; never longer than the detail
    cache's own ``ttl``); ``debug``: say HIT/MISS/BYPASS; store bounds.
    """

    ttl: float = 60.0
    debug: bool = False
    max_entries: int = 10_000
    max_bytes: int = 32 * 1024 * 1024
    # Where it answers, and the body size limit of what it stands in front of: a longer
    # body always goes through (to be refused there), never answered from here.
    path: str = "/graphql"
    max_body_bytes: int = MAX_BODY_BYTES


class ResponseCache:
    """The ASGI wrapper (see the module docstring); ``bind`` it to the app's detail
    cache in the lifespan. Unbound, or with a ttl of 0, it passes every request through.
    """

    def __init__(self, app: ASGIApp | None, config: ResponseCacheConfig | None = None) -> None:
        self.app: ASGIApp = app if app is not None else _no_app
        self.config = config or ResponseCacheConfig()
        self._path = self.config.path
        self._body_limit = min(self.config.max_body_bytes, MAX_BODY_BYTES)
        self.store = ResponseStore(
            max_entries=self.config.max_entries, max_bytes=self.config.max_bytes
        )
        self._detail: DetailCache | None = None
        self._debug = self.config.debug
        # Repeated bodies: the digest of their canonical form computed once, remembered
        # by the digest of their bytes (no body, and so no variable, is kept).
        self._canonical = Memo(_body_digest)

    def around(self, app: ASGIApp) -> ResponseCache:
        """Wrap ``app`` (for ``Middleware(cache.around)``: Starlette builds its middleware
        stack itself, and the app still needs this instance to ``bind`` it).
        """
        self.app = app
        return self

    def bind(self, detail: DetailCache | None) -> None:
        """Use ``detail``'s scopes and generations (None: pass everything through)."""
        self._detail = detail
        self.store.clear()

    @property
    def enabled(self) -> bool:
        """True when answers may be cached: bound to an enabled detail cache, ttl > 0."""
        detail = self._detail
        return detail is not None and detail.enabled and self.config.ttl > 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer from the cache, or run the view (and keep its answer if allowed)."""
        if scope["type"] != "http" or scope["path"] != self._path:
            await self.app(scope, receive, send)
            return
        detail = self._detail
        caller = caller_of(scope, self._body_limit) if self.enabled else None
        authorization, origin = caller or (None, None)
        if authorization is None:  # not answerable, or anonymous
            await self._through(scope, receive, send, "BYPASS")
            return
        assert detail is not None
        body, complete, other = await _read_body(receive, self._body_limit)
        canonical: bytes | None = None
        if complete and len(body) <= self._body_limit:
            canonical = self._canonical.get(hashlib.sha256(body).digest(), body)
        if canonical is None:
            await self._through(scope, _replay(body, complete, other, receive), send, "BYPASS")
            return
        partner = scope_for(authorization)
        generation = await detail.generation(partner)
        if generation is None:  # the cache cannot say what is current: keep nothing
            await self._through(scope, _replay(body, complete, other, receive), send, "BYPASS")
            return
        # No Origin and an empty one differ (None, b""): CORS answers them differently.
        key = (partner, generation, origin, canonical)
        stored = self.store.get(key)
        if stored is not None:
            await self._answer(stored, send)
            return
        await self._miss(key, detail, scope, _replay(body, complete, other, receive), send)

    async def _answer(self, stored: StoredResponse, send: Send) -> None:
        note_operation(stored.operation_name, "query")
        note_cache("response_hit")  # cache_events_total and the request log line
        # The headers of the first answer (CORS's among them: the key holds the Origin).
        headers = list(stored.headers)
        if self._debug:
            headers.append((b"x-response-cache", b"HIT"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": stored.body})

    async def _through(self, scope: Scope, receive: Receive, send: Send, state: str) -> None:
        await self.app(scope, receive, self._marked(send, state) if self._debug else send)

    async def _miss(
        self, key: Key, detail: DetailCache, scope: Scope, receive: Receive, send: Send
    ) -> None:
        capture = Capture(detail.config)
        status = 0
        headers: Headers = ()
        chunks: list[bytes] = []
        streaming_ok = True

        async def keep(message: Message) -> None:
            nonlocal status, streaming_ok, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = tuple(
                    (name, value)
                    for name, value in message.get("headers", ())
                    if name.lower() not in _NOT_REPLAYED
                )
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            else:
                streaming_ok = False
            await send(message)

        token = capturing.set(capture)
        try:
            downstream = self._marked(keep, "MISS") if self._debug else keep
            await self.app(scope, receive, downstream)
        finally:
            capturing.reset(token)
        ttl = min(capture.ttl, self.config.ttl)
        if status != 200 or ttl <= 0 or not streaming_ok:
            return
        prepared = self._prepared(b"".join(chunks))
        if prepared is not None:
            self.store.put(key, prepared, ttl, capture.operation_name, headers)

    def _prepared(self, body: bytes) -> bytes | None:
        """The bytes to answer later, or None when this answer must not be kept."""
        try:
            answer: Any = json.loads(body)
        except ValueError:
            return None
        if not isinstance(answer, dict) or "errors" in answer or "data" not in answer:
            return None
        extensions = answer.get("extensions")
        if isinstance(extensions, dict) and "cache" in extensions:
            return None  # a stale answer (OMI was failing): never kept
        if self._debug and isinstance(extensions, dict) and "cacheStatus" in extensions:
            # Answered again from here, every read is a hit: say so.
            reads = extensions.get("cacheReads")
            total = sum(reads.values()) if isinstance(reads, dict) else 0
            extensions["cacheStatus"] = "HIT"
            extensions["cacheReads"] = {"STALE": 0, "MISS": 0, "BYPASS": 0, "HIT": total}
            return json.dumps(answer, separators=(",", ":")).encode()
        return body

    def _marked(self, send: Send, state: str) -> Send:
        value = state.encode("ascii")

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), (b"x-response-cache", value)]
            await send(message)

        return marked


async def _no_app(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("ResponseCache used before around(app) gave it an app")


def _body_digest(body: bytes) -> bytes | None:
    """SHA-256 of the body's canonical form (None: the cache must not answer it)."""
    canonical = canonical_body(body)
    return None if canonical is None else hashlib.sha256(canonical).digest()


async def _read_body(
    receive: Receive, limit: int = MAX_BODY_BYTES
) -> tuple[bytes, bool, Message | None]:
    """The request body, read until it ends or passes ``limit``: ``(body, complete,
    other)``.

    Incomplete when the client has more to send (the body is longer than ``limit``) or
    when another message (a disconnect, ``other``) came first: the cache steps aside. A
    complete body may still be longer than ``limit`` (its last chunk passed it).
    """
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False, message
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return (chunk if len(chunks) == 1 else b"".join(chunks)), True, None
        if size > limit:
            return b"".join(chunks), False, None


def _replay(body: bytes, complete: bool, other: Message | None, receive: Receive) -> Receive:
    """A ``receive`` that gives the view what was already read, then the rest."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": not complete}]
    if other is not None:
        pending.append(other)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
