"""The client against the real sandbox over HTTP: every endpoint and every reachable code."""

from __future__ import annotations

import asyncio
import dataclasses

import httpx
import pytest

from gateway.omi import (
    DETAIL_FIELDS,
    Conflict,
    Denied,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    NotPartner,
    OmiClient,
    TopUp,
)
from tests.conftest import get_token
from tests.omi.sandbox_client import new_tenant
from tests.servers import ServerProcess

DESCRIPTION = "Nạp tiền kiểm thử đầu cuối cho doanh nghiệp, đủ năm mươi ký tự trở lên."


def bearer(token: str) -> str:
    return f"Bearer {token}"


async def test_authenticate_gives_a_partner_token_that_works(omi: OmiClient) -> None:
    token = await omi.authenticate("demo-partner-key")
    assert token.access_type == "bussiness"
    assert token.token_type == "Bearer"
    page = await omi.list_tenants(bearer(token.access_token), page=1, size=5)
    assert len(page.items) == 5


async def test_authenticate_with_a_tenant_users_key(omi: OmiClient) -> None:
    token = await omi.authenticate("demo-tenant-key")
    assert token.access_type == "normal"


async def test_authenticate_with_an_unknown_key(omi: OmiClient) -> None:
    with pytest.raises(NotAuthenticated) as caught:
        await omi.authenticate("no-such-key")
    assert caught.value.omi_code == "api_key_invalid"
    assert caught.value.http_status == 200
    assert "no-such-key" not in repr(caught.value)


async def test_list_pages_through_every_tenant(omi: OmiClient, demo_token: str) -> None:
    first = await omi.list_tenants(bearer(demo_token), page=1, size=10)
    assert first.total_items >= 28
    assert first.total_pages == -(-first.total_items // 10)
    assert (first.page, first.size, first.has_next, first.has_previous) == (1, 10, True, False)
    seen = [t.id for t in first.items]
    for number in range(2, first.total_pages + 1):
        page = await omi.list_tenants(bearer(demo_token), page=number, size=10)
        assert page.has_previous
        assert page.has_next is (number < first.total_pages)
        seen += [t.id for t in page.items]
    assert len(seen) == len(set(seen)) == first.total_items
    item = first.items[0]
    # List items are summaries: the detail fields they lack are known to be absent.
    assert item.full_name
    assert not item.is_complete
    assert not item.has("balance")
    assert item.balance is None


async def test_list_keyword_filters(omi: OmiClient, demo_token: str) -> None:
    everything = await omi.list_tenants(bearer(demo_token), page=1, size=100)
    email = everything.items[0].email
    assert email is not None
    found = await omi.list_tenants(bearer(demo_token), page=1, size=100, keyword=email)
    assert email in [t.email for t in found.items]
    assert len(found.items) < len(everything.items)


async def test_detail_has_every_field_and_exact_money(omi: OmiClient, demo_token: str) -> None:
    page = await omi.list_tenants(bearer(demo_token), page=1, size=100)
    details = await asyncio.gather(*(omi.get_tenant(bearer(demo_token), t.id) for t in page.items))
    for summary, detail in zip(page.items, details, strict=True):
        assert detail.id == summary.id
        assert detail.full_name == summary.full_name
        assert detail.present >= DETAIL_FIELDS
        assert detail.is_complete
        assert type(detail.balance) is int
        assert detail.effective_date is not None
        assert detail.effective_date.tzinfo is not None
    # The seed holds a balance beyond 2^31, which must come through exactly.
    assert max(d.balance or 0 for d in details) > 2**31


async def test_detail_of_an_unknown_or_foreign_tenant_is_not_found(
    omi: OmiClient, demo_token: str, other_token: str
) -> None:
    foreign = (await omi.list_tenants(bearer(other_token), page=1, size=1)).items[0].id
    for tenant_id in (foreign, "0" * 24):
        with pytest.raises(NotFound) as caught:
            await omi.get_tenant(bearer(demo_token), tenant_id)
        assert caught.value.omi_code == "resource_not_found"


async def test_create_then_read_then_conflict(omi: OmiClient, demo_token: str) -> None:
    new = new_tenant()
    tenant_id = await omi.create_tenant(bearer(demo_token), new)
    tenant = await omi.get_tenant(bearer(demo_token), tenant_id)
    assert (tenant.id, tenant.email, tenant.full_name) == (tenant_id, new.email, new.full_name)
    # Emails are unique whatever their case.
    again = dataclasses.replace(new, email=new.email.upper(), is_auto_active=False)
    with pytest.raises(Conflict) as caught:
        await omi.create_tenant(bearer(demo_token), again)
    assert caught.value.omi_code == "email_registered"


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"email": "not-an-email"}, "email_invalid", "email"),
        ({"password": "weakpass"}, "password_invalid", "password"),
        ({"full_name": "x" * 255}, "request_invalid", None),
    ],
)
async def test_create_with_bad_input(
    omi: OmiClient, demo_token: str, change: dict[str, str], code: str, field: str | None
) -> None:
    with pytest.raises(InvalidRequest) as caught:
        await omi.create_tenant(bearer(demo_token), new_tenant(**change))
    assert (caught.value.omi_code, caught.value.field) == (code, field)


