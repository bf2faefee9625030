"""What the client puts on the wire: methods, paths, parameters, bodies, the header."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from gateway.omi import NotAuthenticated, OmiClient, UpstreamUnavailable
from tests.omi.fake import (
    API_KEY,
    CALLS,
    NEW_TENANT,
    TENANT_ID,
    TOKEN,
    TOP_UP,
    FakeOmi,
    envelope,
)


async def test_authenticate_request(fake: FakeOmi) -> None:
    fake.reply(200, envelope({"access_token": "t"}))
    await fake.client.authenticate(API_KEY)
    request = fake.requests[-1]
    assert request.method == "GET"
    assert request.url.path == "/api/auth"
    assert dict(request.url.params) == {"apiKey": API_KEY}
    assert "authorization" not in request.headers


async def test_list_request_with_keyword(fake: FakeOmi) -> None:
    fake.reply(200, envelope({"items": []}))
    await fake.client.list_tenants(TOKEN, page=3, size=7, keyword="Đông Á")
    request = fake.requests[-1]
    assert request.method == "POST"
    assert request.url.path == "/api/partner/tenant/list"
    assert dict(request.url.params) == {"size": "7", "page": "3"}
    assert request.headers["content-type"] == "application/json"
    assert fake.last_body == {"keyword": "Đông Á"}


async def test_list_request_without_keyword_omits_it(fake: FakeOmi) -> None:
    fake.reply(200, envelope({"items": []}))
    await fake.client.list_tenants(TOKEN, page=1, size=20)
    assert fake.last_body == {}


async def test_detail_request(fake: FakeOmi) -> None:
    fake.reply(200, envelope({}))
    await fake.client.get_tenant(TOKEN, "id with spaces&x=1")
    request = fake.requests[-1]
    assert request.method == "GET"
    assert request.url.path == "/api/partner/tenant/info"
    assert dict(request.url.params) == {"id": "id with spaces&x=1"}
    assert request.content == b""


async def test_create_request_is_camel_case(fake: FakeOmi) -> None:
    fake.reply(200, envelope({"id": TENANT_ID}))
    await fake.client.create_tenant(TOKEN, NEW_TENANT)
    request = fake.requests[-1]
    assert (request.method, request.url.path) == ("POST", "/api/partner/tenant/add")
    assert fake.last_body == {
        "email": "owner@example.vn",
        "password": "Str0ng!Pass",
        "fullName": "Công ty TNHH Thương mại Đông Á",
        "ownerName": "Nguyễn Văn A",
        "phone": "0844441900",
    }


@pytest.mark.parametrize("flag", [True, False])
async def test_create_request_sends_is_auto_active_when_set(fake: FakeOmi, flag: bool) -> None:
    fake.reply(200, envelope({"id": TENANT_ID}))
    await fake.client.create_tenant(TOKEN, dataclasses.replace(NEW_TENANT, is_auto_active=flag))
    assert fake.last_body["isAutoActive"] is flag


async def test_top_up_request_sends_the_amount_as_a_json_integer(fake: FakeOmi) -> None:
    fake.reply(200, envelope(omit_payload=True))
    await fake.client.top_up(TOKEN, TOP_UP)
    request = fake.requests[-1]
    assert (request.method, request.url.path) == ("POST", "/api/partner/tenant/update_balance")
    assert fake.last_body == {
        "email": "owner@example.vn",
        "amount": 5_000_000_000,
        "description": "x" * 60,
    }
    assert b'"amount":5000000000' in request.content


@pytest.mark.parametrize("call", sorted(set(CALLS) - {"authenticate"}))
async def test_authorization_is_forwarded_unchanged(fake: FakeOmi, call: str) -> None:
    fake.reply(503, b"")
    with pytest.raises(UpstreamUnavailable):
        await CALLS[call](fake.client)
    assert fake.requests[-1].headers["authorization"] == TOKEN
    assert fake.requests[-1].headers.get_list("authorization") == [TOKEN]


@pytest.mark.parametrize(
    "value", ["bearer lower-case-scheme", "Bearer  two  spaces", "Token abc", "Bearer é-latin1"]
)
async def test_authorization_bytes_are_kept_exactly(fake: FakeOmi, value: str) -> None:
    fake.reply(200, envelope({}))
    await fake.client.get_tenant(value, TENANT_ID)
    raw = dict(fake.requests[-1].headers.raw)
    assert raw[b"Authorization"] == value.encode("latin-1")


async def test_authorization_that_cannot_be_a_header_is_not_sent(fake: FakeOmi) -> None:
    with pytest.raises(NotAuthenticated) as caught:
        await fake.client.get_tenant("Bearer токен", TENANT_ID)
    assert fake.requests == []
    assert "токен" not in str(caught.value)


@pytest.mark.parametrize(
    "base_url",
    ["http://omi.invalid:8123", "http://omi.invalid:8123/", "https://omi.invalid/behind/proxy"],
)
async def test_the_url_is_httpxs_own_join_of_base_path_and_params(base_url: str) -> None:
    # The client builds each URL itself (one parse instead of httpx's three): it must be
    # the URL httpx would have built from the relative path and the params.
    seen: list[httpx.URL] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, json=envelope({}))

    async with httpx.AsyncClient(base_url=base_url, transport=httpx.MockTransport(answer)) as http:
        await OmiClient(http).get_tenant(TOKEN, "id with spaces&x=1/é")
        expected = http.build_request(
            "GET", "/api/partner/tenant/info", params={"id": "id with spaces&x=1/é"}
        ).url
    assert [str(url) for url in seen] == [str(expected)]
    assert seen[0].raw_path == expected.raw_path
