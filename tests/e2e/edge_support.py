"""Gateways with tight or open edge settings, and helpers for raw HTTP at ``/graphql``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.servers import ServerProcess

ALLOWED_ORIGIN = "https://app.example"
CRASH_HOOK = str(Path(__file__).parent / "crash_hook")

# Small limits so that both sides of each are cheap to show.
TIGHT_ENV = {
    "OMI_GATEWAY_MAX_DEPTH": "1",
    "OMI_GATEWAY_MAX_ALIASES": "2",
    "OMI_GATEWAY_MAX_TOKENS": "60",
    "OMI_GATEWAY_MAX_DOCUMENT_CHARS": "300",
    "OMI_GATEWAY_MAX_BODY_BYTES": "2048",
    "OMI_GATEWAY_MAX_BATCH": "2",
    "OMI_GATEWAY_CORS_ORIGINS": f"{ALLOWED_ORIGIN}, https://other.example",
    "OMI_GATEWAY_CACHE_TTL": "0",
}


@contextmanager
def gateway_process(
    sandbox_url: str, *args: str, env: dict[str, str] | None = None
) -> Iterator[ServerProcess]:
    """``serve --upstream <sandbox> ARGS`` with ``env``, stopped on exit."""
    with ServerProcess(
        ["serve", "--upstream", sandbox_url, *args], ready_path="/healthz", env=env
    ) as server:
        yield server


def post_json(
    url: str, body: Any, *, token: str | None = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    """POST ``body`` as JSON to ``url``/graphql."""
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    return httpx.post(f"{url}/graphql", json=body, headers=sent, timeout=30)


def error_codes(response: httpx.Response) -> list[str]:
    """``extensions.code`` of each error of a JSON error response (not a batch)."""
    body = response.json()
    return [error["extensions"]["code"] for error in body.get("errors") or []]


def messages(response: httpx.Response) -> list[str]:
    """The message of each error of a JSON error response (not a batch)."""
    return [error["message"] for error in response.json().get("errors") or []]
