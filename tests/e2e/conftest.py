"""A real gateway in front of the session's sandbox, and a GraphQL caller that checks leaks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol

import httpx
import pytest

from tests.e2e.resilience_support import Sandbox
from tests.servers import ServerProcess

# Short enough that a hanging upstream test is quick; long enough for a loaded machine.
READ_TIMEOUT = "2"


class Gql(Protocol):
    """Posts one GraphQL request to the gateway; returns the decoded JSON body."""

    def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = ...,
        authorization: str | None = ...,
    ) -> dict[str, Any]: ...


@pytest.fixture(scope="session")
def gateway(sandbox: ServerProcess) -> Iterator[ServerProcess]:
    """``omi-gateway serve --upstream <sandbox>`` as a real server on loopback.

    The detail cache is off here: these tests count each request's own upstream calls
    and inject faults per call. The cache has its own tests (``test_cache*.py``).
    """
    with ServerProcess(
        ["serve", "--upstream", sandbox.url, "--read-timeout", READ_TIMEOUT],
        ready_path="/healthz",
        env={"OMI_GATEWAY_CACHE_TTL": "0"},
    ) as server:
        yield server


def assert_no_leak(text: str, *, sandbox_url: str, secrets: list[str]) -> None:
    """No upstream URL, stack trace or token in what a client receives."""
    host_port = sandbox_url.removeprefix("http://")
    assert host_port not in text
    assert "Traceback" not in text
    assert 'File "' not in text
    for secret in secrets:
        assert secret not in text


@pytest.fixture
def gql(gateway: ServerProcess, sandbox: ServerProcess, demo_token: str) -> Gql:
    """Call the gateway as the demo partner (or ``token=``/``authorization=`` someone else)."""
    default = object()

    def call(
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | object | None = default,
        authorization: str | object | None = default,
    ) -> dict[str, Any]:
        headers: dict[str, str] = {}
        used = demo_token if token is default else token
        if authorization is not default:
            if isinstance(authorization, str):
                headers["Authorization"] = authorization
        elif isinstance(used, str):
            headers["Authorization"] = f"Bearer {used}"
        response = httpx.post(
            f"{gateway.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers=headers,
            timeout=30,
        )
        assert response.status_code == 200, response.text
        secrets = [demo_token] + ([used] if isinstance(used, str) else [])
        assert_no_leak(response.text, sandbox_url=sandbox.url, secrets=secrets)
        body: dict[str, Any] = response.json()
        return body

    return call


@pytest.fixture
def stats(clean_sandbox: ServerProcess) -> Callable[[], dict[str, int]]:
    """Upstream calls per endpoint since this test began (faults cleared around it)."""

    def read() -> dict[str, int]:
        response = httpx.get(f"{clean_sandbox.url}/_sandbox/stats")
        response.raise_for_status()
        calls: dict[str, int] = response.json()["calls"]
        return calls

    return read


@pytest.fixture
def omi(clean_sandbox: ServerProcess, demo_token: str) -> Sandbox:
    """The session's sandbox as the resilience tests drive it: faults cleared, counts zeroed."""
    return Sandbox(clean_sandbox.url, demo_token)


@pytest.fixture
def fault(clean_sandbox: ServerProcess) -> Callable[..., None]:
    """Add a sandbox fault (cleared after the test by ``clean_sandbox``)."""

    def add(**spec: Any) -> None:
        httpx.post(f"{clean_sandbox.url}/_sandbox/faults", json=spec).raise_for_status()

    return add


def codes(body: dict[str, Any]) -> list[str]:
    """The ``extensions.code`` of each errors[] entry."""
    return [error["extensions"]["code"] for error in body.get("errors") or []]
