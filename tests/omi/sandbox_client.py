"""An ``OmiClient`` on the real sandbox, and small helpers for its admin routes."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from gateway.omi import NewTenant


def new_tenant(**changes: Any) -> NewTenant:
    """A valid tenant with an email nobody has used yet."""
    fields: dict[str, Any] = {
        "email": f"e2e-{uuid.uuid4().hex[:12]}@example.vn",
        "password": "Str0ng!Pass",
        "full_name": "Công ty TNHH Kiểm thử Đầu cuối",
        "owner_name": "Trần Thị Bình",
        "phone": "0912345678",
        **changes,
    }
    return NewTenant(**fields)


def add_fault(sandbox_url: str, **fault: Any) -> None:
    """Activate a fault on the sandbox (the ``clean_sandbox`` fixture clears it)."""
    httpx.post(f"{sandbox_url}/_sandbox/faults", json=fault).raise_for_status()


def calls(sandbox_url: str) -> dict[str, int]:
    """Requests the sandbox received per endpoint since the last reset."""
    counts: dict[str, int] = httpx.get(f"{sandbox_url}/_sandbox/stats").json()["calls"]
    return counts
