"""Transport failures: the right class, and whether OMI may have the request."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from gateway.omi import (
    OmiClient,
    ProtocolError,
    UpstreamBusy,
    UpstreamFailure,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from tests.omi.fake import CALLS, TOKEN, FakeOmi
from tests.servers import free_port

CASES: list[tuple[type[httpx.RequestError], type[UpstreamFailure], bool]] = [
    (httpx.ConnectError, UpstreamUnavailable, False),
    (httpx.ConnectTimeout, UpstreamTimeout, False),
    (httpx.PoolTimeout, UpstreamBusy, False),
    (httpx.UnsupportedProtocol, UpstreamUnavailable, False),
    (httpx.ProxyError, UpstreamUnavailable, False),
    (httpx.LocalProtocolError, ProtocolError, False),
    (httpx.ReadTimeout, UpstreamTimeout, True),
    (httpx.WriteTimeout, UpstreamTimeout, True),
    (httpx.RemoteProtocolError, UpstreamUnavailable, True),
    (httpx.ReadError, UpstreamUnavailable, True),
    (httpx.WriteError, UpstreamUnavailable, True),
    (httpx.CloseError, UpstreamUnavailable, True),
    (httpx.DecodingError, ProtocolError, True),
    (httpx.TooManyRedirects, UpstreamUnavailable, True),
]


@pytest.mark.parametrize(
    ("raised", "expected", "maybe_sent"), CASES, ids=[c[0].__name__ for c in CASES]
)
@pytest.mark.parametrize("call", sorted(CALLS))
async def test_transport_error_becomes_upstream_failure(
    fake: FakeOmi,
    call: str,
    raised: type[httpx.RequestError],
    expected: type[UpstreamFailure],
    maybe_sent: bool,
) -> None:
    # httpx's own message quoting the token, as h11's header errors do.
    fake.answer = raised(f"boom with {TOKEN}")
    with pytest.raises(UpstreamFailure) as caught:
        await CALLS[call](fake.client)
    error = caught.value
    assert type(error) is expected
    assert error.maybe_sent is maybe_sent
    assert error.http_status is None
    assert error.omi_code is None
    assert raised.__name__ in str(error)
    assert TOKEN not in str(error)
    # The original is not chained: a logged traceback would print its message.
    assert error.__cause__ is None
    assert error.__suppress_context__ is True


async def test_a_real_refused_connection_is_unavailable_and_not_sent() -> None:
    port = free_port()  # nothing listens there
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        with pytest.raises(UpstreamUnavailable) as caught:
            await OmiClient(http).get_tenant(TOKEN, "x")
    assert caught.value.maybe_sent is False


async def test_cancellation_is_not_swallowed(fake: FakeOmi) -> None:
    fake.answer = asyncio.CancelledError()
    with pytest.raises(asyncio.CancelledError):
        await CALLS["top_up"](fake.client)
