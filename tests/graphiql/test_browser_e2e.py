"""End to end: ``omi-gateway serve --sandbox``, GraphiQL at /graphql in headless Chromium.

As a new user would: open the page, click Run on the prefilled operation, see a tenant
of the demo partner, whose name the test reads from the embedded sandbox itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import get_token
from tests.graphiql.graphiql_page import (
    RESPONSE,
    open_graphiql,
    open_tool_tab,
    open_tool_text,
    query_text,
    run,
)
from tests.servers import ServerProcess, free_port

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sandbox_gateway() -> Iterator[tuple[ServerProcess, str]]:
    """``serve --sandbox`` as a real server; yields it and its embedded sandbox's URL."""
    sandbox_port = free_port()
    with ServerProcess(
        ["serve", "--sandbox", "--sandbox-port", str(sandbox_port)], ready_path="/healthz"
    ) as server:
        yield server, f"http://127.0.0.1:{sandbox_port}"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context and page."""
    context = browser.new_context()
    context.set_default_timeout(20_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def first_tenant_names(sandbox_url: str) -> list[str]:
    """The demo partner's first tenants' names, straight from the sandbox's REST API."""
    token = get_token(sandbox_url)
    response = httpx.post(
        f"{sandbox_url}/api/partner/tenant/list",
        params={"size": 5, "page": 1},
        json={},
        headers={"Authorization": f"Bearer {token}"},
    )
    response.raise_for_status()
    return [item["full_name"] for item in response.json()["payload"]["items"]]


def test_first_run_in_sandbox_mode_lists_the_demo_partners_tenants(
    page: Page, sandbox_gateway: tuple[ServerProcess, str]
) -> None:
    gateway, sandbox_url = sandbox_gateway
    names = first_tenant_names(sandbox_url)
    assert names, "the sandbox seeds tenants for the demo partner"
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    open_graphiql(page, f"{gateway.url}/graphql")

    assert "tenants" in query_text(page)
    assert open_tool_tab(page) == "Headers"
    authorization = json.loads(open_tool_text(page))["Authorization"]
    assert authorization.startswith("Bearer ")
    assert len(authorization) > len("Bearer ")

    run(page)

    response = page.locator(RESPONSE)
    expect(response).to_contain_text(names[0])
    expect(response).not_to_contain_text('"errors"')
    assert all(url.startswith(gateway.url + "/") for url in requested), requested
    # The token stays out of the browser's storage.
    token = authorization.removeprefix("Bearer ")
    assert token not in page.evaluate("() => JSON.stringify(localStorage)")
