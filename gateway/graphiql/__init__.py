"""GraphiQL in the browser at ``GET /graphql``, served entirely by the gateway.

``graphiql_html(...)`` renders the page (optionally prefilled with an operation and
headers, as sandbox mode does); ``static_routes()`` serves the vendored GraphiQL, React
and ReactDOM builds it loads, so it works where no CDN is reachable.
"""

from gateway.graphiql.assets import ASSETS_PATH, static_routes
from gateway.graphiql.page import graphiql_html

__all__ = ["ASSETS_PATH", "graphiql_html", "static_routes"]
