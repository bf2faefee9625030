"""Chaos, bounded: a few hundred top-ups while the sandbox adds latency, drops and 503s.

Afterwards each tenant's balance at the sandbox is its starting balance plus the top-ups
the gateway reported as succeeded, plus at most those it reported as outcome unknown:
no money invented, none charged twice. Every top-up carries an idempotency key; like a
careful client, the test repeats an unknown or failed one once with the same key.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from tests.e2e.resilience_support import (
    TOP_UP,
    Sandbox,
    error_codes,
    gateway,
    post,
    top_up_input,
)
from tests.servers import ServerProcess

TOP_UPS = 240
TENANTS = 4
# What a client may see besides a typed result: nothing was sent in these cases.
NOTHING_SENT = {"UPSTREAM_UNAVAILABLE", "UPSTREAM_BUSY", "UPSTREAM_TIMEOUT"}


@dataclass
class Outcome:
    """How one key ended, as the gateway reported it."""

    email: str
    amount: int
    answers: list[str]

    @property
    def final(self) -> str:
        for kind in ("TopUpSucceeded", "TopUpOutcomeUnknown"):
            if kind in self.answers:
                return kind
        return "none"


@pytest.fixture
def chaotic(sandbox: ServerProcess) -> Iterator[ServerProcess]:
    """A gateway with short timeouts and a quick breaker, as under real trouble."""
    settings = {"request_timeout": "3", "breaker_cool_down": "0.3"}
    with gateway(sandbox.url, "--read-timeout", "1", **settings) as server:
        yield server


def one_key(url: str, token: str, email: str, amount: int) -> Outcome:
    """A top-up with a fresh key, repeated once with the same key unless it succeeded."""
    variables = top_up_input(email, amount, str(uuid.uuid4()))
    outcome = Outcome(email, amount, [])
    for _ in range(2):
        body = post(url, token, TOP_UP, variables)
        if body.get("errors"):
            codes = error_codes(body)
            assert set(codes) <= NOTHING_SENT, body
            outcome.answers.append(codes[0])
            continue
        kind = body["data"]["topUp"]["__typename"]
        assert kind in ("TopUpSucceeded", "TopUpOutcomeUnknown"), body
        if outcome.answers and outcome.answers[-1] == "TopUpOutcomeUnknown":
            assert kind == "TopUpOutcomeUnknown"  # replayed, never sent twice
        outcome.answers.append(kind)
        if kind == "TopUpSucceeded":
            break
    return outcome


def test_no_money_invented_none_charged_twice(chaotic: ServerProcess, omi: Sandbox) -> None:
    tenants = [omi.new_tenant() for _ in range(TENANTS)]
    before = {email: omi.balance(tenant_id) for tenant_id, email in tenants}
    for fault in (
        {"latency_ms": 30, "probability": 0.3},
        {"mode": "drop", "probability": 0.08},
        {"mode": "drop_after", "probability": 0.08},
        {"http_status": 503, "probability": 0.08},
    ):
        omi.fault(endpoint="tenant/update_balance", **fault)
    rng = random.Random(5)
    plan = [(rng.choice(tenants)[1], rng.randrange(10_000, 100_000)) for _ in range(TOP_UPS)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(
            pool.map(lambda job: one_key(chaotic.url, omi.token, *job), plan, timeout=120)
        )
    omi.clear_faults()

    finals = [o.final for o in outcomes]
    assert finals.count("TopUpSucceeded") > TOP_UPS // 2
    assert finals.count("TopUpOutcomeUnknown") > 0  # the chaos did bite
    for tenant_id, email in tenants:
        mine = [o for o in outcomes if o.email == email]
        succeeded = sum(o.amount for o in mine if o.final == "TopUpSucceeded")
        unknown = sum(o.amount for o in mine if o.final == "TopUpOutcomeUnknown")
        moved = omi.balance(tenant_id) - before[email]
        assert succeeded <= moved <= succeeded + unknown, (email, succeeded, unknown, moved)
