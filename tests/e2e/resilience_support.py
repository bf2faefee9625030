"""Helpers of the resilience tests: gateways with their own settings, the sandbox's view."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.servers import ServerProcess

DESCRIPTION = "Nạp tiền theo hợp đồng dịch vụ số 2024/05 cho tổng đài của khách hàng này."

TOP_UP = """
mutation($input: TopUpInput!) {
  topUp(input: $input) {
    __typename
    ... on Error { code message }
    ... on TopUpSucceeded { email amount }
    ... on TopUpOutcomeUnknown { email amount }
    ... on IdempotencyKeyReused { idempotencyKey }
    ... on IdempotencyKeyInProgress { idempotencyKey }
    ... on InvalidInput { problems { field code } }
  }
}
"""
CREATE = """
mutation($input: CreateTenantInput!) {
  createTenant(input: $input) {
    __typename
    ... on Error { code message }
    ... on TenantCreated { id }
    ... on TenantCreationOutcomeUnknown { email }
    ... on IdempotencyKeyReused { idempotencyKey }
  }
}
"""
LIST = "{ tenants(size: 2) { items { id } } }"


def gateway(sandbox_url: str, *args: str, **env: str) -> ServerProcess:
    """``serve --upstream <sandbox>`` with extra flags and ``OMI_GATEWAY_*`` settings."""
    environ = {"OMI_GATEWAY_CACHE_TTL": "0"}
    environ.update({f"OMI_GATEWAY_{name.upper()}": value for name, value in env.items()})
    return ServerProcess(
        ["serve", "--upstream", sandbox_url, *args], ready_path="/healthz", env=environ
    )


def post(url: str, token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    """One GraphQL request to the gateway at ``url``: the decoded body (HTTP 200 expected)."""
    response = httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()


def error_codes(body: dict[str, Any]) -> list[str]:
    """The ``extensions.code`` of each errors[] entry."""
    return [error["extensions"]["code"] for error in body.get("errors") or []]


def top_up_input(email: str, amount: int, key: str | None = None) -> dict[str, Any]:
    """Variables of ``TOP_UP``."""
    data: dict[str, Any] = {"email": email, "amount": amount, "description": DESCRIPTION}
    if key is not None:
        data["idempotencyKey"] = key
    return {"input": data}


def new_tenant_input(key: str | None = None) -> dict[str, Any]:
    """Variables of ``CREATE`` with a fresh email."""
    data: dict[str, Any] = {
        "email": f"resilience-{uuid.uuid4().hex[:12]}@example.vn",
        "password": "Str0ng!pass",
        "fullName": "Công ty TNHH Kiểm thử Chịu lỗi",
        "ownerName": "Lê Văn Bền",
        "phone": "0901234567",
    }
    if key is not None:
        data["idempotencyKey"] = key
    return {"input": data}


class Sandbox:
    """The sandbox as its admin and as the demo partner: faults, counts, balances."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.token = token
        self._auth = {"Authorization": f"Bearer {token}"}

    def fault(self, **spec: Any) -> None:
        """Add a fault (cleared by the ``clean_sandbox`` fixture)."""
        httpx.post(f"{self.url}/_sandbox/faults", json=spec).raise_for_status()

    def clear_faults(self) -> None:
        """Remove every fault."""
        httpx.delete(f"{self.url}/_sandbox/faults").raise_for_status()

    def reset_stats(self) -> None:
        """Zero the call counts."""
        httpx.delete(f"{self.url}/_sandbox/stats").raise_for_status()

    def calls(self, endpoint: str) -> int:
        """Requests received on ``endpoint`` since the stats were last zeroed."""
        response = httpx.get(f"{self.url}/_sandbox/stats")
        response.raise_for_status()
        count: int = response.json()["calls"][endpoint]
        return count

    def new_tenant(self) -> tuple[str, str]:
        """A fresh tenant of the demo partner, created directly: (id, email)."""
        body = new_tenant_input()["input"]
        response = httpx.post(f"{self.url}/api/partner/tenant/add", json=body, headers=self._auth)
        response.raise_for_status()
        tenant_id = str(response.json()["payload"]["id"])
        return tenant_id, str(body["email"])

    def balance(self, tenant_id: str) -> int:
        """The tenant's balance as the sandbox holds it (no gateway, no cache)."""
        response = httpx.get(
            f"{self.url}/api/partner/tenant/info", params={"id": tenant_id}, headers=self._auth
        )
        response.raise_for_status()
        balance: int = response.json()["payload"]["balance"]
        return balance
