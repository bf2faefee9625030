"""The aiocache backend behind the detail cache, built from a URL.

- no URL, ``""`` or ``memory://``: ``SimpleMemoryCache`` for one process. Entries are
  kept as the immutable ``Entry`` objects themselves (no encoding on a hit) and calls
  run without aiocache's ``asyncio.wait_for`` timeout (nothing to wait for).
- ``redis://[[user]:password@]host[:port][/db]`` and ``rediss://`` (TLS): ``RedisCache``
  shared by replicas. Entries are JSON text (never pickle), and every call has a short
  explicit timeout so a slow Redis costs at most that much before the cache steps
  aside. Cached entries hold tenants' API keys: Redis must be private.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from aiocache import RedisCache, SimpleMemoryCache
from aiocache.serializers import NullSerializer, StringSerializer

from gateway.cache.codec import CodecError, Entry, decode_entry, encode_entry

__all__ = ["Backend", "describe_url", "open_backend"]


def _same_entry(value: object) -> Entry:
    if not isinstance(value, Entry):
        raise CodecError("not an entry")
    return value


@dataclass(slots=True)
class Backend:
    """An aiocache cache plus how entries are stored in it."""

    cache: Any  # aiocache.BaseCache (untyped library)
    description: str
    encode: Callable[[Entry], object]
    decode: Callable[[object], Entry]
    secrets: tuple[str, ...] = field(default=(), repr=False)
    shared: bool = False
    # One key's raw value (None: absent), without aiocache's per-call wrappers: its
    # ``asyncio.wait_for`` (a task per call), plugin and environment checks. The read
    # of every response-cache answer (a scope's generation) goes through it (issue 7).
    # Redis: redis-py's own socket timeouts (set from the same ``timeout``) bound it.
    read: Callable[[str], Awaitable[object]] | None = field(default=None, repr=False)

    async def get(self, key: str) -> object:
        """The raw value stored under ``key`` (None when absent)."""
        if self.read is not None:
            return await self.read(key)
        return await self.cache.get(key)

    async def close(self) -> None:
        """Release connections (the Redis pool); the memory backend has none."""
        client = getattr(self.cache, "client", None)
        if client is not None:
            # aiocache's close() calls redis-py's deprecated close(); aclose() is current.
            await client.aclose(close_connection_pool=True)
        else:
            await self.cache.close()


def describe_url(url: str | None) -> str:
    """``url`` fit for a log line: scheme, host, port and db, never the password."""
    if not url or url.startswith("memory:"):
        return "memory"
    parts = urlsplit(url)
    where = parts.netloc.rpartition("@")[2]  # drops user:password, keeps host:port
    return f"{parts.scheme}://{where}{parts.path}"


def open_backend(url: str | None = None, *, timeout: float = 0.5) -> Backend:
    """The backend named by ``url`` (see the module docstring).

    ``timeout`` bounds each Redis call (and the connection attempt), in seconds.
    Raises ``ValueError`` for a URL this function cannot use; the message has no
    password in it.
    """
    if not url or url == "memory://":
        memory = SimpleMemoryCache(serializer=NullSerializer(), timeout=None)

        async def read_memory(key: str) -> object:
            # What ``get`` ends in for this backend (no namespace, identity serializer).
            return await memory._get(key, encoding=None)

        return Backend(
            cache=memory,
            description="memory",
            encode=lambda entry: entry,
            decode=_same_entry,
            read=read_memory,
        )
    parts = urlsplit(url)
    safe = describe_url(url)
    if parts.scheme not in {"redis", "rediss"}:
        raise ValueError(f"cache URL {safe!r}: the scheme must be redis, rediss or memory")
    if parts.query or parts.fragment:
        raise ValueError(f"cache URL {safe!r}: query options are not supported")
    try:
        port = parts.port or 6379
        db = int(parts.path.strip("/") or 0)
    except ValueError:
        raise ValueError(f"cache URL {safe!r}: bad port or database number") from None
    password = unquote(parts.password) if parts.password else None
    pool_kwargs: dict[str, Any] = {"socket_timeout": timeout}
    if parts.username:
        pool_kwargs["username"] = unquote(parts.username)
    cache = RedisCache(
        serializer=StringSerializer(),
        endpoint=parts.hostname or "127.0.0.1",
        port=port,
        db=db,
        password=password,
        ssl=parts.scheme == "rediss",
        timeout=timeout,
        create_connection_timeout=timeout,
        connection_pool_kwargs=pool_kwargs,
    )
    secrets = tuple(s for s in (password, parts.password) if s)
    client = cache.client  # no namespace: aiocache's keys are ours as they are

    async def read_redis(key: str) -> object:
        return await client.get(key)  # bytes or None; socket_timeout bounds it

    return Backend(
        cache=cache,
        description=safe,
        encode=lambda entry: encode_entry(entry),
        decode=decode_entry,
        secrets=secrets,
        shared=True,
        read=read_redis,
    )
