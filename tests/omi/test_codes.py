"""Every OMI error code becomes exactly one exception class, on every endpoint."""

from __future__ import annotations

import pytest

from gateway.omi import (
    OMI_CODES,
    Conflict,
    Denied,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    NotPartner,
    OmiRejected,
    OperationFailed,
    RateLimited,
    UnknownOmiCode,
)
from tests.omi.fake import CALLS, FakeOmi, failure

# The expected outcome of each code, written out here (not read from the table under
# test) so that a wrong row fails, and compared key by key with the table so that a
# code added without a row here fails too.
EXPECTED: dict[str, tuple[type[OmiRejected], str | None]] = {
    "token_expired": (NotAuthenticated, None),
    "auth_invalid": (NotAuthenticated, None),
    "api_key_invalid": (NotAuthenticated, None),
    "partner_invalid": (NotPartner, None),
    "tenant_invalid": (NotPartner, None),
    "access_denied": (Denied, None),
    "permission_denied": (Denied, None),
    "tenant_disabled": (Denied, None),
    "balance_is_not_enough": (Denied, None),
    "request_invalid": (InvalidRequest, None),
    "body_request_is_required": (InvalidRequest, None),
    "request_body_required": (InvalidRequest, None),
    "data_is_required": (InvalidRequest, None),
    "email_invalid": (InvalidRequest, "email"),
    "password_invalid": (InvalidRequest, "password"),
    "amount_gte_10.000_vnd": (InvalidRequest, "amount"),
    "description_is_required": (InvalidRequest, "description"),
    "description_is_to_short.gte_50_characters": (InvalidRequest, "description"),
    "email_registered": (Conflict, None),
    "resource_not_found": (NotFound, None),
    "rate_limit_exceeded": (RateLimited, None),
    "create_tenant_error": (OperationFailed, None),
}

# Codes whose meaning depends on the endpoint.
ON_ENDPOINT: dict[tuple[str, str], type[OmiRejected]] = {
    ("get_tenant", "tenant_invalid"): NotFound,
}


def test_every_code_in_the_table_has_an_expected_row() -> None:
    assert set(OMI_CODES) == set(EXPECTED)


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("code", sorted(EXPECTED))
async def test_code_becomes_its_exception(fake: FakeOmi, call: str, code: str) -> None:
    fake.reply(200, failure(code), headers={"X-Request-ID": "req-42"})
    expected, field = EXPECTED[code]
    expected = ON_ENDPOINT.get((call, code), expected)

    with pytest.raises(OmiRejected) as caught:
        await CALLS[call](fake.client)

    error = caught.value
    assert type(error) is expected
    assert error.omi_code == code
    assert error.http_status == 200
    assert error.request_id == "req-42"
    if isinstance(error, InvalidRequest):
        assert error.field == field
    assert code in str(error)


@pytest.mark.parametrize("call", sorted(CALLS))
async def test_unknown_code_is_kept_raw(fake: FakeOmi, call: str) -> None:
    fake.reply(200, failure("quota_exceeded.v2"))
    with pytest.raises(UnknownOmiCode) as caught:
        await CALLS[call](fake.client)
    assert caught.value.omi_code == "quota_exceeded.v2"
    assert caught.value.http_status == 200


async def test_code_is_matched_whatever_its_case_and_spacing(fake: FakeOmi) -> None:
    fake.reply(200, failure("  Email_Registered \n"))
    with pytest.raises(Conflict) as caught:
        await CALLS["create_tenant"](fake.client)
    assert caught.value.omi_code == "email_registered"


async def test_a_sentence_is_an_unknown_code_kept_raw_and_cut_short(fake: FakeOmi) -> None:
    sentence = "Không tìm thấy doanh nghiệp. " * 20
    fake.reply(200, failure(sentence))
    with pytest.raises(UnknownOmiCode) as caught:
        await CALLS["get_tenant"](fake.client)
    kept = caught.value.omi_code
    assert kept is not None
    assert sentence.startswith(kept)
    assert 0 < len(kept) <= 120
    # The message is the gateway's own words, not OMI's text.
    assert "doanh nghiệp" not in str(caught.value)


@pytest.mark.parametrize("message", [None, "", "   ", 42, {"code": "x"}, ["email_invalid"]])
async def test_a_failure_without_a_usable_message_is_an_unknown_code(
    fake: FakeOmi, message: object
) -> None:
    fake.reply(200, failure(message))
    with pytest.raises(UnknownOmiCode) as caught:
        await CALLS["list_tenants"](fake.client)
    assert caught.value.omi_code is None


async def test_failure_without_message_key_is_an_unknown_code(fake: FakeOmi) -> None:
    fake.reply(200, {"status_code": -9999})
    with pytest.raises(UnknownOmiCode):
        await CALLS["top_up"](fake.client)


async def test_status_code_may_be_a_string(fake: FakeOmi) -> None:
    fake.reply(200, {"status_code": "-9999", "message": "access_denied"})
    with pytest.raises(Denied):
        await CALLS["top_up"](fake.client)
