"""The ``ceiling`` case: a plain Starlette endpoint answering prepared bytes from memory.

The bytes are the very response our gateway (or, before it exists, the ``naive`` one)
gave to the benchmark's detail query; the harness writes them to the file named by
``BENCH_CEILING_BODY``. Nothing is parsed or executed per request: this is the most a
single uvicorn worker can serve on this machine, the yardstick for every other case.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def create_app() -> Starlette:
    """The app, for ``uvicorn --factory bench.ceiling_app:create_app``."""
    body = Path(os.environ["BENCH_CEILING_BODY"]).read_bytes()

    async def prepared(request: Request) -> Response:
        return Response(body, media_type="application/json")

    async def healthz(request: Request) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    return Starlette(
        routes=[
            Route("/graphql", prepared, methods=["GET", "POST"]),
            Route("/healthz", healthz),
        ]
    )
