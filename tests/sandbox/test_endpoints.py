"""Each OMI endpoint's success path, against the session sandbox over HTTP."""

from __future__ import annotations

import re

import httpx

from tests.conftest import DEMO_KEY
from tests.sandbox.helpers import DESCRIPTION, add_tenant, call, new_tenant_body
from tests.servers import ServerProcess

ENVELOPE_KEYS = {"status_code", "instance_id", "instance_name", "payload", "key_enabled"}


def test_auth_issues_a_bearer_partner_token(sandbox: ServerProcess) -> None:
    response = call(sandbox.url, None, "auth", params={"apiKey": DEMO_KEY})
    data = response.json()
    assert response.status_code == 200
    assert set(data) == ENVELOPE_KEYS
    assert data["status_code"] == 9999
    assert data["key_enabled"] is False
    payload = data["payload"]
    assert payload["access_type"] == "bussiness"
    assert payload["token_type"] == "Bearer"
    assert len(payload["access_token"]) >= 32


def test_a_new_token_does_not_revoke_earlier_ones(sandbox: ServerProcess) -> None:
    tokens = [
        call(sandbox.url, None, "auth", params={"apiKey": DEMO_KEY}).json()["payload"][
            "access_token"
        ]
        for _ in range(3)
    ]
    assert len(set(tokens)) == 3
    for token in tokens:
        response = call(sandbox.url, token, "tenant/list", params={"size": 1, "page": 1})
        assert response.json()["status_code"] == 9999


def test_add_returns_a_24_hex_id(sandbox: ServerProcess, demo_token: str) -> None:
    response = call(sandbox.url, demo_token, "tenant/add", json=new_tenant_body())
    data = response.json()
    assert response.status_code == 200
    assert data["status_code"] == 9999
    assert re.fullmatch(r"[0-9a-f]{24}", data["payload"]["id"])


def test_add_accepts_is_auto_active(sandbox: ServerProcess, demo_token: str) -> None:
    for flag in (True, False):
        body = new_tenant_body(isAutoActive=flag)
        response = call(sandbox.url, demo_token, "tenant/add", json=body)
        assert response.json()["status_code"] == 9999


def test_info_returns_the_full_detail_shape(sandbox: ServerProcess, demo_token: str) -> None:
    tenant_id, email = add_tenant(sandbox.url, demo_token, fullName="Công ty Cổ phần Ánh Dương")
    data = call(sandbox.url, demo_token, "tenant/info", params={"id": tenant_id}).json()
    assert data["status_code"] == 9999
    detail = data["payload"]
    assert "id" not in detail  # as in the seed's example
    assert detail["email"] == email
    assert detail["full_name"] == "Công ty Cổ phần Ánh Dương"
    assert detail["currency"] == "VND"
    assert detail["balance"] == 0
    assert detail["service_package"]["code_name"] == "trial"
    assert set(detail["service_package"]) == {
        "code_name",
        "service_name",
        "staff_num",
        "customer_num",
        "expiry_date",
        "cashback",
    }
    assert len(str(detail["domain_expire"])) == 13  # epoch milliseconds


def test_list_pages_and_summaries(sandbox: ServerProcess, demo_token: str) -> None:
    first = call(sandbox.url, demo_token, "tenant/list", params={"size": 10, "page": 1}).json()
    page = first["payload"]
    assert page["page_number"] == 1
    assert page["page_size"] == 10
    assert page["total_items"] >= 28
    assert page["total_pages"] == -(-page["total_items"] // 10)
    assert page["has_next"] is True
    assert page["next_page"] == 2
    assert page["has_previous"] is False
    assert page["previous_page"] is None
    assert len(page["items"]) == 10
    for item in page["items"]:
        assert set(item) == {"id", "full_name", "email", "domain", "enabled", "status", "phone"}
    last_number = page["total_pages"]
    last = call(
        sandbox.url, demo_token, "tenant/list", params={"size": 10, "page": last_number}
    ).json()["payload"]
    assert last["has_next"] is False
    assert last["next_page"] is None
    assert last["previous_page"] == last_number - 1
    assert 1 <= len(last["items"]) <= 10
    # The list's body is optional: no body at all is the same as no keyword.
    bare = call(sandbox.url, demo_token, "tenant/list", params={"size": 10, "page": 1})
    assert bare.json()["payload"]["total_items"] >= page["total_items"]


def test_list_keyword_matches_name_and_email_case_insensitively(
    sandbox: ServerProcess, demo_token: str
) -> None:
    def search(keyword: str) -> list[dict[str, str]]:
        response = call(
            sandbox.url,
            demo_token,
            "tenant/list",
            params={"size": 100, "page": 1},
            json={"keyword": keyword},
        )
        items: list[dict[str, str]] = response.json()["payload"]["items"]
        return items

    by_name = search("ĐÔNG Á")
    assert any(i["full_name"] == "Công ty TNHH Thương mại Đông Á" for i in by_name)
    assert all("đông á" in i["full_name"].casefold() for i in by_name)
    _, email = add_tenant(sandbox.url, demo_token, fullName="Hộ kinh doanh Zêta")
    by_email = search(email.split("@")[0].upper())
    assert [i["email"] for i in by_email] == [email]
    assert search("no-such-keyword-anywhere") == []


def test_top_up_adds_the_amount_and_answers_the_bare_envelope(
    sandbox: ServerProcess, demo_token: str
) -> None:
    tenant_id, email = add_tenant(sandbox.url, demo_token)
    body = {"email": email.upper(), "amount": 3_000_000_000, "description": DESCRIPTION}
    response = call(sandbox.url, demo_token, "tenant/update_balance", json=body)
    data = response.json()
    assert data == {
        "status_code": 9999,
        "instance_id": data["instance_id"],
        "instance_version": data["instance_version"],
        "key_enabled": False,
    }
    call(sandbox.url, demo_token, "tenant/update_balance", json={**body, "amount": 10_000})
    detail = call(sandbox.url, demo_token, "tenant/info", params={"id": tenant_id}).json()
    assert detail["payload"]["balance"] == 3_000_010_000


def test_seeded_demo_data(sandbox: ServerProcess, demo_token: str) -> None:
    page = call(sandbox.url, demo_token, "tenant/list", params={"size": 100, "page": 1}).json()[
        "payload"
    ]
    seeded = [i for i in page["items"] if not i["email"].endswith("@example.vn")]
    assert len(seeded) >= 25
    details = [
        call(sandbox.url, demo_token, "tenant/info", params={"id": i["id"]}).json()["payload"]
        for i in seeded
    ]
    assert any(d["balance"] > 2**31 for d in details)
    assert all(d["status"] == "activated" and d["public_numbers"] for d in details)
    assert any(ch in "ăâđêôơưáàảãạếềộ" for d in details for ch in d["full_name"].casefold())


def test_openapi_describes_the_five_endpoints(sandbox: ServerProcess) -> None:
    response = httpx.get(f"{sandbox.url}/openapi.json")
    document = response.json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    assert paths["/api/auth"]["get"]["parameters"][0]["name"] == "apiKey"
    assert "requestBody" in paths["/api/partner/tenant/add"]["post"]
    assert {p["name"] for p in paths["/api/partner/tenant/list"]["post"]["parameters"]} == {
        "size",
        "page",
    }
    assert paths["/api/partner/tenant/info"]["get"]["parameters"][0]["name"] == "id"
    assert "401" in paths["/api/partner/tenant/update_balance"]["post"]["responses"]
    assert "Envelope" in document["components"]["schemas"]
    # The session sandbox runs with --admin, so its admin routes are described too.
    assert "/_sandbox/faults" in paths
