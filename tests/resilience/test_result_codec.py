"""Every result an idempotency key keeps survives JSON and comes back equal."""

from __future__ import annotations

import json

import pytest
import strawberry

from gateway.omi import TopUp
from gateway.schema.errors import (
    EmailAlreadyRegistered,
    ErrorCode,
    FieldProblem,
    ProblemCode,
    TenantCreationFailed,
    TopUpDenied,
    invalid_input,
)
from gateway.schema.idempotent import key_problems
from gateway.schema.mutation import (
    _CREATE_RESULTS,
    _TOP_UP_RESULTS,
    TenantCreated,
    TopUpSucceeded,
)
from gateway.schema.outcomes import creation_unknown, top_up_unknown
from gateway.schema.scalars import Money

TOP_UPS = [
    TopUpSucceeded(email="a@b.vn", amount=Money(5_000_000_000)),
    TopUpDenied(code=ErrorCode.TOP_UP_DENIED, message="no", omi_code="access_denied"),
    invalid_input([FieldProblem(field="amount", code=ProblemCode.TOO_SMALL, message="m")]),
    top_up_unknown(TopUp("a@b.vn", 3_000_000_000, "d")),
]
CREATES = [
    TenantCreated(id=strawberry.ID("abc123")),
    EmailAlreadyRegistered(code=ErrorCode.EMAIL_ALREADY_REGISTERED, message="m", email="e"),
    TenantCreationFailed(code=ErrorCode.TENANT_CREATION_FAILED, message="m"),
    creation_unknown("a@b.vn"),
]


@pytest.mark.parametrize("result", TOP_UPS, ids=lambda r: type(r).__name__)
def test_top_up_results_round_trip(result: object) -> None:
    stored = json.loads(json.dumps(_TOP_UP_RESULTS.encode(result)))
    assert _TOP_UP_RESULTS.decode(stored) == result


@pytest.mark.parametrize("result", CREATES, ids=lambda r: type(r).__name__)
def test_create_results_round_trip(result: object) -> None:
    stored = json.loads(json.dumps(_CREATE_RESULTS.encode(result)))
    assert _CREATE_RESULTS.decode(stored) == result


def test_money_stays_an_exact_int() -> None:
    stored = json.loads(json.dumps(_TOP_UP_RESULTS.encode(TOP_UPS[0])))
    assert stored["fields"]["amount"] == 5_000_000_000
    assert isinstance(stored["fields"]["amount"], int)


@pytest.mark.parametrize("key", ["k", "x" * 255, "2f1c-Ω-ключ", "a b"])
def test_usable_keys(key: str) -> None:
    assert key_problems(key) == []
    assert key_problems(None) == []


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there", " lead", "trail ", "nul\x00"])
def test_unusable_keys(key: str) -> None:
    assert [p.field for p in key_problems(key)] == ["idempotencyKey"]
