"""Payloads to records: the seed's shapes, and tolerance where the contract is inferred."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from gateway.omi import DETAIL_FIELDS, ProtocolError, PublicNumber, ServicePackage
from tests.omi.fake import API_KEY, NEW_TENANT, TENANT_ID, TOKEN, TOP_UP, FakeOmi, envelope

# The seed's detail payload, as OMI documents it (no ``id``).
SEED_DETAIL: dict[str, Any] = {
    "full_name": "Omi Team",
    "email": "support@omicrm.com",
    "description": "Nâng cao trải nghiệm khách hàng",
    "enabled": True,
    "domain": "omiteam",
    "domain_fusion": "omiteam",
    "domain_expire": 1584606068154,
    "effective_date": 1583396482840,
    "expire_date": 1614936981790,
    "phone": "0844441900",
    "status": "activated",
    "paid_type": "prepaid",
    "nation": "vn",
    "currency": "VND",
    "language": "vi",
    "balance": 3007855,
    "api_key": "K343KDK9-2I34K3K-3I33K3-2222",
    "public_numbers": [
        {
            "number": "842877788056",
            "provider": "itel",
            "expire_date": 1602731734809,
            "status": "active",
        }
    ],
    "service_package": {
        "code_name": "trial",
        "service_name": "Trial",
        "staff_num": 5,
        "customer_num": 100,
        "expiry_date": 1606300035002,
        "cashback": 2092202,
    },
}


def ms(value: int) -> datetime:
    return datetime.fromtimestamp(value // 1000, UTC).replace(microsecond=value % 1000 * 1000)


async def test_seed_detail_decodes_every_field(fake: FakeOmi) -> None:
    fake.reply(200, envelope(SEED_DETAIL))
    tenant = await fake.client.get_tenant(TOKEN, TENANT_ID)
    assert tenant.id == TENANT_ID
    assert tenant.full_name == "Omi Team"
    assert tenant.enabled is True
    assert tenant.domain_expire == ms(1584606068154)
    assert tenant.effective_date == datetime(2020, 3, 5, 8, 21, 22, 840000, tzinfo=UTC)
    assert tenant.expire_date == ms(1614936981790)
    assert tenant.balance == 3007855
    assert type(tenant.balance) is int
    assert tenant.api_key == "K343KDK9-2I34K3K-3I33K3-2222"
    assert tenant.public_numbers == (
        PublicNumber("842877788056", "itel", ms(1602731734809), "active"),
    )
    assert tenant.service_package == ServicePackage(
        "trial", "Trial", 5, 100, ms(1606300035002), 2092202
    )
    assert tenant.present == DETAIL_FIELDS
    assert tenant.is_complete


async def test_missing_fields_are_none_and_not_present(fake: FakeOmi) -> None:
    fake.reply(200, envelope({"full_name": "Only a name"}))
    tenant = await fake.client.get_tenant(TOKEN, TENANT_ID)
    assert tenant.full_name == "Only a name"
    assert tenant.balance is None
    assert tenant.public_numbers is None
    assert tenant.service_package is None
    assert tenant.present == frozenset({"full_name"})
    assert not tenant.is_complete
    assert not tenant.has("balance")


async def test_null_fields_are_none_but_present(fake: FakeOmi) -> None:
    fake.reply(200, envelope({**SEED_DETAIL, "balance": None, "service_package": None}))
    tenant = await fake.client.get_tenant(TOKEN, TENANT_ID)
    assert tenant.balance is None
    assert tenant.service_package is None
    assert tenant.has("balance")
    assert tenant.is_complete


async def test_unknown_fields_and_envelope_variants_are_ignored(fake: FakeOmi) -> None:
    body = envelope({**SEED_DETAIL, "brand_new_field": {"x": 1}}, instance_version="2.3.1")
    del body["instance_name"]
    del body["instance_id"]
    body["another_new_thing"] = [1, 2]
    fake.reply(200, body)
    tenant = await fake.client.get_tenant(TOKEN, TENANT_ID)
    assert tenant.full_name == "Omi Team"
    assert "brand_new_field" not in tenant.present


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        (1583396482840, ms(1583396482840)),
        ("1583396482840", ms(1583396482840)),
        (" 1583396482840 ", ms(1583396482840)),
        (1583396482840.0, ms(1583396482840)),
        (0, datetime(1970, 1, 1, tzinfo=UTC)),
        (None, None),
        (True, None),
        ("soon", None),
        ("", None),
        ({"ms": 1}, None),
        ([1583396482840], None),
        (10**30, None),
        ("1e400", None),
    ],
)
async def test_times(fake: FakeOmi, wire: object, expected: datetime | None) -> None:
    fake.reply(200, envelope({"effective_date": wire}))
    tenant = await fake.client.get_tenant(TOKEN, TENANT_ID)
    assert tenant.effective_date == expected
    if expected is not None:
        assert tenant.effective_date is not None
        assert tenant.effective_date.utcoffset() is not None


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        (3007855, 3007855),
        (5_000_000_000, 5_000_000_000),
        (2**63 + 1, 2**63 + 1),
        (3007855.0, 3007855),
        ("5000000000", 5_000_000_000),
        (" 42 ", 42),
        (-10000, -10000),
        (0, 0),
        (None, None),
    ],
)
async def test_money_is_an_exact_int(fake: FakeOmi, wire: object, expected: int | None) -> None:
    fake.reply(200, envelope({"balance": wire, "service_package": {"cashback": wire}}))
    tenant = await fake.client.get_tenant(TOKEN, TENANT_ID)
    assert tenant.balance == expected
    assert type(tenant.balance) is type(expected)
    assert tenant.service_package is not None
    assert tenant.service_package.cashback == expected


async def test_money_beyond_2_53_in_raw_json_stays_exact(fake: FakeOmi) -> None:
    fake.reply(200, b'{"status_code": 9999, "payload": {"balance": 9007199254740993}}')
    tenant = await fake.client.get_tenant(TOKEN, TENANT_ID)
    assert tenant.balance == 9007199254740993


@pytest.mark.parametrize("wire", [3007855.5, "12.5", "1e6", "lots", True, [1], {"v": 1}])
@pytest.mark.parametrize("where", ["balance", "cashback"])
async def test_money_that_is_not_whole_is_a_protocol_error(
    fake: FakeOmi, wire: object, where: str
) -> None:
    payload = {"balance": wire} if where == "balance" else {"service_package": {"cashback": wire}}
    fake.reply(200, envelope(payload), headers={"X-Request-ID": "r-money"})
    with pytest.raises(ProtocolError) as caught:
        await fake.client.get_tenant(TOKEN, TENANT_ID)
    assert caught.value.request_id == "r-money"
    assert where in str(caught.value)


@pytest.mark.parametrize(
    "body",
    [
        b'{"status_code": 9999, "payload": {"balance": NaN}}',
        b'{"status_code": 9999, "payload": {"balance": Infinity}}',
    ],
)
async def test_non_finite_money_is_a_protocol_error(fake: FakeOmi, body: bytes) -> None:
    fake.reply(200, body)
    with pytest.raises(ProtocolError):
        await fake.client.get_tenant(TOKEN, TENANT_ID)


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        ("true", True),
        ("False", False),
        (None, None),
        ("maybe", None),
        (2, None),
    ],
)
async def test_booleans(fake: FakeOmi, wire: object, expected: bool | None) -> None:
    fake.reply(200, envelope({"enabled": wire}))
    tenant = await fake.client.get_tenant(TOKEN, TENANT_ID)
    assert tenant.enabled is expected


async def test_odd_nested_shapes_become_none_or_are_skipped(fake: FakeOmi) -> None:
    fake.reply(
        200,
        envelope(
            {
                "phone": 844441900,
                "public_numbers": [{"number": 842877788056}, "junk", None],
                "service_package": {"staff_num": "7", "customer_num": "many", "expiry_date": "x"},
                "email": ["not", "a", "string"],
            }
        ),
    )
    tenant = await fake.client.get_tenant(TOKEN, TENANT_ID)
    assert tenant.phone == "844441900"
    assert tenant.email is None
    assert tenant.public_numbers == (PublicNumber("842877788056", None, None, None),)
    assert tenant.service_package == ServicePackage(None, None, 7, None, None, None)


@pytest.mark.parametrize("payload", [None, [], "tenant", 3])
async def test_detail_that_is_not_an_object_is_a_protocol_error(
    fake: FakeOmi, payload: object
) -> None:
    fake.reply(200, envelope(payload))
    with pytest.raises(ProtocolError) as caught:
        await fake.client.get_tenant(TOKEN, TENANT_ID)
    assert caught.value.maybe_sent is True


async def test_detail_without_payload_is_a_protocol_error(fake: FakeOmi) -> None:
    fake.reply(200, envelope(omit_payload=True))
    with pytest.raises(ProtocolError):
        await fake.client.get_tenant(TOKEN, TENANT_ID)


# --- list -----------------------------------------------------------------------

SUMMARY = {
    "id": "a" * 24,
    "full_name": "Công ty A",
    "email": "a@x.vn",
    "domain": "a",
    "enabled": True,
    "status": "activated",
    "phone": "0900000000",
}


def summaries(n: int) -> list[dict[str, Any]]:
    return [{**SUMMARY, "id": f"{i:024x}"} for i in range(n)]


async def test_list_with_full_pagination(fake: FakeOmi) -> None:
    fake.reply(
        200,
        envelope(
            {
                "items": summaries(2),
                "page_number": 2,
                "page_size": 2,
                "total_items": 5,
                "total_pages": 3,
                "has_next": True,
                "next_page": 3,
                "has_previous": True,
                "previous_page": 1,
            }
        ),
    )
    page = await fake.client.list_tenants(TOKEN, page=2, size=2)
    assert [t.id for t in page.items] == [f"{i:024x}" for i in range(2)]
    assert (page.page, page.size, page.total_items, page.total_pages) == (2, 2, 5, 3)
    assert page.has_next
    assert page.has_previous
    item = page.items[0]
    assert item.present == frozenset(SUMMARY)
    assert not item.is_complete
    assert item.balance is None


async def test_list_without_pagination_derives_it_from_the_request(fake: FakeOmi) -> None:
    fake.reply(200, envelope({"items": summaries(3)}))
    page = await fake.client.list_tenants(TOKEN, page=2, size=5)
    assert (page.page, page.size) == (2, 5)
    assert page.total_items == 8
    assert page.total_pages == 2
    assert page.has_next is False
    assert page.has_previous is True


async def test_list_full_page_without_pagination_assumes_a_next_page(fake: FakeOmi) -> None:
    fake.reply(200, envelope({"items": summaries(5)}))
    page = await fake.client.list_tenants(TOKEN, page=1, size=5)
    assert page.has_next is True
    assert page.has_previous is False
    assert page.total_pages == 2
    assert page.total_items >= 5


async def test_list_with_only_total_items(fake: FakeOmi) -> None:
    fake.reply(200, envelope({"items": summaries(5), "total_items": 12}))
    page = await fake.client.list_tenants(TOKEN, page=1, size=5)
    assert (page.total_items, page.total_pages, page.has_next) == (12, 3, True)


async def test_list_with_only_total_pages(fake: FakeOmi) -> None:
    fake.reply(200, envelope({"items": summaries(1), "total_pages": 3}))
    page = await fake.client.list_tenants(TOKEN, page=3, size=5)
    assert page.has_next is False
    assert page.total_pages == 3


async def test_empty_list(fake: FakeOmi) -> None:
    fake.reply(200, envelope({"items": []}))
    page = await fake.client.list_tenants(TOKEN, page=1, size=20)
    assert page.items == ()
    assert (page.total_items, page.total_pages, page.has_next, page.has_previous) == (
        0,
        0,
        False,
        False,
    )


async def test_list_payload_that_is_a_bare_array(fake: FakeOmi) -> None:
    fake.reply(200, envelope(summaries(2)))
    page = await fake.client.list_tenants(TOKEN, page=1, size=20)
    assert len(page.items) == 2


@pytest.mark.parametrize(
    "payload",
    [
        None,
        {},
        {"items": None},
        {"items": "x"},
        {"items": [1]},
        {"items": [{"full_name": "x"}]},
        {"items": [{"id": ""}]},
        {"items": [{"id": "a", "balance": 1.5}]},
    ],
)
async def test_list_of_the_wrong_shape_is_a_protocol_error(fake: FakeOmi, payload: object) -> None:
    fake.reply(200, envelope(payload))
    with pytest.raises(ProtocolError):
        await fake.client.list_tenants(TOKEN, page=1, size=20)


# --- create, top-up, auth -------------------------------------------------------


async def test_create_accepts_an_integer_id(fake: FakeOmi) -> None:
    fake.reply(200, envelope({"id": 12345}))
    assert await fake.client.create_tenant(TOKEN, NEW_TENANT) == "12345"


async def test_create_returns_the_id(fake: FakeOmi) -> None:
    fake.reply(200, envelope({"id": "5f59784273227343222243"}))
    assert await fake.client.create_tenant(TOKEN, NEW_TENANT) == "5f59784273227343222243"


@pytest.mark.parametrize(
    "payload", [None, {}, {"id": None}, {"id": ""}, ["x"], {"id": {}}, {"id": 1.5}, {"id": True}]
)
async def test_create_without_an_id_is_a_protocol_error_that_may_have_happened(
    fake: FakeOmi, payload: object
) -> None:
    fake.reply(200, envelope(payload))
    with pytest.raises(ProtocolError) as caught:
        await fake.client.create_tenant(TOKEN, NEW_TENANT)
    assert caught.value.maybe_sent is True


@pytest.mark.parametrize(
    "body",
    [
        {
            "status_code": 9999,
            "instance_id": "stg",
            "instance_version": "1.0",
            "key_enabled": False,
        },
        {"status_code": 9999},
        envelope(None),
        envelope({}),
        envelope({"whatever": 1}),
    ],
)
async def test_top_up_success_needs_no_payload(fake: FakeOmi, body: dict[str, Any]) -> None:
    fake.reply(200, body)
    await fake.client.top_up(TOKEN, TOP_UP)  # no exception: the top-up succeeded
    assert len(fake.requests) == 1


async def test_authenticate(fake: FakeOmi) -> None:
    fake.reply(
        200, envelope({"access_token": "tok", "access_type": "bussiness", "token_type": "Bearer"})
    )
    token = await fake.client.authenticate(API_KEY)
    assert (token.access_token, token.access_type, token.token_type) == (
        "tok",
        "bussiness",
        "Bearer",
    )


async def test_authenticate_tolerates_missing_extras(fake: FakeOmi) -> None:
    fake.reply(200, envelope({"access_token": "tok"}))
    token = await fake.client.authenticate(API_KEY)
    assert (token.access_type, token.token_type) == (None, None)


@pytest.mark.parametrize("payload", [None, {}, {"access_token": ""}, {"access_token": None}])
async def test_authenticate_without_token_is_a_protocol_error(
    fake: FakeOmi, payload: object
) -> None:
    fake.reply(200, envelope(payload))
    with pytest.raises(ProtocolError):
        await fake.client.authenticate(API_KEY)
