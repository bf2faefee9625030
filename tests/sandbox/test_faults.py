"""Fault injection and call counts on the session sandbox (faults cleared by clean_sandbox)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.conftest import DEMO_KEY
from tests.sandbox.helpers import DESCRIPTION, add_tenant, call, code, new_tenant_body
from tests.servers import ServerProcess


def add_fault(server: ServerProcess, **fault: Any) -> dict[str, Any]:
    response = httpx.post(f"{server.url}/_sandbox/faults", json=fault)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def faults(server: ServerProcess) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = httpx.get(f"{server.url}/_sandbox/faults").json()["faults"]
    return listed


def balance(server: ServerProcess, token: str, tenant_id: str) -> int:
    detail = call(server.url, token, "tenant/info", params={"id": tenant_id}).json()
    value: int = detail["payload"]["balance"]
    return value


def top_up_body(email: str, amount: int = 20_000) -> dict[str, Any]:
    return {"email": email, "amount": amount, "description": DESCRIPTION}


def test_latency_still_answers_correctly(clean_sandbox: ServerProcess, demo_token: str) -> None:
    add_fault(clean_sandbox, endpoint="*", latency_ms=30)
    response = call(clean_sandbox.url, demo_token, "tenant/list", params={"size": 2, "page": 1})
    assert response.json()["status_code"] == 9999
    assert len(response.json()["payload"]["items"]) == 2


@pytest.mark.parametrize("status", [500, 502, 503])
def test_http_status_fault(clean_sandbox: ServerProcess, demo_token: str, status: int) -> None:
    add_fault(clean_sandbox, endpoint="tenant/add", http_status=status)
    body = new_tenant_body()
    response = call(clean_sandbox.url, demo_token, "tenant/add", json=body)
    assert response.status_code == status
    with pytest.raises(json.JSONDecodeError):
        response.json()
    # Other endpoints are untouched, and the faulted create changed nothing.
    httpx.delete(f"{clean_sandbox.url}/_sandbox/faults").raise_for_status()
    again = call(clean_sandbox.url, demo_token, "tenant/add", json=body)
    assert again.json()["status_code"] == 9999


def test_omi_code_fault_reaches_create_tenant_error(
    clean_sandbox: ServerProcess, demo_token: str
) -> None:
    add_fault(clean_sandbox, endpoint="tenant/add", omi_code="create_tenant_error")
    body = new_tenant_body()
    assert code(call(clean_sandbox.url, demo_token, "tenant/add", json=body)) == (
        "create_tenant_error"
    )
    httpx.delete(f"{clean_sandbox.url}/_sandbox/faults").raise_for_status()
    assert call(clean_sandbox.url, demo_token, "tenant/add", json=body).json()["status_code"] == (
        9999
    )


def test_omi_code_with_http_status(clean_sandbox: ServerProcess) -> None:
    add_fault(clean_sandbox, endpoint="auth", omi_code="rate_limit_exceeded", http_status=429)
    response = call(clean_sandbox.url, None, "auth", params={"apiKey": DEMO_KEY})
    assert response.status_code == 429
    assert response.json()["message"] == "rate_limit_exceeded"


def test_hang_fires_the_clients_timeout(clean_sandbox: ServerProcess, demo_token: str) -> None:
    add_fault(clean_sandbox, endpoint="tenant/list", mode="hang")
    with pytest.raises(httpx.ReadTimeout):
        call(
            clean_sandbox.url, demo_token, "tenant/list", params={"size": 1, "page": 1}, timeout=0.3
        )
    # Only that endpoint hangs.
    assert call(clean_sandbox.url, None, "auth", params={"apiKey": DEMO_KEY}).status_code == 200


def test_drop_closes_the_connection_and_changes_nothing(
    clean_sandbox: ServerProcess, demo_token: str
) -> None:
    tenant_id, email = add_tenant(clean_sandbox.url, demo_token)
    add_fault(clean_sandbox, endpoint="tenant/update_balance", mode="drop")
    with pytest.raises(httpx.RemoteProtocolError):
        call(clean_sandbox.url, demo_token, "tenant/update_balance", json=top_up_body(email))
    assert balance(clean_sandbox, demo_token, tenant_id) == 0


def test_every_drop_is_a_close_without_answer_never_a_reset(
    clean_sandbox: ServerProcess, demo_token: str
) -> None:
    # Closing the socket with the request's body still unread made the kernel send a RST
    # (httpx.ReadError, "connection reset") about once in 15 drops instead of a FIN.
    tenant_id, email = add_tenant(clean_sandbox.url, demo_token)
    add_fault(clean_sandbox, endpoint="tenant/update_balance", mode="drop")
    seen = []
    for _ in range(50):
        with pytest.raises(httpx.TransportError) as caught:
            call(clean_sandbox.url, demo_token, "tenant/update_balance", json=top_up_body(email))
        seen.append(type(caught.value).__name__)
    assert seen == ["RemoteProtocolError"] * 50
    assert balance(clean_sandbox, demo_token, tenant_id) == 0


def test_drop_after_performs_the_operation_then_drops(
    clean_sandbox: ServerProcess, demo_token: str
) -> None:
    tenant_id, email = add_tenant(clean_sandbox.url, demo_token)
    add_fault(clean_sandbox, endpoint="tenant/update_balance", mode="drop_after")
    with pytest.raises(httpx.RemoteProtocolError):
        call(clean_sandbox.url, demo_token, "tenant/update_balance", json=top_up_body(email))
    assert balance(clean_sandbox, demo_token, tenant_id) == 20_000


@pytest.mark.parametrize("status", [None, 502])
def test_garbage_is_a_non_json_body(
    clean_sandbox: ServerProcess, demo_token: str, status: int | None
) -> None:
    fault: dict[str, Any] = {"endpoint": "tenant/info", "mode": "garbage"}
    if status is not None:
        fault["http_status"] = status
    add_fault(clean_sandbox, **fault)
    response = call(clean_sandbox.url, demo_token, "tenant/info", params={"id": "0" * 24})
    assert response.status_code == (status or 200)
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_times_applies_to_the_next_n_requests_only(
    clean_sandbox: ServerProcess, demo_token: str
) -> None:
    add_fault(clean_sandbox, endpoint="tenant/list", omi_code="rate_limit_exceeded", times=2)
    assert faults(clean_sandbox)[0]["remaining"] == 2
    answers = [
        call(clean_sandbox.url, demo_token, "tenant/list", params={"size": 1, "page": 1}).json()
        for _ in range(3)
    ]
    assert [a.get("message") for a in answers] == ["rate_limit_exceeded"] * 2 + [None]
    assert answers[2]["status_code"] == 9999
    assert faults(clean_sandbox) == []


def test_probability_applies_to_a_share_of_requests(clean_sandbox: ServerProcess) -> None:
    add_fault(clean_sandbox, endpoint="auth", omi_code="rate_limit_exceeded", probability=0.5)
    with httpx.Client(base_url=clean_sandbox.url) as http:
        statuses = [
            http.get("/api/auth", params={"apiKey": DEMO_KEY}).json()["status_code"]
            for _ in range(40)
        ]
    assert 0 < statuses.count(-9999) < 40
    httpx.delete(f"{clean_sandbox.url}/_sandbox/faults").raise_for_status()
    add_fault(clean_sandbox, endpoint="auth", omi_code="rate_limit_exceeded", probability=0.0)
    response = call(clean_sandbox.url, None, "auth", params={"apiKey": DEMO_KEY})
    assert response.json()["status_code"] == 9999


def test_several_faults_list_and_combine(clean_sandbox: ServerProcess, demo_token: str) -> None:
    add_fault(clean_sandbox, endpoint="*", latency_ms=10)
    add_fault(clean_sandbox, endpoint="tenant/info", http_status=503)
    listed = faults(clean_sandbox)
    assert [(f["endpoint"], f["latency_ms"], f["http_status"]) for f in listed] == [
        ("*", 10, None),
        ("tenant/info", 0, 503),
    ]
    response = call(clean_sandbox.url, demo_token, "tenant/info", params={"id": "x"})
    assert response.status_code == 503
    ok = call(clean_sandbox.url, demo_token, "tenant/list", params={"size": 1, "page": 1})
    assert ok.json()["status_code"] == 9999
    assert httpx.delete(f"{clean_sandbox.url}/_sandbox/faults").json() == {"faults": []}
    assert faults(clean_sandbox) == []


@pytest.mark.parametrize(
    "fault",
    [
        {"endpoint": "tenant/nope", "http_status": 500},
        {"endpoint": "*", "mode": "explode"},
        {"endpoint": "*", "http_status": 99},
        {"endpoint": "*", "latency_ms": "slow"},
        {"endpoint": "*", "omi_code": "x", "probability": 2},
        {"endpoint": "*", "omi_code": "x", "times": 0},
        {"endpoint": "*", "colour": "red", "mode": "hang"},
        {"endpoint": "*"},
        ["not", "an", "object"],
    ],
)
def test_an_invalid_fault_is_refused(clean_sandbox: ServerProcess, fault: object) -> None:
    response = httpx.post(f"{clean_sandbox.url}/_sandbox/faults", json=fault)
    assert response.status_code == 400
    assert response.json()["error"]
    assert faults(clean_sandbox) == []


def test_stats_count_every_request_and_reset(clean_sandbox: ServerProcess, demo_token: str) -> None:
    stats_url = f"{clean_sandbox.url}/_sandbox/stats"
    assert httpx.get(stats_url).json() == {
        "calls": {
            "auth": 0,
            "tenant/add": 0,
            "tenant/list": 0,
            "tenant/info": 0,
            "tenant/update_balance": 0,
        }
    }
    call(clean_sandbox.url, None, "auth", params={"apiKey": DEMO_KEY})
    call(clean_sandbox.url, None, "tenant/list", params={"size": 1, "page": 1})  # a 401
    call(clean_sandbox.url, demo_token, "tenant/list", params={"size": 1, "page": 1})
    add_fault(clean_sandbox, endpoint="tenant/info", http_status=500)
    for _ in range(3):
        call(clean_sandbox.url, demo_token, "tenant/info", params={"id": "x"})  # faulted
    httpx.get(f"{clean_sandbox.url}/openapi.json")  # not an OMI endpoint
    calls = httpx.get(stats_url).json()["calls"]
    assert calls == {
        "auth": 1,
        "tenant/add": 0,
        "tenant/list": 2,
        "tenant/info": 3,
        "tenant/update_balance": 0,
    }
    assert httpx.delete(stats_url).json()["calls"]["tenant/info"] == 0
    assert set(httpx.get(stats_url).json()["calls"].values()) == {0}
