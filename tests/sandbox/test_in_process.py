"""The package's public API in-process: create_app, startup_banner, and mounting.

The gateway may mount the sandbox app inside its own; httpx's ASGI transport stands in
for the server here because nothing on the wire is under test.
"""

from __future__ import annotations

import re

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount

from gateway.sandbox import SandboxConfig, create_app, parse_fault, startup_banner


async def test_banner_token_works_and_a_mounted_sandbox_counts_and_faults() -> None:
    sandbox = create_app(
        SandboxConfig(
            admin=True,
            activation_delay=(0.0, 0.0),
            faults=(parse_fault("tenant/info:omi_code=rate_limit_exceeded,times=1"),),
        )
    )
    banner = startup_banner(sandbox)
    assert "New tenants activate after 0 s." in banner
    assert "New tenants activate after 3-10 s." in startup_banner(create_app(SandboxConfig()))
    token = re.findall(r"token:\s+(\S+)", banner)[0]
    outer = Starlette(routes=[Mount("/omi", app=sandbox)])
    transport = httpx.ASGITransport(app=outer)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as http:
        listing = await http.post(
            "/omi/api/partner/tenant/list", params={"size": 1, "page": 1}, headers=headers
        )
        assert listing.json()["status_code"] == 9999
        tenant_id = listing.json()["payload"]["items"][0]["id"]
        first = await http.get(
            "/omi/api/partner/tenant/info", params={"id": tenant_id}, headers=headers
        )
        second = await http.get(
            "/omi/api/partner/tenant/info", params={"id": tenant_id}, headers=headers
        )
        assert first.json()["message"] == "rate_limit_exceeded"
        assert second.json()["payload"]["status"] == "activated"
        calls = (await http.get("/omi/_sandbox/stats")).json()["calls"]
    assert calls["tenant/list"] == 1
    assert calls["tenant/info"] == 2


def test_one_seed_gives_the_same_data_another_seed_other_data() -> None:
    def data(seed: int) -> list[tuple[str, str, str, int]]:
        store = create_app(SandboxConfig(seed=seed)).store
        return [(t.id, t.full_name, t.email, t.balance) for t in store.tenants.values()]

    assert data(7) == data(7)
    assert {row[0] for row in data(7)}.isdisjoint(row[0] for row in data(8))
