"""HTTP statuses and bodies that are not a success envelope."""

from __future__ import annotations

import pytest

from gateway.omi import (
    Denied,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    OmiError,
    ProtocolError,
    RateLimited,
    UpstreamUnavailable,
)
from tests.omi.fake import CALLS, FakeOmi, envelope, failure


@pytest.mark.parametrize("call", sorted(CALLS))
async def test_401_with_bare_text_is_not_authenticated(fake: FakeOmi, call: str) -> None:
    fake.reply(401, b"Unauthorized", headers={"Content-Type": "text/plain"})
    with pytest.raises(NotAuthenticated) as caught:
        await CALLS[call](fake.client)
    assert caught.value.http_status == 401
    assert caught.value.omi_code is None


@pytest.mark.parametrize("body", [b"", b"<html><body>401</body></html>", b"[1, 2]"])
async def test_401_with_any_other_body_is_not_authenticated(fake: FakeOmi, body: bytes) -> None:
    fake.reply(401, body)
    with pytest.raises(NotAuthenticated) as caught:
        await CALLS["list_tenants"](fake.client)
    assert caught.value.omi_code is None


@pytest.mark.parametrize("code", ["token_expired", "auth_invalid", "partner_invalid"])
async def test_401_with_json_keeps_its_code(fake: FakeOmi, code: str) -> None:
    fake.reply(401, failure(code), headers={"X-Request-ID": "r-401"})
    with pytest.raises(NotAuthenticated) as caught:
        await CALLS["get_tenant"](fake.client)
    assert caught.value.omi_code == code
    assert caught.value.http_status == 401
    assert caught.value.request_id == "r-401"


@pytest.mark.parametrize(
    ("status", "expected"), [(403, Denied), (404, NotFound), (429, RateLimited)]
)
@pytest.mark.parametrize("body", [b"", b"Forbidden", failure("permission_denied")])
async def test_status_that_names_the_failure(
    fake: FakeOmi, status: int, expected: type[OmiError], body: object
) -> None:
    fake.reply(status, body)
    with pytest.raises(expected) as caught:
        await CALLS["list_tenants"](fake.client)
    assert type(caught.value) is expected
    assert caught.value.http_status == status
    assert caught.value.omi_code == ("permission_denied" if isinstance(body, dict) else None)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
@pytest.mark.parametrize("call", sorted(CALLS))
async def test_5xx_is_unavailable_and_maybe_sent(fake: FakeOmi, status: int, call: str) -> None:
    fake.reply(status, b"<html>Bad Gateway</html>", headers={"x-request-id": "r-5xx"})
    with pytest.raises(UpstreamUnavailable) as caught:
        await CALLS[call](fake.client)
    assert caught.value.maybe_sent is True
    assert caught.value.http_status == status
    assert caught.value.request_id == "r-5xx"


async def test_5xx_with_an_envelope_keeps_the_code(fake: FakeOmi) -> None:
    fake.reply(503, failure("service_unavailable"))
    with pytest.raises(UpstreamUnavailable) as caught:
        await CALLS["top_up"](fake.client)
    assert caught.value.omi_code == "service_unavailable"


@pytest.mark.parametrize("status", [301, 302, 400, 405, 409, 418])
async def test_unexpected_status_is_a_protocol_error(fake: FakeOmi, status: int) -> None:
    fake.reply(status, b"nope")
    with pytest.raises(ProtocolError) as caught:
        await CALLS["get_tenant"](fake.client)
    assert caught.value.http_status == status
    assert caught.value.maybe_sent is True


async def test_4xx_carrying_an_omi_code_keeps_its_meaning(fake: FakeOmi) -> None:
    fake.reply(400, failure("email_invalid"))
    with pytest.raises(InvalidRequest) as caught:
        await CALLS["create_tenant"](fake.client)
    assert caught.value.field == "email"
    assert caught.value.http_status == 400


GARBAGE: list[object] = [
    b"",
    b"not json at all",
    b"<html><h1>It works</h1></html>",
    b"\xff\xfe\x00garbage",
    b"[" * 100_000,
    b"null",
    b"42",
    b'"status_code"',
    [envelope({})],
    {"payload": {}},
    {"status_code": 0, "payload": {}},
    {"status_code": 200, "payload": {}},
    {"status_code": None},
]


@pytest.mark.parametrize("body", GARBAGE, ids=range(len(GARBAGE)))
@pytest.mark.parametrize("call", sorted(CALLS))
async def test_200_that_is_not_an_envelope_is_a_protocol_error(
    fake: FakeOmi, call: str, body: object
) -> None:
    fake.reply(200, body, headers={"X-Request-ID": "r-garbage"})
    with pytest.raises(ProtocolError) as caught:
        await CALLS[call](fake.client)
    assert caught.value.maybe_sent is True
    assert caught.value.http_status == 200
    assert caught.value.request_id == "r-garbage"


async def test_no_request_id_header_leaves_it_none(fake: FakeOmi) -> None:
    fake.reply(200, failure("access_denied"))
    with pytest.raises(Denied) as caught:
        await CALLS["top_up"](fake.client)
    assert caught.value.request_id is None
