"""``serve --sandbox`` (``make run``) at debug level prints no API key after its banner.

The banner lists the sandbox's demo partners with their keys on purpose (they are the
simulator's public fixtures). After it, nothing may: not a key sent to the embedded
sandbox's ``/api/auth?apiKey=`` (its access log), not a tenant's API key read through
the gateway.
"""

from __future__ import annotations

import re
import secrets
import time

import httpx

from tests.servers import ServerProcess, free_port

DEMO_KEY = "demo-partner-key"
BANNER_START = "OMI sandbox: partners"
BANNER_END = "Admin routes on:"


def test_no_api_key_reaches_the_output_in_embedded_mode() -> None:
    sandbox_port = free_port()
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    made_up = f"made-up-{secrets.token_hex(8)}"
    with ServerProcess(
        ["serve", "--sandbox", "--sandbox-port", str(sandbox_port), "--log-level", "debug"],
        ready_path="/healthz",
    ) as server:
        deadline = time.monotonic() + 10
        while (match := re.search(r"Demo partner token: (\S+)", server.output())) is None:
            assert time.monotonic() < deadline, server.output()
            time.sleep(0.05)
        token = match.group(1)
        for key in (DEMO_KEY, made_up):
            httpx.get(f"{sandbox_url}/api/auth", params={"apiKey": key})
        answer = httpx.post(
            f"{server.url}/graphql",
            json={"query": "{ tenants(size: 2) { items { id apiKey } } }"},
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        tenant_keys = [item["apiKey"] for item in answer["data"]["tenants"]["items"]]
        server.stop()
        output = server.output()

    assert all(tenant_keys), answer
    start, end = output.index(BANNER_START), output.index(BANNER_END)
    banner, rest = output[start:end], output[:start] + output[end:]
    assert DEMO_KEY in banner  # the banner is where the demo keys are shown
    for key in (DEMO_KEY, made_up, *tenant_keys):
        assert key not in rest, key
    assert made_up not in banner
    assert not re.search(r"apiKey=(?!\[redacted\]|\*\*\*)", output), output
