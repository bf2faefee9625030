"""A Redis database the ``hit-redis`` case may write to, cleaned up after."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import redis

from bench.queries import Unavailable

# Above this many keys the database is someone else's busy one: only our prefix is cleaned.
SNAPSHOT_LIMIT = 10_000


def describe(url: str) -> str:
    """``url`` without its password."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}"


class Scratch:
    """The keys the run added: those under its prefix, and (if the gateway ignores the
    prefix) those that were not in the database before the run."""

    def __init__(self, client: redis.Redis, url: str, prefix: str, before: set[bytes] | None):
        self.client = client
        self.prefix = prefix
        self.before = before
        self.where = f"Redis {describe(url)}, prefix {prefix}"

    def new_keys(self) -> list[bytes]:
        """Keys this run wrote."""
        keys = set(self.client.scan_iter(match=self.prefix + "*", count=1000))
        if self.before is not None:
            keys |= set(self.client.scan_iter(count=1000)) - self.before
        return sorted(keys)

    def clean(self) -> None:
        """Delete every key this run wrote."""
        keys = self.new_keys()
        for start in range(0, len(keys), 500):
            self.client.delete(*keys[start : start + 500])


@contextmanager
def scratch(url: str, prefix: str) -> Iterator[Scratch]:
    """Redis at ``url`` (``Unavailable`` if none answers), cleaned of our keys on exit."""
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5)
    try:
        client.ping()
        size = int(client.dbsize())
        before = set(client.scan_iter(count=1000)) if size <= SNAPSHOT_LIMIT else None
    except redis.RedisError as exc:
        client.close()
        raise Unavailable(f"no Redis at {describe(url)}: {exc}") from exc
    area = Scratch(client, url, prefix, before)
    try:
        yield area
    finally:
        area.clean()
        client.close()
