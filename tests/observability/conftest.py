"""Helpers for the observability tests: gateways of their own, GraphQL calls, /metrics."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.servers import ServerProcess

LIST = "query ListTenants { tenants(page: 1, size: 3) { items { id email } } }"
DETAIL = "query OneTenant($id: ID!) { tenant(id: $id) { id fullName balance } }"

GatewayFactory = Callable[..., AbstractContextManager[ServerProcess]]


def graphql(
    url: str,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> httpx.Response:
    """POST one GraphQL request to the gateway at ``url``."""
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    return httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers=sent,
        timeout=timeout,
    )


def samples(url: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of ``GET /metrics``: (name, labels) -> value."""
    response = httpx.get(f"{url}/metrics", timeout=10)
    response.raise_for_status()
    assert response.headers["content-type"].startswith("text/plain")
    found: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(
    found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    """One sample's value (0 when the series has no such sample)."""
    return found.get((name, frozenset(labels.items())), 0.0)


def total(
    found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    """The sum of ``name``'s samples whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in found.items() if n == name and wanted <= ls)


def sandbox_calls(sandbox_url: str) -> dict[str, int]:
    """The sandbox's call counts per endpoint (since its stats were last cleared)."""
    response = httpx.get(f"{sandbox_url}/_sandbox/stats")
    response.raise_for_status()
    calls: dict[str, int] = response.json()["calls"]
    return calls


@pytest.fixture
def gateway_for(clean_sandbox: ServerProcess) -> GatewayFactory:
    """Start a gateway of this test's own in front of ``upstream`` (default: the
    session's sandbox, faults and stats cleared around the test).
    """

    @contextmanager
    def start(
        *args: str, env: dict[str, str] | None = None, upstream: str | None = None
    ) -> Iterator[ServerProcess]:
        argv: Sequence[str] = ["serve", "--upstream", upstream or clean_sandbox.url, *args]
        with ServerProcess(argv, ready_path="/healthz", env=env) as server:
            yield server

    return start
