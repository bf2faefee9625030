"""Fixtures of the OMI client's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.omi import OmiClient
from tests.omi.fake import BASE_URL, FakeOmi
from tests.servers import ServerProcess


@pytest.fixture
async def fake() -> AsyncIterator[FakeOmi]:
    """A fake OMI and an ``OmiClient`` (as ``fake.client``) that talks to it."""
    fake = FakeOmi()
    async with httpx.AsyncClient(
        base_url=BASE_URL, transport=httpx.MockTransport(fake.handle)
    ) as http:
        fake.client = OmiClient(http)
        yield fake


@pytest.fixture
async def omi(sandbox: ServerProcess) -> AsyncIterator[OmiClient]:
    """An ``OmiClient`` on the session's sandbox, as the app builds it (pooled, timeouts)."""
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=10.0) as http:
        yield OmiClient(http)
