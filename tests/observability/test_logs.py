"""The request log line: one per GraphQL request, its fields, JSON mode, redaction."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import httpx

from tests.observability.conftest import DETAIL, LIST, GatewayFactory, graphql
from tests.servers import ServerProcess

CREATE = """
mutation Create($input: CreateTenantInput!) {
  createTenant(input: $input) { __typename ... on TenantCreated { id } }
}
"""
TOP_UP = """
mutation TopUp($input: TopUpInput!) {
  topUp(input: $input) { __typename }
}
"""
SECRET_DETAIL = "query Secret($id: ID!) { tenant(id: $id) { id apiKey } }"


def _request_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if " gateway.request " in line]


def test_text_line_per_request_with_its_fields(
    gateway_for: GatewayFactory, demo_token: str
) -> None:
    with gateway_for() as gateway:
        mine = graphql(gateway.url, LIST, token=demo_token, headers={"X-Request-ID": "trace-me-42"})
        made = graphql(gateway.url, LIST, token=demo_token)
        refused = graphql(gateway.url, LIST)  # no token
        long_id = "x" * 300
        cut = graphql(gateway.url, LIST, token=demo_token, headers={"X-Request-ID": long_id})
        httpx.get(f"{gateway.url}/healthz").raise_for_status()
        httpx.get(f"{gateway.url}/metrics").raise_for_status()
        gateway.stop()
        lines = _request_lines(gateway.output())

    assert mine.headers["x-request-id"] == "trace-me-42"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    assert cut.headers["x-request-id"] == "x" * 128
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert len(lines) == 4, lines  # health and metrics are not logged
    first = lines[0]
    for part in (
        "request_id=trace-me-42",
        "operation=ListTenants",
        "operation_type=query",
        "status=200",
        "upstream=tenant/list:200:",
        "upstream_calls=1",
        "result=ok",
    ):
        assert part in first, (part, first)
    assert re.search(r"duration_ms=\d+(\.\d)?", first)
    assert f"request_id={made.headers['x-request-id']}" in lines[1]
    assert "result=UNAUTHENTICATED" in lines[2]
    assert "upstream_calls=0" in lines[2]


def test_json_lines_parse_and_never_hold_a_secret(
    gateway_for: GatewayFactory, clean_sandbox: ServerProcess, demo_token: str
) -> None:
    password = f"Pw!{uuid.uuid4().hex[:10]}Aa9"
    bogus = f"forged-{uuid.uuid4().hex}"
    with gateway_for("--log-format", "json", "--log-level", "debug") as gateway:
        url = gateway.url
        listed = graphql(url, LIST, token=demo_token).json()["data"]["tenants"]["items"]
        tenant_id, email = listed[0]["id"], listed[0]["email"]
        api_key = graphql(url, SECRET_DETAIL, {"id": tenant_id}, token=demo_token).json()
        api_key = api_key["data"]["tenant"]["apiKey"]
        assert api_key
        new = {
            "email": f"owner-{uuid.uuid4().hex[:10]}@example.vn",
            "password": password,
            "fullName": "Công ty Nhật ký",
            "ownerName": "Trần Văn Ghi",
            "phone": "0901234567",
        }
        created = graphql(url, CREATE, {"input": new}, token=demo_token).json()
        assert created["data"]["createTenant"]["__typename"] == "TenantCreated"
        weak = graphql(url, CREATE, {"input": {**new, "password": password[:5]}}, token=demo_token)
        assert weak.status_code == 200
        top_up = {"email": email, "amount": 1000, "description": "log test"}
        assert graphql(url, TOP_UP, {"input": top_up}, token=demo_token).status_code == 200
        assert graphql(url, LIST, token=bogus).json()["errors"]
        fault = {"endpoint": "tenant/info", "mode": "garbage"}
        httpx.post(f"{clean_sandbox.url}/_sandbox/faults", json=fault).raise_for_status()
        broken = graphql(url, DETAIL, {"id": listed[1]["id"]}, token=demo_token).json()
        assert broken["errors"]
        gateway.stop()
        output = gateway.output()

    records: list[dict[str, Any]] = []
    for line in output.splitlines():
        if not line.strip() or line.startswith("GraphQL endpoint:"):
            continue
        records.append(json.loads(line))  # every log line is one JSON object
    requests = [r for r in records if r["logger"] == "gateway.request"]
    assert len(requests) == 7
    assert [r["operation"] for r in requests] == [
        "ListTenants",
        "Secret",
        "Create",
        "Create",
        "TopUp",
        "ListTenants",
        "OneTenant",
    ]
    first = requests[0]
    assert first["operation_type"] == "query"
    assert first["result"] == "ok"
    assert first["upstream"][0]["endpoint"] == "tenant/list"
    assert first["upstream"][0]["outcome"] == "200"
    assert isinstance(first["duration_ms"], float | int)
    assert re.fullmatch(r"[0-9a-f]{32}", first["request_id"])
    assert requests[2]["operation_type"] == "mutation"
    assert requests[5]["result"] != "ok"
    assert requests[5]["upstream"][0]["outcome"] == "401"
    assert requests[6]["result"] != "ok"

    for secret in (demo_token, password, api_key, bogus):
        assert secret not in output
