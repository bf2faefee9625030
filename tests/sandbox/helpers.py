"""Small helpers for talking to a sandbox over HTTP."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.conftest import get_token

__all__ = ["DESCRIPTION", "PASSWORD", "add_tenant", "call", "code", "get_token", "new_tenant_body"]

PASSWORD = "Sandbox#2024"
DESCRIPTION = "Nạp tiền cho doanh nghiệp theo hợp đồng số 2024/HĐ-OMI, kỳ thanh toán tháng 6."


def new_tenant_body(**overrides: Any) -> dict[str, Any]:
    """A valid tenant/add body with a unique email."""
    body: dict[str, Any] = {
        "email": f"test-{uuid.uuid4().hex[:12]}@example.vn",
        "password": PASSWORD,
        "fullName": "Công ty TNHH Kiểm thử Sài Gòn",
        "ownerName": "Nguyễn Văn Thử",
        "phone": "0912345678",
    }
    body.update(overrides)
    return body


def call(
    base: str,
    token: str | None,
    endpoint: str,
    *,
    json: Any = None,
    content: bytes | None = None,
    params: dict[str, Any] | None = None,
    timeout: float = 5.0,
) -> httpx.Response:
    """One request to an OMI endpoint by name (``tenant/add``...), with the token."""
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    method = "GET" if endpoint in ("auth", "tenant/info") else "POST"
    path = "/api/auth" if endpoint == "auth" else f"/api/partner/{endpoint}"
    return httpx.request(
        method,
        base + path,
        headers=headers,
        json=json,
        content=content,
        params=params,
        timeout=timeout,
    )


def add_tenant(base: str, token: str, **overrides: Any) -> tuple[str, str]:
    """Create a tenant; returns (id, email)."""
    body = new_tenant_body(**overrides)
    response = call(base, token, "tenant/add", json=body)
    data = response.json()
    assert data["status_code"] == 9999, data
    return data["payload"]["id"], body["email"]


def code(response: httpx.Response) -> str:
    """The OMI error code of a failed (HTTP 200, -9999) answer."""
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["status_code"] == -9999, data
    message: str = data["message"]
    return message
