"""GraphiQL's files, served by the gateway itself: no CDN is reachable on many clusters.

The vendored builds sit in ``static/<package>-<version>/`` (see ``VENDORED.md``), so a
new version is a new URL and those files can be cached for a year. The gateway's own
``static/omi/`` files keep their URL across releases, so browsers revalidate them.
"""

from __future__ import annotations

from pathlib import Path

from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

ASSETS_PATH = "/graphiql-assets"
"""Where ``static_routes()`` mounts the files, and where the page loads them from."""

STATIC_DIR = Path(__file__).parent / "static"

VERSIONED_DIRS = frozenset({"graphiql-3.9.0", "react-18.3.1", "react-dom-18.3.1"})
"""Vendored folders named after the exact package version they hold."""

STYLESHEETS = ("graphiql-3.9.0/graphiql.min.css", "omi/page.css")
"""Stylesheets of the page, in order, relative to ``ASSETS_PATH``."""

SCRIPTS = (
    "react-18.3.1/react.production.min.js",
    "react-dom-18.3.1/react-dom.production.min.js",
    "graphiql-3.9.0/graphiql.min.js",
    "omi/start.js",
)
"""Scripts of the page, in load order (GraphiQL's UMD build needs React first)."""

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


def asset_url(path: str) -> str:
    """The URL of a file under ``static/``, e.g. ``asset_url("omi/start.js")``."""
    return f"{ASSETS_PATH}/{path}"


class AssetFiles(StaticFiles):
    """``StaticFiles`` with a ``Cache-Control`` chosen by folder (see module docstring)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        """Serve ``path`` as ``StaticFiles`` does, then set its caching policy."""
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            top = Path(path).parts[0] if Path(path).parts else ""
            response.headers["Cache-Control"] = IMMUTABLE if top in VERSIONED_DIRS else REVALIDATE
            response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def static_routes() -> list[BaseRoute]:
    """The routes serving GraphiQL's files at ``ASSETS_PATH``; add them to the app."""
    return [Mount(ASSETS_PATH, app=AssetFiles(directory=STATIC_DIR), name="graphiql-assets")]
