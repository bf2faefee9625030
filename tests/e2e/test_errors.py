"""One test per row of the error table (gateway/schema/errors.py OMI_CODES), over HTTP.

Codes a plain request cannot produce come from the sandbox's fault API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from gateway.schema.errors import OMI_CODES
from tests.conftest import get_token
from tests.e2e.conftest import READ_TIMEOUT, Gql, assert_no_leak, codes
from tests.e2e.test_mutations import CREATE, DESCRIPTION, TOP_UP, a_tenant, new_tenant
from tests.servers import ServerProcess, free_port

LIST = "{ tenants(size: 2) { items { id } } }"
Fault = Callable[..., None]


def _error(body: dict[str, Any], code: str, omi_code: str | None = None) -> None:
    assert body["data"] is None
    assert codes(body) == [code]
    if omi_code is not None:
        assert body["errors"][0]["extensions"]["omiCode"] == omi_code


def _create(gql: Gql) -> dict[str, Any]:
    result: dict[str, Any] = gql(CREATE, {"input": new_tenant()})["data"]["createTenant"]
    return result


def _top_up(gql: Gql) -> dict[str, Any]:
    email = a_tenant(gql)["email"]
    variables = {"input": {"email": email, "amount": 10_000, "description": DESCRIPTION}}
    result: dict[str, Any] = gql(TOP_UP, variables)["data"]["topUp"]
    return result


def _problem(result: dict[str, Any], field: str, code: str) -> None:
    assert result["__typename"] == "InvalidInput"
    assert [(p["field"], p["code"]) for p in result["problems"]] == [(field, code)]


def _list_error(code: str, failure: str) -> Callable[[Gql, Fault], None]:
    def check(gql: Gql, fault: Fault) -> None:
        fault(endpoint="tenant/list", omi_code=code, times=1)
        _error(gql(LIST), failure, code)

    return check


Check = Callable[[Gql, Fault], None]


def _input_problem(endpoint: str, code: str, field: str, problem: str) -> Check:
    def check(gql: Gql, fault: Fault) -> None:
        if endpoint == "tenant/add":
            fault(endpoint=endpoint, omi_code=code, times=1)
            _problem(_create(gql), field, problem)
        else:
            email = a_tenant(gql)["email"]
            fault(endpoint=endpoint, omi_code=code, times=1)
            variables = {"input": {"email": email, "amount": 10_000, "description": DESCRIPTION}}
            _problem(gql(TOP_UP, variables)["data"]["topUp"], field, problem)
        # In a query, the same OMI rejection is BAD_USER_INPUT with the same problem.
        fault(endpoint="tenant/list", omi_code=code, times=1)
        body = gql(LIST)
        _error(body, "BAD_USER_INPUT", code)
        assert body["errors"][0]["extensions"]["problems"][0]["field"] == field

    return check


def _denied(code: str) -> Callable[[Gql, Fault], None]:
    def check(gql: Gql, fault: Fault) -> None:
        email = a_tenant(gql)["email"]
        fault(endpoint="tenant/update_balance", omi_code=code, times=1)
        variables = {"input": {"email": email, "amount": 10_000, "description": DESCRIPTION}}
        result = gql(TOP_UP, variables)["data"]["topUp"]
        assert result["__typename"] == "TopUpDenied"
        assert result["omiCode"] == code
        fault(endpoint="tenant/list", omi_code=code, times=1)
        _error(gql(LIST), "FORBIDDEN", code)

    return check


def _status(endpoint: str, status: int, failure: str) -> Callable[[Gql, Fault], None]:
    def check(gql: Gql, fault: Fault) -> None:
        fault(endpoint=endpoint, http_status=status, times=1)
        _error(gql(LIST), failure)

    return check


def _bogus_token(gql: Gql, fault: Fault) -> None:
    _error(gql(LIST, token="not-a-token-omi-knows"), "UNAUTHENTICATED")


def _partner_invalid(gql: Gql, fault: Fault) -> None:
    _error(gql(LIST, token=_token("demo-tenant-key")), "FORBIDDEN", "partner_invalid")


def _tenant_invalid(gql: Gql, fault: Fault) -> None:
    _error(gql(LIST, token=_token("suspended-partner-key")), "FORBIDDEN", "tenant_invalid")


_SANDBOX_URL: list[str] = []


def _token(key: str) -> str:
    return get_token(_SANDBOX_URL[0], key)


def _email_registered(gql: Gql, fault: Fault) -> None:
    fault(endpoint="tenant/add", omi_code="email_registered", times=1)
    result = _create(gql)
    assert result["__typename"] == "EmailAlreadyRegistered"
    assert result["code"] == "EMAIL_ALREADY_REGISTERED"


def _create_failed(gql: Gql, fault: Fault) -> None:
    fault(endpoint="tenant/add", omi_code="create_tenant_error", times=1)
    result = _create(gql)
    assert result["__typename"] == "TenantCreationFailed"
    assert result["code"] == "TENANT_CREATION_FAILED"


def _not_found(gql: Gql, fault: Fault) -> None:
    body = gql('{ tenant(id: "ffffffffffffffffffffffff") { id } }')
    assert body == {"data": {"tenant": None}}


def _http_404(gql: Gql, fault: Fault) -> None:
    tenant_id = a_tenant(gql)["id"]
    fault(endpoint="tenant/info", http_status=404, times=1)
    body = gql("query($id: ID!) { tenant(id: $id) { id } }", {"id": tenant_id})
    assert body == {"data": {"tenant": None}}


def _unavailable(gql: Gql, fault: Fault) -> None:
    # A read is retried twice on a 503 or a drop (tests/e2e/test_resilience.py): all
    # three attempts must fail for the client to see the error.
    fault(endpoint="tenant/list", http_status=503, times=3)
    _error(gql(LIST), "UPSTREAM_UNAVAILABLE")
    fault(endpoint="tenant/list", mode="drop", times=3)
    _error(gql(LIST), "UPSTREAM_UNAVAILABLE")
    # Nothing listens on the upstream's port: a connect error.
    dead = f"http://127.0.0.1:{free_port()}"
    with ServerProcess(["serve", "--upstream", dead], ready_path="/healthz") as lone:
        response = httpx.post(
            f"{lone.url}/graphql",
            json={"query": LIST},
            headers={"Authorization": "Bearer whatever"},
        )
    assert_no_leak(response.text, sandbox_url=dead, secrets=["whatever"])
    _error(response.json(), "UPSTREAM_UNAVAILABLE")


def _timeout(gql: Gql, fault: Fault) -> None:
    assert float(READ_TIMEOUT) <= 5
    fault(endpoint="tenant/list", mode="hang", times=1)
    _error(gql(LIST), "UPSTREAM_TIMEOUT")


def _protocol(gql: Gql, fault: Fault) -> None:
    fault(endpoint="tenant/list", mode="garbage", times=1)
    _error(gql(LIST), "UPSTREAM_ERROR")
    fault(endpoint="tenant/list", http_status=418, times=1)
    _error(gql(LIST), "UPSTREAM_ERROR")


def _unknown(gql: Gql, fault: Fault) -> None:
    fault(endpoint="tenant/list", omi_code="brand_new_code", times=1)
    _error(gql(LIST), "UPSTREAM_ERROR", "brand_new_code")


CASES: dict[str, Callable[[Gql, Fault], None]] = {
    "HTTP 401 (text or JSON)": _bogus_token,
    "token_expired": _list_error("token_expired", "UNAUTHENTICATED"),
    "auth_invalid": _list_error("auth_invalid", "UNAUTHENTICATED"),
    "api_key_invalid": _list_error("api_key_invalid", "UNAUTHENTICATED"),
    "partner_invalid": _partner_invalid,
    "tenant_invalid": _tenant_invalid,
    "access_denied": _denied("access_denied"),
    "permission_denied": _denied("permission_denied"),
    "tenant_disabled": _denied("tenant_disabled"),
    "balance_is_not_enough": _denied("balance_is_not_enough"),
    "HTTP 403": _status("tenant/list", 403, "FORBIDDEN"),
    "body_request_is_required": _input_problem(
        "tenant/add", "body_request_is_required", "input", "INVALID"
    ),
    "request_body_required": _input_problem(
        "tenant/update_balance", "request_body_required", "input", "INVALID"
    ),
    "data_is_required": _input_problem("tenant/add", "data_is_required", "input", "INVALID"),
    "request_invalid": _input_problem("tenant/add", "request_invalid", "input", "INVALID"),
    "email_invalid": _input_problem("tenant/add", "email_invalid", "email", "INVALID_EMAIL"),
    "password_invalid": _input_problem(
        "tenant/add", "password_invalid", "password", "WEAK_PASSWORD"
    ),
    "amount_gte_10.000_vnd": _input_problem(
        "tenant/update_balance", "amount_gte_10.000_vnd", "amount", "TOO_SMALL"
    ),
    "description_is_required": _input_problem(
        "tenant/update_balance", "description_is_required", "description", "REQUIRED"
    ),
    "description_is_to_short.gte_50_characters": _input_problem(
        "tenant/update_balance",
        "description_is_to_short.gte_50_characters",
        "description",
        "TOO_SHORT",
    ),
    "email_registered": _email_registered,
    "create_tenant_error": _create_failed,
    "resource_not_found": _not_found,
    "HTTP 404": _http_404,
    "rate_limit_exceeded": _list_error("rate_limit_exceeded", "RATE_LIMITED"),
    "HTTP 429": _status("tenant/list", 429, "RATE_LIMITED"),
    "an unknown code or a sentence": _unknown,
    "HTTP 5xx, connect error, dropped connection": _unavailable,
    "no answer in time": _timeout,
    "not JSON, not the envelope, other HTTP status": _protocol,
}


def test_every_row_of_the_error_table_has_a_test() -> None:
    assert [row.trigger for row in OMI_CODES] == list(CASES)


@pytest.mark.parametrize("trigger", [row.trigger for row in OMI_CODES])
def test_error_table_row(trigger: str, gql: Gql, fault: Fault, sandbox: ServerProcess) -> None:
    _SANDBOX_URL[:] = [sandbox.url]
    CASES[trigger](gql, fault)


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "bearer", "Basic abc", "abc"])
def test_no_usable_token_is_unauthenticated_without_upstream_call(
    authorization: str | None, gql: Gql, stats: Callable[[], dict[str, int]]
) -> None:
    _error(gql(LIST, authorization=authorization), "UNAUTHENTICATED")
    assert sum(stats().values()) == 0
