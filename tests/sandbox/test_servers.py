"""Sandboxes started with their own options: activation, token expiry, start-up faults,
environment variables, no admin routes, the banner, and stopping."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import DEMO_KEY, OTHER_KEY
from tests.sandbox.helpers import add_tenant, call, code, get_token
from tests.servers import ServerProcess, free_port


@pytest.fixture(scope="module")
def slow_sandbox() -> Iterator[ServerProcess]:
    """No admin routes, tenants activate after 1 s, tokens live 1 s."""
    with ServerProcess(
        ["sandbox", "--activation-delay", "1", "--token-ttl", "1"], ready_path="/openapi.json"
    ) as server:
        yield server


def test_without_admin_there_are_no_sandbox_routes(slow_sandbox: ServerProcess) -> None:
    for method in ("GET", "POST", "DELETE"):
        for path in ("/_sandbox/faults", "/_sandbox/stats"):
            assert httpx.request(method, slow_sandbox.url + path).status_code == 404
    paths = httpx.get(f"{slow_sandbox.url}/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith("/_sandbox")]
    assert len(paths) == 5


def test_a_new_tenant_activates_after_the_delay(slow_sandbox: ServerProcess) -> None:
    token = get_token(slow_sandbox.url)
    tenant_id, email = add_tenant(slow_sandbox.url, token, isAutoActive=False)
    pending = call(slow_sandbox.url, token, "tenant/info", params={"id": tenant_id}).json()
    detail = pending["payload"]
    assert detail["status"] == "pending"
    assert detail["public_numbers"] == []
    assert detail["balance"] == 0
    assert detail["effective_date"] is None
    assert detail["service_package"]["code_name"] == "trial"
    listed = call(
        slow_sandbox.url,
        token,
        "tenant/list",
        params={"size": 5, "page": 1},
        json={"keyword": email},
    ).json()["payload"]["items"]
    assert [i["status"] for i in listed] == ["pending"]
    time.sleep(1.2)
    token = get_token(slow_sandbox.url)  # the first one has expired by now
    active = call(slow_sandbox.url, token, "tenant/info", params={"id": tenant_id}).json()
    detail = active["payload"]
    assert detail["status"] == "activated"
    assert detail["effective_date"] >= 10**12
    assert detail["public_numbers"][0]["status"] == "active"


def test_an_expired_token_is_a_401_with_token_expired(slow_sandbox: ServerProcess) -> None:
    token = get_token(slow_sandbox.url)
    fresh = call(slow_sandbox.url, token, "tenant/list", params={"size": 1, "page": 1})
    assert fresh.json()["status_code"] == 9999
    time.sleep(1.2)
    expired = call(slow_sandbox.url, token, "tenant/list", params={"size": 1, "page": 1})
    assert expired.status_code == 401
    assert expired.json()["status_code"] == -9999
    assert expired.json()["message"] == "token_expired"
    # A new token works again.
    renewed = get_token(slow_sandbox.url)
    again = call(slow_sandbox.url, renewed, "tenant/list", params={"size": 1, "page": 1})
    assert again.json()["status_code"] == 9999


def test_faults_given_on_the_command_line() -> None:
    args = [
        "sandbox",
        "--admin",
        "--activation-delay",
        "0",
        "--fault",
        "tenant/info:http_status=503,times=1",
        "--fault",
        "tenant/list:omi_code=rate_limit_exceeded",
    ]
    with ServerProcess(args, ready_path="/openapi.json") as server:
        token = get_token(server.url)
        tenant_id, _ = add_tenant(server.url, token)
        first = call(server.url, token, "tenant/info", params={"id": tenant_id})
        second = call(server.url, token, "tenant/info", params={"id": tenant_id})
        assert first.status_code == 503
        assert second.json()["payload"]["status"] == "activated"
        listing = call(server.url, token, "tenant/list", params={"size": 1, "page": 1})
        assert code(listing) == "rate_limit_exceeded"
        listed = httpx.get(f"{server.url}/_sandbox/faults").json()["faults"]
        assert [(f["endpoint"], f["omi_code"]) for f in listed] == [
            ("tenant/list", "rate_limit_exceeded")
        ]
        assert "Fault active from start" in server.output()


def test_environment_variables_and_a_stop_with_a_hanging_request() -> None:
    env = {
        "OMI_SANDBOX_ADMIN": "1",
        "OMI_SANDBOX_FAULTS": "auth:omi_code=rate_limit_exceeded,times=1;tenant/list:mode=hang",
        "OMI_SANDBOX_TOKEN_TTL": "60",
    }
    server = ServerProcess(["sandbox"], ready_path="/openapi.json", env=env)
    with server:
        first = call(server.url, None, "auth", params={"apiKey": DEMO_KEY})
        assert code(first) == "rate_limit_exceeded"
        token = get_token(server.url)
        assert "valid 60 s" in server.output()
        outcomes: list[object] = []

        def hang() -> None:
            try:
                response = call(
                    server.url, token, "tenant/list", params={"size": 1, "page": 1}, timeout=30
                )
                outcomes.append(response.status_code)
            except httpx.TransportError as exc:
                outcomes.append(exc)

        waiting = threading.Thread(target=hang)
        waiting.start()
        time.sleep(0.3)  # let the request reach the server
        # uvicorn's graceful shutdown gives up on the hanging request: it exits on the
        # SIGTERM (re-raised after its shutdown), not on the SIGKILL stop() falls back to.
        assert server.stop(timeout=8) == -signal.SIGTERM
        assert "Finished server process" in server.output()
        waiting.join(10)
        # The cancelled request ends with uvicorn's own 500 (or a closed connection),
        # never with an OMI answer.
        assert len(outcomes) == 1
        assert outcomes[0] == 500 or isinstance(outcomes[0], httpx.TransportError)


def test_a_bad_option_exits_with_status_2() -> None:
    for bad in (["--fault", "tenant/info"], ["--activation-delay", "10-3"], ["--fault", "x:y=1"]):
        result = subprocess.run(
            [sys.executable, "-m", "gateway", "sandbox", "--port", str(free_port()), *bad],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert result.returncode == 2, result.stderr
        assert "omi-gateway sandbox:" in result.stderr


def test_the_banners_tokens_work_and_keys_stay_out_of_the_log(sandbox: ServerProcess) -> None:
    get_token(sandbox.url, OTHER_KEY)  # an auth call, so the access log has one
    output = sandbox.output()
    assert f"api key: {DEMO_KEY}" in output
    assert f"api key: {OTHER_KEY}" in output
    tokens = re.findall(r"token:\s+(\S+)", output)
    assert len(tokens) == 3
    answers = [
        call(sandbox.url, token, "tenant/list", params={"size": 1, "page": 1}) for token in tokens
    ]
    assert [a.json()["status_code"] for a in answers[:2]] == [9999, 9999]
    assert code(answers[2]) == "tenant_invalid"  # the suspended partner's
    assert "/api/auth?apiKey=***" in output
    assert f"apiKey={OTHER_KEY}" not in output
