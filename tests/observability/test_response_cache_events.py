"""A response-cache hit (gateway.fastpath) is counted and logged as one."""

from __future__ import annotations

import json
from typing import Any

from tests.observability.conftest import (
    DETAIL,
    LIST,
    GatewayFactory,
    graphql,
    samples,
    sandbox_calls,
    value,
)
from tests.servers import ServerProcess


def test_a_response_cache_hit_shows_in_metrics_and_the_log_line(
    gateway_for: GatewayFactory, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    with gateway_for("--log-format", "json") as gateway:
        listed = graphql(gateway.url, LIST, token=demo_token).json()["data"]["tenants"]["items"]
        variables = {"id": listed[0]["id"]}
        first = graphql(gateway.url, DETAIL, variables, token=demo_token)
        calls_after_first = sandbox_calls(clean_sandbox.url)
        second = graphql(
            gateway.url, DETAIL, variables, token=demo_token, headers={"X-Request-ID": "again"}
        )
        calls_after_second = sandbox_calls(clean_sandbox.url)
        found = samples(gateway.url)
        gateway.stop()
        output = gateway.output()

    assert first.json() == second.json()
    # Answered whole by the response cache: no upstream call, not even a detail read.
    assert calls_after_second == calls_after_first
    events = "omi_gateway_cache_events_total"
    assert value(found, events, result="response_hit") == 1
    assert value(found, events, result="miss") == 1  # the first detail read
    assert value(found, events, result="hit") == 0

    lines: dict[str, dict[str, Any]] = {}
    for line in output.splitlines():
        if line.startswith("{") and '"gateway.request"' in line:
            record = json.loads(line)
            lines[record["request_id"]] = record
    again = lines["again"]
    assert again["cache"] == {"response_hit": 1}
    assert again["operation"] == "OneTenant"
    assert again["upstream_calls"] == 0
    assert again["result"] == "ok"
