"""The GraphiQL page's HTML: prefills embedded inertly, every asset served locally."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from gateway.graphiql import ASSETS_PATH, graphiql_html


class _PageParser(HTMLParser):
    """Collects what a browser would act on: script elements, stylesheets, other URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.stylesheets: list[str] = []
        self._open_script: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            self._open_script = attributes
            self._text = []
        elif tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes["href"] or "")

    def handle_data(self, data: str) -> None:
        if self._open_script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open_script is not None:
            self.scripts.append((self._open_script, "".join(self._text)))
            self._open_script = None


def parse(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser


def config_of(parser: _PageParser) -> object:
    """The JSON config block, decoded as ``start.js`` does."""
    blocks = [text for attrs, text in parser.scripts if attrs.get("id") == "graphiql-config"]
    assert len(blocks) == 1
    return json.loads(blocks[0])


HOSTILE_QUERY = (
    "query Evil { tenants { items { fullName } } }\n# </script><script>window.pwned = 1</script>"
    "\n# <!-- <script> & \u2028 \"quotes\" 'single' `back` ${x}"
)


def test_query_and_headers_round_trip_through_the_config_block() -> None:
    headers = {"Authorization": "Bearer tok</script>en", "X-Odd": "<&>\"'"}
    parser = parse(
        graphiql_html(endpoint="/graphql", default_query=HOSTILE_QUERY, default_headers=headers)
    )

    assert config_of(parser) == {"endpoint": "/graphql", "query": HOSTILE_QUERY, "headers": headers}


def test_a_query_containing_a_closing_script_tag_stays_inert() -> None:
    html = graphiql_html(endpoint="/graphql", default_query=HOSTILE_QUERY)
    parser = parse(html)

    # Only the data block has content; every executable script is an external file.
    assert [attrs.get("id") for attrs, text in parser.scripts if text.strip()] == [
        "graphiql-config"
    ]
    assert all(attrs.get("src") for attrs, _ in parser.scripts if attrs.get("type") is None)
    assert "window.pwned" not in "".join(text for attrs, text in parser.scripts if attrs.get("src"))
    # The raw markup never holds the hostile sequences a browser's tokenizer reacts to.
    body = html.split('id="graphiql-config"', 1)[1].split("</script>", 1)[0]
    assert "<" not in body.removeprefix(' type="application/json">')
    assert "<!--" not in html


def test_without_prefills_the_config_says_so() -> None:
    parser = parse(graphiql_html(endpoint="https://gw.example/graphql"))

    assert config_of(parser) == {
        "endpoint": "https://gw.example/graphql",
        "query": None,
        "headers": None,
    }


def test_every_asset_is_served_by_the_gateway_no_cdn() -> None:
    html = graphiql_html(endpoint="/graphql", default_query="{ __typename }")
    parser = parse(html)
    script_urls = [attrs["src"] or "" for attrs, _ in parser.scripts if "src" in attrs]

    assert script_urls, "the page loads its scripts"
    assert parser.stylesheets, "the page loads its stylesheets"
    for url in [*script_urls, *parser.stylesheets]:
        assert url.startswith(ASSETS_PATH + "/"), url
    # No absolute URL anywhere (unpkg, jsdelivr, fonts...): only the endpoint we gave.
    assert re.findall(r"(?:https?:)?//[\w.-]+", html) == []
    # Order matters for UMD builds: React, ReactDOM, then GraphiQL, then our start script.
    names = [url.rsplit("/", 1)[1] for url in script_urls]
    assert names == [
        "react.production.min.js",
        "react-dom.production.min.js",
        "graphiql.min.js",
        "start.js",
    ]
