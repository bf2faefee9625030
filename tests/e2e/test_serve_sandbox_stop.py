"""Stopping ``omi-gateway serve --sandbox`` (``make run``): the gateway drains first, then
the embedded sandbox stops; no traceback, exit status 0.
"""

from __future__ import annotations

import re
import signal
import threading
import time

import httpx
import pytest

from tests.servers import ServerProcess, free_port

# ``balance`` is not in the list payload: each item's detail is read after the (slow)
# list answers, so the request still needs the sandbox after the signal.
QUERY = "query Balances { tenants(page: 1, size: 2) { items { id balance } } }"


def _printed_token(server: ServerProcess) -> str:
    deadline = time.monotonic() + 10
    while (match := re.search(r"Demo partner token: (\S+)", server.output())) is None:
        assert time.monotonic() < deadline, server.output()
        time.sleep(0.05)
    return match.group(1)


def _in_flight(url: str) -> float:
    text = httpx.get(f"{url}/metrics", timeout=5).text
    match = re.search(r"^omi_gateway_requests_in_flight (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_drains_the_gateway_before_the_sandbox(signum: int) -> None:
    sandbox_port = free_port()
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    with ServerProcess(
        ["serve", "--sandbox", "--sandbox-port", str(sandbox_port), "--grace-period", "20"],
        ready_path="/healthz",
    ) as server:
        token = _printed_token(server)
        fault = {"endpoint": "tenant/list", "latency_ms": 2000}
        httpx.post(f"{sandbox_url}/_sandbox/faults", json=fault).raise_for_status()
        answers: list[httpx.Response] = []
        slow = threading.Thread(
            target=lambda: answers.append(
                httpx.post(
                    f"{server.url}/graphql",
                    json={"query": QUERY},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=30,
                )
            )
        )
        slow.start()
        deadline = time.monotonic() + 10
        while _in_flight(server.url) < 1:
            assert time.monotonic() < deadline, "the slow request never started"
            time.sleep(0.05)

        server.signal(signum)
        slow.join(30)
        assert server.process is not None
        exit_status = server.process.wait(30)
        output = server.output()

    assert len(answers) == 1, output
    body = answers[0].json()
    assert answers[0].status_code == 200
    assert "errors" not in body, body
    items = body["data"]["tenants"]["items"]
    assert len(items) == 2
    assert all(isinstance(item["balance"], int) for item in items)
    assert exit_status == 0, output
    assert "Traceback" not in output
    assert "CancelledError" not in output
    # Both servers ran their lifespan's exit.
    assert output.count("Application shutdown complete") == 2, output
