"""The request log line's ``result`` for requests that never reach execution: parse
errors, and requests refused at the HTTP level (the edge's 400s, the body limit's 413).
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.observability.conftest import GatewayFactory, samples, value

JSON = {"Content-Type": "application/json"}


def _request_lines(output: str) -> dict[str, dict[str, Any]]:
    """The JSON request log lines by request id."""
    found: dict[str, dict[str, Any]] = {}
    for line in output.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record["logger"] == "gateway.request":
                found[record["request_id"]] = record
    return found


def test_parse_errors_and_refusals_are_logged_with_what_the_caller_got(
    gateway_for: GatewayFactory, demo_token: str
) -> None:
    auth = {"Authorization": f"Bearer {demo_token}"}
    sent: dict[str, httpx.Response] = {}
    with gateway_for("--log-format", "json", env={"OMI_GATEWAY_MAX_BODY_BYTES": "2048"}) as gateway:
        url = f"{gateway.url}/graphql"

        def post(request_id: str, **kwargs: Any) -> None:
            headers = {**JSON, **auth, **kwargs.pop("headers", {}), "X-Request-ID": request_id}
            sent[request_id] = httpx.post(url, headers=headers, timeout=10, **kwargs)

        post("parse", json={"query": "query Broken { tenants("})
        post("valid", json={"query": "query Fine { __typename }"})
        post("bad-json", content=b'{"query": ')
        post("no-query", json={"variables": {}})
        post("too-big", json={"query": "{ __typename }", "pad": "x" * 4096})
        post("csrf", content=b'{"query":"{ __typename }"}', headers={"Content-Type": "text/plain"})
        sent["get-mutation"] = httpx.get(
            url,
            params={"query": "mutation { __typename }"},
            headers={**auth, "Apollo-Require-Preflight": "1", "X-Request-ID": "get-mutation"},
        )
        found = samples(gateway.url)
        gateway.stop()
        lines = _request_lines(gateway.output())

    statuses = {request_id: response.status_code for request_id, response in sent.items()}
    assert statuses == {
        "parse": 200,
        "valid": 200,
        "bad-json": 400,
        "no-query": 400,
        "too-big": 413,
        "csrf": 400,
        "get-mutation": 400,
    }
    assert set(lines) == set(sent), lines  # a refused GET is logged too
    for request_id, response in sent.items():
        assert lines[request_id]["status"] == response.status_code

    assert lines["parse"]["result"] == "GRAPHQL_PARSE_FAILED"
    assert lines["parse"]["operation_type"] == "unknown"
    assert lines["valid"]["result"] == "ok"
    # The edge's view codes its refusals; the HTTP middleware's fall back to the status.
    assert lines["bad-json"]["result"] == "BAD_REQUEST"
    assert lines["no-query"]["result"] == "BAD_REQUEST"
    assert lines["get-mutation"]["result"] == "BAD_REQUEST"
    assert lines["too-big"]["result"] == "PAYLOAD_TOO_LARGE"
    assert lines["csrf"]["result"] == "BAD_REQUEST"
    for request_id, response in sent.items():
        code = response.json()["errors"][0]["extensions"]["code"] if response.is_error else None
        if code is not None:
            assert lines[request_id]["result"] in (code, f"http_{response.status_code}")

    requests = "omi_gateway_requests_total"
    assert value(found, requests, operation="anonymous", outcome="GRAPHQL_PARSE_FAILED") == 1
    assert value(found, requests, operation="unknown", outcome="BAD_REQUEST") >= 3
