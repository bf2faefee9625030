"""The response cache sits in front of CORS, the body limit and CSRF (issue 7): through
a real gateway, a cached answer still carries CORS's headers for the Origin it is asked
from, and a body the limit refuses is refused even when its query is cached.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.test_cache import DETAIL, first_tenant, info_calls, start_gateway
from tests.servers import ServerProcess

ALLOWED = "https://app.example.com"
OTHER = "https://elsewhere.example.com"
LIMIT = 2048


@pytest.fixture
def gateway(clean_sandbox: ServerProcess) -> Iterator[ServerProcess]:
    with start_gateway(
        clean_sandbox.url,
        OMI_GATEWAY_CORS_ORIGINS=ALLOWED,
        OMI_GATEWAY_MAX_BODY_BYTES=str(LIMIT),
    ) as server:
        yield server


def _post(
    gateway: ServerProcess, token: str, body: bytes, origin: str | None = None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if origin is not None:
        headers["Origin"] = origin
    return httpx.post(f"{gateway.url}/graphql", content=body, headers=headers, timeout=30)


def _detail(tenant_id: str, padding: int = 0) -> bytes:
    # White space after the JSON: the same canonical request, a longer body.
    return json.dumps({"query": DETAIL, "variables": {"id": tenant_id}}).encode() + b" " * padding


def test_a_cached_answer_has_the_cors_headers_of_its_origin(
    gateway: ServerProcess, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    tenant_id = first_tenant(gateway, demo_token)["id"]
    body = _detail(tenant_id)
    for origin in (ALLOWED, None, OTHER):
        first = _post(gateway, demo_token, body, origin)
        again = _post(gateway, demo_token, body, origin)
        assert (first.status_code, again.status_code) == (200, 200)
        assert (first.headers["x-response-cache"], again.headers["x-response-cache"]) == (
            "MISS",
            "HIT",
        )
        allowed = again.headers.get("access-control-allow-origin")
        assert allowed == (ALLOWED if origin == ALLOWED else None)
        assert first.headers.get("access-control-allow-origin") == allowed
        assert first.headers.get("vary") == again.headers.get("vary")
        assert again.json()["data"] == first.json()["data"]
    assert info_calls(clean_sandbox) == 1  # the detail cache served the other origins


def test_a_body_over_the_limit_is_refused_even_when_its_query_is_cached(
    gateway: ServerProcess, demo_token: str
) -> None:
    tenant_id = first_tenant(gateway, demo_token)["id"]
    small = _detail(tenant_id)
    assert _post(gateway, demo_token, small).status_code == 200
    assert _post(gateway, demo_token, small).headers["x-response-cache"] == "HIT"
    padded = _post(gateway, demo_token, _detail(tenant_id, padding=LIMIT))
    assert padded.status_code == 413
    assert padded.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    # Within the limit, the same request with other white space is the same answer.
    near = _post(gateway, demo_token, _detail(tenant_id, padding=LIMIT - len(small) - 10))
    assert (near.status_code, near.headers["x-response-cache"]) == (200, "HIT")
