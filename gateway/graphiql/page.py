"""The GraphiQL page: loads the gateway's own copy of GraphiQL, with optional prefills."""

from __future__ import annotations

import json
from html import escape

from gateway.graphiql.assets import SCRIPTS, STYLESHEETS, asset_url

# In a <script> element only "</script" (and "<!--") can end the data early; escaping
# every "<", ">" and "&" as a JSON \u escape makes the block inert and still valid JSON.
_JSON_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def _script_json(value: object) -> str:
    """``value`` as JSON that is safe inside an HTML ``<script>`` element."""
    return json.dumps(value, ensure_ascii=False).translate(_JSON_ESCAPES)


def graphiql_html(
    *,
    endpoint: str,
    default_query: str | None = None,
    default_headers: dict[str, str] | None = None,
) -> str:
    """The HTML of a GraphiQL page that sends its operations to ``endpoint``.

    ``default_query`` fills the editor and ``default_headers`` the headers tab (shown
    open), both winning over tabs GraphiQL restored from the browser's storage. Headers
    are never persisted by default: the page may carry a partner's token. Assets come
    from ``static_routes()``; the page loads nothing from elsewhere and runs no inline
    script, the settings travel in a JSON data block.
    """
    config = {"endpoint": endpoint, "query": default_query, "headers": default_headers}
    stylesheets = "\n".join(
        f'    <link rel="stylesheet" href="{escape(asset_url(path))}">' for path in STYLESHEETS
    )
    scripts = "\n".join(
        f'    <script src="{escape(asset_url(path))}"></script>' for path in SCRIPTS
    )
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <title>omi-gateway · GraphiQL</title>
    <link rel="icon" href="data:,">
{stylesheets}
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <noscript>GraphiQL needs JavaScript. POST GraphQL to {escape(endpoint)} instead.</noscript>
    <script id="graphiql-config" type="application/json">{_script_json(config)}</script>
{scripts}
  </body>
</html>
"""
