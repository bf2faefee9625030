"""A sandbox and a gateway of the fuzz tests' own: generated mutations create tenants,
which must not disturb the session's shared sandbox.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import get_token
from tests.servers import ServerProcess


@pytest.fixture(scope="package")
def fuzz_sandbox() -> Iterator[ServerProcess]:
    """A sandbox for the fuzz tests alone."""
    with ServerProcess(
        ["sandbox", "--admin", "--activation-delay", "0"], ready_path="/openapi.json"
    ) as server:
        yield server


@pytest.fixture(scope="package")
def fuzz_gateway(fuzz_sandbox: ServerProcess) -> Iterator[ServerProcess]:
    """The gateway with default limits, without retries (each example stays quick)."""
    with ServerProcess(
        ["serve", "--upstream", fuzz_sandbox.url, "--read-timeout", "2"],
        ready_path="/healthz",
        env={"OMI_GATEWAY_RETRIES": "0"},
    ) as server:
        yield server


def assert_still_serving(server: ServerProcess) -> None:
    """The process has not exited and answers its health check."""
    assert server.process is not None
    assert server.process.poll() is None
    assert httpx.get(f"{server.url}/healthz").status_code == 200


@pytest.fixture(scope="package")
def fuzz_token(fuzz_sandbox: ServerProcess) -> str:
    """The demo partner's token at the fuzz sandbox."""
    return get_token(fuzz_sandbox.url)
