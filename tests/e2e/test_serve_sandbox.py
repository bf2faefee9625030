"""``omi-gateway serve --sandbox`` as a user runs it: one process, two ports, a demo token."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.servers import ServerProcess, free_port


@pytest.fixture(scope="module")
def embedded() -> Iterator[tuple[ServerProcess, int]]:
    """The gateway with its embedded sandbox on a port of its own."""
    sandbox_port = free_port()
    with ServerProcess(
        ["serve", "--sandbox", "--sandbox-port", str(sandbox_port)], ready_path="/healthz"
    ) as server:
        yield server, sandbox_port


def _printed_token(server: ServerProcess) -> str:
    # The banner follows the servers' start by a moment: /healthz may answer first.
    deadline = time.monotonic() + 10
    while (match := re.search(r"Demo partner token: (\S+)", server.output())) is None:
        assert time.monotonic() < deadline, server.output()
        time.sleep(0.05)
    return match.group(1)


def test_printed_token_answers_a_query(embedded: tuple[ServerProcess, int]) -> None:
    server, sandbox_port = embedded
    token = _printed_token(server)
    assert f"GraphiQL: {server.url}/graphql" in server.output()
    response = httpx.post(
        f"{server.url}/graphql",
        json={"query": "{ tenants(size: 3) { items { fullName } } }"},
        headers={"Authorization": f"Bearer {token}"},
    )
    items = response.json()["data"]["tenants"]["items"]
    assert len(items) == 3
    assert all(item["fullName"] for item in items)
    # The embedded sandbox runs on its own port with its admin routes on.
    stats = httpx.get(f"http://127.0.0.1:{sandbox_port}/_sandbox/stats").json()
    assert stats["calls"]["tenant/list"] >= 1


def test_graphiql_opens_with_the_example_and_the_demo_token(
    embedded: tuple[ServerProcess, int],
) -> None:
    server, _ = embedded
    page = httpx.get(f"{server.url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert f"Bearer {_printed_token(server)}" in page.text
    assert "FirstTenants" in page.text
