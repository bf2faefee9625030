"""GraphiQL's vendored files served at /graphiql-assets, with types and cache headers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette

from gateway.graphiql import ASSETS_PATH, graphiql_html, static_routes
from gateway.graphiql.assets import STATIC_DIR
from tests.graphiql.loopback import serve

JS_TYPES = ("text/javascript", "application/javascript")


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    """An HTTP client for an app holding only ``static_routes()``, on loopback."""
    with serve(Starlette(routes=static_routes())) as url, httpx.Client(base_url=url) as http:
        yield http


def page_asset_urls() -> list[str]:
    html = graphiql_html(endpoint="/graphql")
    return re.findall(r'(?:src|href)="(/[^"]+)"', html)


def test_every_file_the_page_loads_is_served_with_its_type(client: httpx.Client) -> None:
    urls = page_asset_urls()
    assert len(urls) == 6

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        media_type = response.headers["content-type"].split(";")[0]
        if url.endswith(".js"):
            assert media_type in JS_TYPES, url
        else:
            assert url.endswith(".css")
            assert media_type == "text/css", url
        assert response.headers["x-content-type-options"] == "nosniff"
        on_disk = STATIC_DIR / url.removeprefix(ASSETS_PATH + "/")
        assert response.content == on_disk.read_bytes(), url


def test_the_bundles_are_the_real_builds(client: httpx.Client) -> None:
    graphiql = client.get("/graphiql-assets/graphiql-3.9.0/graphiql.min.js").text
    react = client.get("/graphiql-assets/react-18.3.1/react.production.min.js").text

    assert ".GraphiQL=t(e.React,e.ReactDOM)" in graphiql  # the UMD global the page uses
    assert "createFetcher" in graphiql
    assert "react.production.min.js" in react


def test_versioned_files_are_cached_for_a_year_our_own_are_revalidated(
    client: httpx.Client,
) -> None:
    vendored = client.get("/graphiql-assets/graphiql-3.9.0/graphiql.min.css")
    own = client.get("/graphiql-assets/omi/start.js")

    assert vendored.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert own.headers["cache-control"] == "no-cache"
    # Revalidation is cheap: the ETag answers 304 without the body.
    again = client.get(
        "/graphiql-assets/omi/start.js", headers={"If-None-Match": own.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["cache-control"] == "no-cache"


def test_licences_ship_beside_the_builds(client: httpx.Client) -> None:
    for folder in ("graphiql-3.9.0", "react-18.3.1", "react-dom-18.3.1"):
        response = client.get(f"/graphiql-assets/{folder}/LICENSE")
        assert response.status_code == 200
        assert "MIT License" in response.text


def test_unknown_and_escaping_paths_are_not_found(client: httpx.Client) -> None:
    assert client.get("/graphiql-assets/nope.js").status_code == 404
    missing = client.get("/graphiql-assets/graphiql-3.9.0/nope.js")
    assert missing.status_code == 404
    assert "cache-control" not in missing.headers
    assert client.get("/graphiql-assets/../assets.py").status_code == 404
    assert client.get("/graphiql-assets/%2e%2e/assets.py").status_code == 404
