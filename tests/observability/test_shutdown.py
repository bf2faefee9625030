"""SIGTERM: the request in flight still completes; new connections are refused."""

from __future__ import annotations

import signal
import threading
import time

import httpx

from tests.observability.conftest import LIST, GatewayFactory, graphql, samples, value
from tests.servers import ServerProcess


def test_sigterm_lets_the_request_in_flight_finish(
    gateway_for: GatewayFactory, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    fault = {"endpoint": "tenant/list", "latency_ms": 2500}
    httpx.post(f"{clean_sandbox.url}/_sandbox/faults", json=fault).raise_for_status()
    with gateway_for("--grace-period", "20") as gateway:
        answers: list[httpx.Response] = []
        slow = threading.Thread(
            target=lambda: answers.append(graphql(gateway.url, LIST, token=demo_token))
        )
        slow.start()
        deadline = time.monotonic() + 10
        while value(samples(gateway.url), "omi_gateway_requests_in_flight") < 1:
            assert time.monotonic() < deadline, "the slow request never started"
            time.sleep(0.05)

        gateway.signal(signal.SIGTERM)
        refused = False
        while slow.is_alive() and not refused:
            try:
                httpx.get(f"{gateway.url}/healthz", timeout=1)
            except httpx.TransportError:
                refused = True
            time.sleep(0.05)
        slow.join(30)
        assert gateway.process is not None
        exit_status = gateway.process.wait(30)
        output = gateway.output()

    assert refused, "a new connection was still accepted during shutdown"
    assert len(answers) == 1
    assert answers[0].status_code == 200
    body = answers[0].json()
    assert "errors" not in body, body
    assert len(body["data"]["tenants"]["items"]) == 3
    assert exit_status == 0, output
    # The lifespan's exit ran: pools and the cache connection were closed.
    assert "Application shutdown complete" in output
