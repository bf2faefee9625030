"""Every error code of the contract, each reached by a plain request."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import OTHER_KEY
from tests.sandbox.helpers import DESCRIPTION, add_tenant, call, code, get_token, new_tenant_body
from tests.servers import ServerProcess

PARTNER_ENDPOINTS = ("tenant/add", "tenant/list", "tenant/info", "tenant/update_balance")


def test_auth_with_an_unknown_key(sandbox: ServerProcess) -> None:
    response = call(sandbox.url, None, "auth", params={"apiKey": "no-such-key"})
    assert code(response) == "api_key_invalid"
    assert code(call(sandbox.url, None, "auth")) == "api_key_invalid"


@pytest.mark.parametrize("endpoint", PARTNER_ENDPOINTS)
@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_missing_or_unknown_token_is_a_bare_401(
    sandbox: ServerProcess, endpoint: str, token: str | None
) -> None:
    response = call(sandbox.url, token, endpoint, json={}, params={"size": 1, "page": 1})
    assert response.status_code == 401
    assert response.text == "Unauthorized"


@pytest.mark.parametrize("endpoint", PARTNER_ENDPOINTS)
def test_a_tenant_users_token_is_partner_invalid(sandbox: ServerProcess, endpoint: str) -> None:
    grant = call(sandbox.url, None, "auth", params={"apiKey": "demo-tenant-key"}).json()
    assert grant["payload"]["access_type"] == "normal"
    token = grant["payload"]["access_token"]
    response = call(sandbox.url, token, endpoint, json={}, params={"size": 1, "page": 1, "id": "x"})
    assert code(response) == "partner_invalid"


@pytest.mark.parametrize("endpoint", PARTNER_ENDPOINTS)
def test_a_suspended_partner_is_tenant_invalid(sandbox: ServerProcess, endpoint: str) -> None:
    token = get_token(sandbox.url, "suspended-partner-key")
    response = call(sandbox.url, token, endpoint, json={}, params={"size": 1, "page": 1, "id": "x"})
    assert code(response) == "tenant_invalid"


@pytest.mark.parametrize("endpoint", ["tenant/add", "tenant/update_balance"])
def test_an_empty_body_is_body_request_is_required(
    sandbox: ServerProcess, demo_token: str, endpoint: str
) -> None:
    assert code(call(sandbox.url, demo_token, endpoint)) == "body_request_is_required"


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b'"a string"', b"\xff\xfe"],
    ids=["malformed", "array", "string", "not-utf8"],
)
@pytest.mark.parametrize("endpoint", ["tenant/add", "tenant/update_balance", "tenant/list"])
def test_a_body_that_is_not_a_json_object_is_request_invalid(
    sandbox: ServerProcess, demo_token: str, endpoint: str, content: bytes
) -> None:
    response = call(
        sandbox.url, demo_token, endpoint, content=content, params={"size": 5, "page": 1}
    )
    assert code(response) == "request_invalid"


@pytest.mark.parametrize(
    "overrides",
    [
        {"email": None},
        {"password": None},
        {"fullName": None},
        {"ownerName": None},
        {"phone": None},
        {"fullName": "   "},
        {"phone": 912345678},
        {"phone": "not a phone"},
        {"email": 42},
        {"isAutoActive": "yes"},
        {"fullName": "Đ" * 255},
        {"ownerName": "x" * 255},
    ],
    ids=lambda o: "-".join(f"{k}={str(v)[:8]}" for k, v in o.items()),
)
def test_add_with_a_missing_or_malformed_field_is_request_invalid(
    sandbox: ServerProcess, demo_token: str, overrides: dict[str, Any]
) -> None:
    body = {k: v for k, v in new_tenant_body(**overrides).items() if v is not None}
    assert code(call(sandbox.url, demo_token, "tenant/add", json=body)) == "request_invalid"


def test_add_accepts_names_of_254_characters(sandbox: ServerProcess, demo_token: str) -> None:
    body = new_tenant_body(fullName="Đ" * 254, ownerName="x" * 254)
    assert call(sandbox.url, demo_token, "tenant/add", json=body).json()["status_code"] == 9999


@pytest.mark.parametrize("email", ["", "no-at-sign", "a@b", "two@@example.vn", "sp ace@x.vn"])
def test_add_with_a_bad_email_is_email_invalid(
    sandbox: ServerProcess, demo_token: str, email: str
) -> None:
    body = new_tenant_body(email=email)
    assert code(call(sandbox.url, demo_token, "tenant/add", json=body)) == "email_invalid"


@pytest.mark.parametrize(
    "password", ["Ab1!", "abcdefg1!", "ABCDEFG1!", "Abcdefgh!", "Abcdefgh1", "Abc def1 "]
)
def test_add_with_a_weak_password_is_password_invalid(
    sandbox: ServerProcess, demo_token: str, password: str
) -> None:
    body = new_tenant_body(password=password)
    assert code(call(sandbox.url, demo_token, "tenant/add", json=body)) == "password_invalid"


def test_validation_answers_the_first_failing_rule(sandbox: ServerProcess, demo_token: str) -> None:
    # A bad email and a bad password: the email is checked first.
    body = new_tenant_body(email="bad", password="weak")
    assert code(call(sandbox.url, demo_token, "tenant/add", json=body)) == "email_invalid"
    # A too-long name beats a bad email.
    body = new_tenant_body(email="bad", fullName="x" * 300)
    assert code(call(sandbox.url, demo_token, "tenant/add", json=body)) == "request_invalid"


def test_an_email_already_registered_any_case_any_partner(
    sandbox: ServerProcess, demo_token: str, other_token: str
) -> None:
    _, email = add_tenant(sandbox.url, demo_token)
    again = new_tenant_body(email=email.upper())
    assert code(call(sandbox.url, demo_token, "tenant/add", json=again)) == "email_registered"
    assert code(call(sandbox.url, other_token, "tenant/add", json=again)) == "email_registered"


@pytest.mark.parametrize(
    ("size", "page"), [(0, 1), (101, 1), (10, 0), (10, -1), ("x", 1), (None, 1), (10, None)]
)
def test_list_with_bad_paging_is_request_invalid(
    sandbox: ServerProcess, demo_token: str, size: object, page: object
) -> None:
    params = {k: v for k, v in {"size": size, "page": page}.items() if v is not None}
    response = call(sandbox.url, demo_token, "tenant/list", params=params)
    assert code(response) == "request_invalid"


def test_list_with_a_non_string_keyword_is_request_invalid(
    sandbox: ServerProcess, demo_token: str
) -> None:
    response = call(
        sandbox.url, demo_token, "tenant/list", params={"size": 5, "page": 1}, json={"keyword": 7}
    )
    assert code(response) == "request_invalid"


def test_info_without_an_id_is_request_invalid(sandbox: ServerProcess, demo_token: str) -> None:
    assert code(call(sandbox.url, demo_token, "tenant/info")) == "request_invalid"


def test_info_of_an_unknown_or_foreign_id_is_resource_not_found(
    sandbox: ServerProcess, demo_token: str, other_token: str
) -> None:
    foreign_id, _ = add_tenant(sandbox.url, other_token)
    unknown = call(sandbox.url, demo_token, "tenant/info", params={"id": "0" * 24})
    foreign = call(sandbox.url, demo_token, "tenant/info", params={"id": foreign_id})
    assert code(unknown) == code(foreign) == "resource_not_found"
    assert unknown.json() == foreign.json()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"email": None}, "request_invalid"),
        ({"amount": None}, "request_invalid"),
        ({"amount": 10000.5}, "request_invalid"),
        ({"amount": 20000.0}, "request_invalid"),
        ({"amount": True}, "request_invalid"),
        ({"amount": "20000"}, "request_invalid"),
        ({"amount": 2**63}, "request_invalid"),
        ({"description": 12345}, "request_invalid"),
        ({"amount": 9_999}, "amount_gte_10.000_vnd"),
        ({"amount": -50_000}, "amount_gte_10.000_vnd"),
        ({"amount": 9_999, "description": None}, "amount_gte_10.000_vnd"),
        ({"description": None}, "description_is_required"),
        ({"description": "  "}, "description_is_required"),
        ({"description": "x" * 49}, "description_is_to_short.gte_50_characters"),
        (
            {"description": "x" * 49, "email": "nobody@example.vn"},
            "description_is_to_short.gte_50_characters",
        ),
        ({"email": "nobody@example.vn"}, "access_denied"),
    ],
)
def test_top_up_errors_in_order(
    sandbox: ServerProcess, demo_token: str, overrides: dict[str, Any], expected: str
) -> None:
    tenant_id, email = add_tenant(sandbox.url, demo_token)
    body = {"email": email, "amount": 50_000, "description": DESCRIPTION, **overrides}
    body = {k: v for k, v in body.items() if v is not None}
    response = call(sandbox.url, demo_token, "tenant/update_balance", json=body)
    assert code(response) == expected
    detail = call(sandbox.url, demo_token, "tenant/info", params={"id": tenant_id}).json()
    assert detail["payload"]["balance"] == 0  # a refused top-up moves no money


def test_a_partner_cannot_see_or_top_up_another_partners_tenants(
    sandbox: ServerProcess, demo_token: str
) -> None:
    other_token = get_token(sandbox.url, OTHER_KEY)
    other_id, other_email = add_tenant(sandbox.url, other_token)
    body = {"email": other_email, "amount": 50_000, "description": DESCRIPTION}
    assert (
        code(call(sandbox.url, demo_token, "tenant/update_balance", json=body)) == "access_denied"
    )
    listing = call(
        sandbox.url,
        demo_token,
        "tenant/list",
        params={"size": 100, "page": 1},
        json={"keyword": other_email},
    ).json()["payload"]
    assert listing["total_items"] == 0
    other_list = call(
        sandbox.url, other_token, "tenant/list", params={"size": 100, "page": 1}
    ).json()["payload"]
    demo_list = call(
        sandbox.url, demo_token, "tenant/list", params={"size": 100, "page": 1}
    ).json()["payload"]
    assert {i["id"] for i in other_list["items"]}.isdisjoint(i["id"] for i in demo_list["items"])
    detail = call(sandbox.url, other_token, "tenant/info", params={"id": other_id}).json()
    assert detail["payload"]["balance"] == 0


def test_an_oversized_body_is_refused(sandbox: ServerProcess, demo_token: str) -> None:
    response = call(sandbox.url, demo_token, "tenant/add", content=b"{" + b" " * 2_000_000 + b"}")
    assert response.status_code == 413
