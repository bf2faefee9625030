"""Backends built from URLs, and descriptions fit for logs."""

from __future__ import annotations

import pytest

from gateway.cache import describe_url, open_backend


async def test_memory_is_the_default_and_runs_without_timeouts() -> None:
    for url in (None, "", "memory://"):
        backend = open_backend(url)
        assert backend.description == "memory"
        assert backend.cache.timeout is None
        assert not backend.shared
        await backend.close()


async def test_redis_url_with_password_db_and_timeout() -> None:
    backend = open_backend("redis://:s3cr%40t@cache.internal:6380/2", timeout=0.3)
    cache = backend.cache
    assert (cache.endpoint, cache.port, cache.db, cache.password) == (
        "cache.internal",
        6380,
        2,
        "s3cr@t",
    )
    assert cache.timeout == 0.3
    assert backend.shared
    assert "s3cr" not in backend.description
    assert "s3cr@t" in backend.secrets
    await backend.close()


async def test_rediss_uses_tls_and_a_username() -> None:
    backend = open_backend("rediss://alice:pw@cache.internal/0")
    kwargs = backend.cache.client.connection_pool.connection_kwargs
    assert kwargs["username"] == "alice"
    assert backend.cache.client.connection_pool.connection_class.__name__ == "SSLConnection"
    assert backend.cache.port == 6379
    await backend.close()


@pytest.mark.parametrize(
    "url",
    [
        "http://:pw@host/0",
        "redis://:pw@host/notanumber",
        "redis://:pw@host:99999/0",
        "redis://:pw@h/0?x=1",
    ],
)
def test_bad_urls_are_refused_without_the_password(url: str) -> None:
    with pytest.raises(ValueError, match="cache URL") as raised:
        open_backend(url)
    assert "pw" not in str(raised.value)


def test_describe_url_never_shows_the_password() -> None:
    assert describe_url("redis://:hunter2@10.0.0.5:6379/1") == "redis://10.0.0.5:6379/1"
    assert describe_url("rediss://user:hunter2@r.example/0") == "rediss://r.example/0"
    assert describe_url(None) == "memory"