async def test_top_up_moves_exactly_the_amount(omi: OmiClient, demo_token: str) -> None:
    tenant_id = await omi.create_tenant(bearer(demo_token), (new := new_tenant()))
    before = (await omi.get_tenant(bearer(demo_token), tenant_id)).balance
    assert before is not None
    amount = 3_000_000_000  # beyond 2^31 in one go
    await omi.top_up(bearer(demo_token), TopUp(new.email.upper(), amount, DESCRIPTION))
    after = (await omi.get_tenant(bearer(demo_token), tenant_id)).balance
    assert after == before + amount


@pytest.mark.parametrize(
    ("amount", "description", "code", "field"),
    [
        (9_999, DESCRIPTION, "amount_gte_10.000_vnd", "amount"),
        (10_000, "", "description_is_required", "description"),
        (10_000, "quá ngắn", "description_is_to_short.gte_50_characters", "description"),
    ],
)
async def test_top_up_with_bad_input(
    omi: OmiClient,
    demo_token: str,
    amount: int,
    description: str,
    code: str,
    field: str,
) -> None:
    email = (await omi.list_tenants(bearer(demo_token), page=1, size=1)).items[0].email
    assert email is not None
    with pytest.raises(InvalidRequest) as caught:
        await omi.top_up(bearer(demo_token), TopUp(email, amount, description))
    assert (caught.value.omi_code, caught.value.field) == (code, field)


async def test_top_up_of_a_foreign_or_unknown_tenant_is_denied(
    omi: OmiClient, demo_token: str, other_token: str
) -> None:
    foreign = (await omi.list_tenants(bearer(other_token), page=1, size=1)).items[0].email
    assert foreign is not None
    for email in (foreign, "nobody@example.vn"):
        with pytest.raises(Denied) as caught:
            await omi.top_up(bearer(demo_token), TopUp(email, 10_000, DESCRIPTION))
        assert caught.value.omi_code == "access_denied"


@pytest.mark.parametrize("authorization", ["Bearer not-a-token", "", "Basic abc", "Bearer"])
async def test_unknown_token_is_a_401_with_text(omi: OmiClient, authorization: str) -> None:
    with pytest.raises(NotAuthenticated) as caught:
        await omi.list_tenants(authorization, page=1, size=1)
    assert (caught.value.http_status, caught.value.omi_code) == (401, None)


async def test_tenant_users_token_is_not_a_partner(omi: OmiClient, sandbox: ServerProcess) -> None:
    token = bearer(get_token(sandbox.url, "demo-tenant-key"))
    with pytest.raises(NotPartner) as caught:
        await omi.list_tenants(token, page=1, size=1)
    assert caught.value.omi_code == "partner_invalid"


async def test_suspended_partner(omi: OmiClient, sandbox: ServerProcess) -> None:
    token = bearer(get_token(sandbox.url, "suspended-partner-key"))
    with pytest.raises(NotPartner) as caught:
        await omi.create_tenant(token, new_tenant())
    assert caught.value.omi_code == "tenant_invalid"
    # On the detail endpoint the same code reads as "no such tenant" (CONTRACT.md).
    with pytest.raises(NotFound) as not_found:
        await omi.get_tenant(token, "0" * 24)
    assert not_found.value.omi_code == "tenant_invalid"


async def test_expired_token_is_a_401_with_its_code() -> None:
    with ServerProcess(["sandbox", "--token-ttl", "1"], ready_path="/openapi.json") as server:
        token = bearer(get_token(server.url))
        await asyncio.sleep(1.2)
        async with httpx.AsyncClient(base_url=server.url) as http:
            with pytest.raises(NotAuthenticated) as caught:
                await OmiClient(http).list_tenants(token, page=1, size=1)
    assert (caught.value.http_status, caught.value.omi_code) == (401, "token_expired")
