"""GraphiQL in headless Chromium against a tiny GraphQL server on loopback.

The server is a real Strawberry app with a ``tenants`` field that answers only to the
expected ``Authorization`` header, so a tenant's name in the result pane proves the page
sent the prefilled header with the prefilled operation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import strawberry
from playwright.sync_api import Browser, Page, expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL

from gateway.graphiql import graphiql_html, static_routes
from tests.graphiql.graphiql_page import (
    RESPONSE,
    open_graphiql,
    open_tool_tab,
    open_tool_text,
    query_text,
    run,
    set_query,
)
from tests.graphiql.loopback import serve

pytestmark = pytest.mark.browser

TOKEN = "browser-test-token-7f3a"
TENANT_NAME = "Acme Rocket Works"
QUERY = "query Tenants {\n  tenants {\n    fullName\n  }\n}\n"
HOSTILE_QUERY = "# </script><script>window.pwned = 1</script>\n" + QUERY


@strawberry.type
class FakeTenant:
    """A tenant as the fake server returns it."""

    full_name: str


@dataclass
class Seen:
    """What the fake server received."""

    authorizations: list[str | None] = field(default_factory=list)


def fake_app(seen: Seen) -> Starlette:
    """GraphiQL pages (prefilled, hostile, plain) plus a ``/graphql`` that checks the token."""

    @strawberry.type
    class Query:
        @strawberry.field
        def tenants(self, info: strawberry.Info) -> list[FakeTenant]:
            authorization = info.context["request"].headers.get("authorization")
            seen.authorizations.append(authorization)
            if authorization != f"Bearer {TOKEN}":
                raise PermissionError("missing or wrong token")
            return [FakeTenant(full_name=TENANT_NAME)]

    headers = {"Authorization": f"Bearer {TOKEN}"}

    async def sandbox_page(request: Request) -> HTMLResponse:
        return HTMLResponse(
            graphiql_html(endpoint="/graphql", default_query=QUERY, default_headers=headers)
        )

    async def hostile_page(request: Request) -> HTMLResponse:
        return HTMLResponse(graphiql_html(endpoint="/graphql", default_query=HOSTILE_QUERY))

    async def plain_page(request: Request) -> HTMLResponse:
        return HTMLResponse(graphiql_html(endpoint="/graphql"))

    graphql = GraphQL(strawberry.Schema(query=Query), graphql_ide=None)
    return Starlette(
        routes=[
            Route("/sandbox", sandbox_page),
            Route("/hostile", hostile_page),
            Route("/plain", plain_page),
            Route("/graphql", graphql, methods=["POST"]),
            *static_routes(),
        ]
    )


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, Seen]]:
    """The fake app on loopback, and what it has seen."""
    seen = Seen()
    with serve(fake_app(seen)) as url:
        yield url, seen


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (empty localStorage) and page; records requested URLs."""
    context = browser.new_context()
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_run_on_the_prefilled_page_shows_tenants(page: Page, site: tuple[str, Seen]) -> None:
    url, seen = site
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    open_graphiql(page, f"{url}/sandbox")

    assert query_text(page) == QUERY
    assert open_tool_tab(page) == "Headers"
    assert json.loads(open_tool_text(page)) == {"Authorization": f"Bearer {TOKEN}"}

    seen.authorizations.clear()
    run(page)

    expect(page.locator(RESPONSE)).to_contain_text(TENANT_NAME)
    assert f"Bearer {TOKEN}" in seen.authorizations
    # Everything came from the gateway's own origin: no CDN.
    assert requested
    assert all(request.startswith(url + "/") for request in requested), requested


def test_the_token_is_not_left_in_local_storage(page: Page, site: tuple[str, Seen]) -> None:
    url, _ = site
    open_graphiql(page, f"{url}/sandbox")
    run(page)
    expect(page.locator(RESPONSE)).to_contain_text(TENANT_NAME)
    # GraphiQL writes its history and tabs right after the run.
    page.wait_for_function("() => localStorage.getItem('graphiql:queries') !== null")

    stored = page.evaluate("() => JSON.stringify(localStorage)")
    assert "Tenants" in stored  # the operation is remembered...
    assert TOKEN not in stored  # ...its token is not


def test_the_prefill_wins_over_tabs_restored_from_storage(
    page: Page, site: tuple[str, Seen]
) -> None:
    url, _ = site
    open_graphiql(page, f"{url}/plain")
    set_query(page, "{ __typename }")
    page.wait_for_function(
        "() => (localStorage.getItem('graphiql:tabState') || '').includes('__typename')"
    )

    open_graphiql(page, f"{url}/sandbox")

    assert query_text(page) == QUERY
    assert json.loads(open_tool_text(page)) == {"Authorization": f"Bearer {TOKEN}"}
    run(page)
    expect(page.locator(RESPONSE)).to_contain_text(TENANT_NAME)


def test_without_the_header_the_server_refuses(page: Page, site: tuple[str, Seen]) -> None:
    # The counterpart of the first test: the tenant name there is due to the header.
    url, _ = site
    open_graphiql(page, f"{url}/plain")
    set_query(page, QUERY)
    run(page)

    expect(page.locator(RESPONSE)).to_contain_text("missing or wrong token")
    expect(page.locator(RESPONSE)).not_to_contain_text(TENANT_NAME)


def test_a_closing_script_tag_in_the_query_stays_text(page: Page, site: tuple[str, Seen]) -> None:
    url, _ = site
    open_graphiql(page, f"{url}/hostile")

    assert query_text(page) == HOSTILE_QUERY
    assert page.evaluate("() => window.pwned") is None
