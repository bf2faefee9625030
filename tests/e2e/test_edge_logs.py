"""Never logged: the bearer token, passwords, tenants' API keys (issue 5).

A real ``serve`` process with debug logging and a planted bug serves a whole session:
create, list, detail, top-up, and failures (a masked crash, OMI answering 503, a wrong
token, invalid input, refused hostile requests). Its whole output is then searched for
every secret the session handled.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.edge_support import CRASH_HOOK, gateway_process, post_json
from tests.e2e.test_mutations import CREATE, DESCRIPTION, TOP_UP
from tests.servers import ServerProcess

Fault = Callable[..., None]
DETAIL = "query($id: ID!) { tenant(id: $id) { id fullName email balance status } }"
LIST = "{ tenants(size: 3) { items { id email fullName balance } } }"


@pytest.fixture(scope="module")
def debug_gateway(sandbox: ServerProcess) -> Iterator[ServerProcess]:
    """``serve --log-level debug`` with the planted bug of ``crash_hook``."""
    env = {"PYTHONPATH": CRASH_HOOK, "OMI_GATEWAY_RETRIES": "0"}
    with gateway_process(sandbox.url, "--log-level", "debug", env=env) as server:
        yield server


def _api_key(sandbox: ServerProcess, token: str, tenant_id: str) -> str:
    # Straight from the sandbox: what OMI would tell the gateway about this tenant.
    response = httpx.get(
        f"{sandbox.url}/api/partner/tenant/info",
        params={"id": tenant_id},
        headers={"Authorization": f"Bearer {token}"},
    )
    key: str = response.json()["payload"]["api_key"]
    return key


def _gql(
    url: str, token: str, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = post_json(
        url, {"query": query, "variables": variables or {}}, token=token
    ).json()
    return body


def test_a_whole_session_logs_no_secret(
    debug_gateway: ServerProcess, sandbox: ServerProcess, demo_token: str, fault: Fault
) -> None:
    url = debug_gateway.url
    password = f"Pw{uuid.uuid4().hex[:12]}9!"
    email = f"owner-{uuid.uuid4().hex[:10]}@example.vn"
    new = {
        "email": email,
        "password": password,
        "fullName": "Công ty TNHH Nhật ký",
        "ownerName": "Lê Văn Log",
        "phone": "0901234567",
    }
    created = _gql(url, demo_token, CREATE, {"input": new})["data"]["createTenant"]
    assert created["__typename"] == "TenantCreated"

    items = _gql(url, demo_token, LIST)["data"]["tenants"]["items"]
    ids = [created["id"], *(item["id"] for item in items)]
    for tenant_id in ids:
        assert _gql(url, demo_token, DETAIL, {"id": tenant_id})["data"]["tenant"]["id"] == tenant_id
    api_keys = [_api_key(sandbox, demo_token, tenant_id) for tenant_id in ids]

    top_up = {"input": {"email": email, "amount": 20_000, "description": DESCRIPTION}}
    assert _gql(url, demo_token, TOP_UP, top_up)["data"]["topUp"]["__typename"] == "TopUpSucceeded"

    # Failures: a planted bug, OMI down, a wrong token, invalid input, hostile requests.
    crash = _gql(url, demo_token, '{ tenants(keyword: "__crash__") { items { id } } }')
    assert crash["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    fault(endpoint="tenant/list", http_status=503, times=1)
    down = _gql(url, demo_token, LIST)
    assert down["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    wrong_token = f"wrong-{uuid.uuid4().hex}"
    assert _gql(url, wrong_token, LIST)["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    weak = {**new, "email": "not-an-email", "password": f"{password}"[:5]}
    invalid = _gql(url, demo_token, CREATE, {"input": weak})["data"]["createTenant"]
    assert invalid["__typename"] == "InvalidInput"
    twice = _gql(url, demo_token, CREATE, {"input": new})["data"]["createTenant"]
    assert twice["__typename"] == "EmailAlreadyRegistered"
    hostile_get = httpx.get(
        f"{url}/graphql",
        params={"query": CREATE, "variables": json.dumps({"input": new})},
        headers={"Authorization": f"Bearer {demo_token}", "Apollo-Require-Preflight": "1"},
    )
    assert hostile_get.status_code == 400
    csrf = httpx.post(
        f"{url}/graphql",
        content=json.dumps({"query": CREATE, "variables": {"input": new}}),
        headers={"Authorization": f"Bearer {demo_token}", "Content-Type": "text/plain"},
    )
    assert csrf.status_code == 400

    log = debug_gateway.output()
    # The session was logged, at debug level, with the crash's trace (redacted).
    assert log.count("graphql request") >= 10
    assert " DEBUG " in log
    assert "RuntimeError: injected bug" in log
    assert "[redacted]" in log
    for name, secret in [
        ("the bearer token", demo_token),
        ("a wrong token", wrong_token),
        ("the new tenant's password", password),
        *((f"the API key of tenant {i}", key) for i, key in zip(ids, api_keys, strict=True)),
    ]:
        assert secret not in log, f"{name} is in the log"
