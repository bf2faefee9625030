"""Reads over real HTTP: pages, on-demand detail fields with counted upstream calls, Money."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx

from tests.e2e.conftest import Gql, codes
from tests.servers import ServerProcess

SUMMARY = """{ tenants(size: 10) {
  pageInfo { page size totalItems totalPages hasNextPage hasPreviousPage }
  items { id fullName email domain enabled status phone }
} }"""
DETAIL_FIELDS = """
  id fullName email description enabled domain domainFusion domainExpire effectiveDate
  expireDate phone status paidType nation currency language balance apiKey
  publicNumbers { number provider expireDate status }
  servicePackage { codeName serviceName staffNum customerNum expiryDate cashback }
"""


def test_summary_fields_cost_one_list_call_and_no_detail(
    gql: Gql, stats: Callable[[], dict[str, int]]
) -> None:
    body = gql(SUMMARY)
    page = body["data"]["tenants"]
    assert "errors" not in body
    assert len(page["items"]) == 10
    assert page["pageInfo"]["page"] == 1
    assert page["pageInfo"]["size"] == 10
    assert page["pageInfo"]["totalItems"] >= 25
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["pageInfo"]["hasPreviousPage"] is False
    assert all(item["status"] in ("ACTIVATED", "PENDING", "UNKNOWN") for item in page["items"])
    calls = stats()
    assert calls["tenant/list"] == 1
    assert calls["tenant/info"] == 0


def test_detail_fields_on_list_items_cost_one_detail_call_per_tenant(
    gql: Gql, stats: Callable[[], dict[str, int]]
) -> None:
    # Two aliases ask detail-only fields of the same 5 tenants: still 5 detail calls.
    body = gql(
        "{ a: tenants(size: 5) { items { id balance paidType } }"
        "  b: tenants(size: 5) { items { id currency servicePackage { codeName } } } }"
    )
    assert "errors" not in body
    items = body["data"]["a"]["items"]
    assert len(items) == 5
    assert all(isinstance(item["balance"], int) for item in items)
    assert all(item["paidType"] in ("PREPAID", "POSTPAID") for item in items)
    assert all(item["currency"] for item in body["data"]["b"]["items"])
    calls = stats()
    assert calls["tenant/list"] == 2
    assert calls["tenant/info"] == 5


def test_list_and_tenant_share_the_detail_read(
    gql: Gql, stats: Callable[[], dict[str, int]]
) -> None:
    first = gql("{ tenants(size: 1) { items { id } } }")["data"]["tenants"]["items"][0]["id"]
    stats_before = stats()["tenant/info"]
    body = gql(
        "query($id: ID!) { tenant(id: $id) { id balance } "
        "tenants(size: 1) { items { id nation } } }",
        {"id": first},
    )
    assert body["data"]["tenant"]["id"] == first
    assert body["data"]["tenants"]["items"][0]["nation"]
    assert stats()["tenant/info"] - stats_before == 1


def test_tenant_detail_has_every_field(gql: Gql) -> None:
    first = gql("{ tenants(size: 1) { items { id } } }")["data"]["tenants"]["items"][0]["id"]
    body = gql(f"query($id: ID!) {{ tenant(id: $id) {{ {DETAIL_FIELDS} }} }}", {"id": first})
    tenant = body["data"]["tenant"]
    assert "errors" not in body
    assert tenant["id"] == first
    assert tenant["currency"] == "VND"
    assert tenant["effectiveDate"].endswith("Z")
    assert tenant["publicNumbers"]
    assert tenant["publicNumbers"][0]["number"]
    assert isinstance(tenant["servicePackage"]["cashback"], int)
    assert tenant["apiKey"]


def test_money_beyond_2_to_the_31_is_an_exact_json_integer(
    gateway: ServerProcess, demo_token: str
) -> None:
    response = httpx.post(
        f"{gateway.url}/graphql",
        json={"query": "{ tenants(size: 100) { items { id balance } } }"},
        headers={"Authorization": f"Bearer {demo_token}"},
    )
    items = response.json()["data"]["tenants"]["items"]
    big = [item for item in items if item["balance"] > 2**31]
    assert big, "the sandbox seeds a balance above 2^31"
    raw = json.loads(response.text, parse_float=lambda text: f"FLOAT:{text}")
    balances = [item["balance"] for item in raw["data"]["tenants"]["items"]]
    assert all(isinstance(balance, int) for balance in balances)
    assert f'"balance":{big[0]["balance"]}' in response.text.replace(" ", "")


def test_unknown_and_foreign_tenants_are_null(
    gql: Gql, other_token: str, stats: Callable[[], dict[str, int]]
) -> None:
    mine = gql("{ tenants(size: 1) { items { id } } }")["data"]["tenants"]["items"][0]["id"]
    assert gql('{ tenant(id: "000000000000000000000000") { id } }') == {"data": {"tenant": None}}
    foreign = gql("query($id: ID!) { tenant(id: $id) { id } }", {"id": mine}, token=other_token)
    assert foreign == {"data": {"tenant": None}}


def test_keyword_filters(gql: Gql) -> None:
    items = gql("{ tenants(size: 100) { items { email } } }")["data"]["tenants"]["items"]
    email = items[0]["email"]
    found = gql("query($k: String) { tenants(keyword: $k) { items { email } } }", {"k": email})
    assert email in [item["email"] for item in found["data"]["tenants"]["items"]]


def test_bad_page_arguments_are_bad_user_input_without_upstream_call(
    gql: Gql, stats: Callable[[], dict[str, int]]
) -> None:
    body = gql("{ tenants(page: 0, size: 1000) { items { id } } }")
    assert codes(body) == ["BAD_USER_INPUT"]
    problems = body["errors"][0]["extensions"]["problems"]
    assert {(p["field"], p["code"]) for p in problems} == {
        ("page", "TOO_SMALL"),
        ("size", "TOO_LARGE"),
    }
    assert sum(stats().values()) == 0
