"""Racing requests: no duplicate emails, no lost top-ups."""

from __future__ import annotations

import asyncio

import httpx

from tests.sandbox.helpers import DESCRIPTION, add_tenant, call, new_tenant_body
from tests.servers import ServerProcess


def client(server: ServerProcess, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=server.url,
        headers={"Authorization": f"Bearer {token}"},
        limits=httpx.Limits(max_connections=25),
        timeout=30.0,
    )


async def test_fifty_racing_creates_of_one_email_make_one_tenant(
    sandbox: ServerProcess, demo_token: str
) -> None:
    body = new_tenant_body()
    async with client(sandbox, demo_token) as http:
        responses = await asyncio.gather(
            *(http.post("/api/partner/tenant/add", json=body) for _ in range(50))
        )
    answers = [r.json() for r in responses]
    assert sum(a["status_code"] == 9999 for a in answers) == 1
    assert sorted({a.get("message") for a in answers if a["status_code"] != 9999}) == [
        "email_registered"
    ]
    listing = call(
        sandbox.url,
        demo_token,
        "tenant/list",
        params={"size": 100, "page": 1},
        json={"keyword": body["email"]},
    ).json()["payload"]
    assert listing["total_items"] == 1


async def test_two_hundred_racing_top_ups_add_up_exactly(
    sandbox: ServerProcess, demo_token: str
) -> None:
    tenant_id, email = add_tenant(sandbox.url, demo_token)
    amounts = [10_000 + i for i in range(200)]
    async with client(sandbox, demo_token) as http:
        responses = await asyncio.gather(
            *(
                http.post(
                    "/api/partner/tenant/update_balance",
                    json={"email": email, "amount": amount, "description": DESCRIPTION},
                )
                for amount in amounts
            )
        )
    assert all(r.json()["status_code"] == 9999 for r in responses)
    detail = call(sandbox.url, demo_token, "tenant/info", params={"id": tenant_id}).json()
    assert detail["payload"]["balance"] == sum(amounts)
