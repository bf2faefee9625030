"""createTenant and topUp over real HTTP: results, validation at no upstream cost, Money."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from tests.e2e.conftest import Gql, codes

CREATE = """
mutation($input: CreateTenantInput!) {
  createTenant(input: $input) {
    __typename
    ... on TenantCreated { id tenant { id email status } }
    ... on Error { code message }
    ... on InvalidInput { problems { field code message } }
    ... on EmailAlreadyRegistered { email }
  }
}
"""
TOP_UP = """
mutation($input: TopUpInput!) {
  topUp(input: $input) {
    __typename
    ... on TopUpSucceeded { email amount tenant { id email balance } }
    ... on Error { code message }
    ... on InvalidInput { problems { field code message } }
    ... on TopUpDenied { omiCode }
  }
}
"""
DESCRIPTION = "Nạp tiền tháng 5 cho tổng đài, theo hợp đồng dịch vụ số 2024/05 đã ký."


def new_tenant(**changes: Any) -> dict[str, Any]:
    """A valid createTenant input with a fresh email."""
    return {
        "email": f"owner-{uuid.uuid4().hex[:10]}@example.vn",
        "password": "Str0ng!pass",
        "fullName": "Công ty TNHH Thử nghiệm Gateway",
        "ownerName": "Nguyễn Văn Thử",
        "phone": "0901234567",
        **changes,
    }


def a_tenant(gql: Gql) -> dict[str, Any]:
    """One of the demo partner's tenants (with its email and balance)."""
    page = gql("{ tenants(size: 1) { items { id email balance } } }")
    item: dict[str, Any] = page["data"]["tenants"]["items"][0]
    return item


def test_create_tenant_then_read_it(gql: Gql) -> None:
    data = new_tenant(isAutoActive=True)
    result = gql(CREATE, {"input": data})["data"]["createTenant"]
    assert result["__typename"] == "TenantCreated"
    assert result["tenant"]["id"] == result["id"]
    assert result["tenant"]["email"] == data["email"]
    assert result["tenant"]["status"] in ("ACTIVATED", "PENDING")
    read = gql("query($id: ID!) { tenant(id: $id) { email } }", {"id": result["id"]})
    assert read["data"]["tenant"]["email"] == data["email"]


def test_create_tenant_reports_every_problem_without_upstream_call(
    gql: Gql, stats: Callable[[], dict[str, int]]
) -> None:
    bad = new_tenant(email="not-an-email", password="short", fullName=" ", phone="abc")
    bad["ownerName"] = "x" * 300
    result = gql(CREATE, {"input": bad})["data"]["createTenant"]
    assert result["__typename"] == "InvalidInput"
    assert result["code"] == "INVALID_INPUT"
    assert {(p["field"], p["code"]) for p in result["problems"]} == {
        ("email", "INVALID_EMAIL"),
        ("password", "WEAK_PASSWORD"),
        ("fullName", "REQUIRED"),
        ("ownerName", "TOO_LONG"),
        ("phone", "INVALID_PHONE"),
    }
    assert sum(stats().values()) == 0


def test_create_tenant_twice_is_email_already_registered(gql: Gql) -> None:
    data = new_tenant()
    assert gql(CREATE, {"input": data})["data"]["createTenant"]["__typename"] == "TenantCreated"
    again = gql(CREATE, {"input": {**data, "email": data["email"].upper()}})
    result = again["data"]["createTenant"]
    assert result["__typename"] == "EmailAlreadyRegistered"
    assert result["code"] == "EMAIL_ALREADY_REGISTERED"


def test_top_up_adds_exactly_and_shows_the_new_balance(gql: Gql) -> None:
    tenant = a_tenant(gql)
    amount = 3_000_000_000  # beyond 2^31: Money carries it exactly both ways
    variables = {"input": {"email": tenant["email"], "amount": amount, "description": DESCRIPTION}}
    body = gql(TOP_UP, variables)
    assert "errors" not in body
    result = body["data"]["topUp"]
    assert result["__typename"] == "TopUpSucceeded"
    assert result["amount"] == amount
    assert result["tenant"]["id"] == tenant["id"]
    assert result["tenant"]["balance"] == tenant["balance"] + amount


def test_top_up_literal_money(gql: Gql) -> None:
    tenant = a_tenant(gql)
    email = tenant["email"]
    query = (
        f'mutation {{ topUp(input: {{email: "{email}", amount: 10000, '
        f'description: "{DESCRIPTION}"}}) {{ __typename }} }}'
    )
    assert gql(query)["data"]["topUp"]["__typename"] == "TopUpSucceeded"


def test_top_up_reports_every_problem_without_upstream_call(
    gql: Gql, stats: Callable[[], dict[str, int]]
) -> None:
    variables = {"input": {"email": "", "amount": 9_999, "description": "too short"}}
    result = gql(TOP_UP, variables)["data"]["topUp"]
    assert result["__typename"] == "InvalidInput"
    assert {(p["field"], p["code"]) for p in result["problems"]} == {
        ("email", "REQUIRED"),
        ("amount", "TOO_SMALL"),
        ("description", "TOO_SHORT"),
    }
    assert sum(stats().values()) == 0


def test_money_refuses_floats_and_strings_before_any_upstream_call(
    gql: Gql, stats: Callable[[], dict[str, int]]
) -> None:
    tenant = a_tenant(gql)
    before = sum(stats().values())
    for amount in (10_000.5, 10_000.0, "10000", True):
        variables = {
            "input": {"email": tenant["email"], "amount": amount, "description": DESCRIPTION}
        }
        body = gql(TOP_UP, variables)
        assert body.get("data") is None
        assert "Money" in body["errors"][0]["message"]
    literal = gql(
        f'mutation {{ topUp(input: {{email: "a@b.vn", amount: 10000.5, '
        f'description: "{DESCRIPTION}"}}) {{ __typename }} }}'
    )
    assert literal.get("data") is None
    assert "Money" in literal["errors"][0]["message"]
    assert sum(stats().values()) == before


def test_top_up_of_another_partners_tenant_is_denied(gql: Gql, other_token: str) -> None:
    foreign = gql("{ tenants(size: 1) { items { email } } }", token=other_token)
    email = foreign["data"]["tenants"]["items"][0]["email"]
    variables = {"input": {"email": email, "amount": 10_000, "description": DESCRIPTION}}
    result = gql(TOP_UP, variables)["data"]["topUp"]
    assert result["__typename"] == "TopUpDenied"
    assert result["code"] == "TOP_UP_DENIED"
    assert result["omiCode"] == "access_denied"


def test_mutations_without_a_token_are_unauthenticated_without_upstream_call(
    gql: Gql, stats: Callable[[], dict[str, int]]
) -> None:
    body = gql(CREATE, {"input": new_tenant()}, token=None)
    assert codes(body) == ["UNAUTHENTICATED"]
    assert sum(stats().values()) == 0
