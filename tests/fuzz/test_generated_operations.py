"""Property test: operations generated from ``schema.graphql`` (valid ones and ones with
one violation each, by hypothesis-graphql) sent to a running gateway over HTTP.

Whatever the operation: no 5xx, a JSON body, an ``extensions.code`` on every error and
never INTERNAL_SERVER_ERROR (that would be an unexpected exception); the process stays
up. Bounded and derandomized, so CI runs the same examples every time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import graphql
import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from tests.fuzz.conftest import assert_still_serving
from tests.servers import ServerProcess

SDL = (Path(__file__).parents[2] / "schema.graphql").read_text(encoding="utf-8")
EXAMPLES = 150

# Money is an integer beyond 2^31 (negative, zero and huge included); DateTime a string.
SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    "Money": st.integers(min_value=-(2**70), max_value=2**70).map(nodes.Int),
    "DateTime": st.text(max_size=30).map(nodes.String),
}


def _operations() -> st.SearchStrategy[str]:
    kinds = [
        strategy(SDL, custom_scalars=SCALARS, mode=mode)
        for strategy in (queries, mutations)
        for mode in (Mode.POSITIVE, Mode.NEGATIVE)
    ]
    return st.one_of(*kinds)


def check_answer(response: httpx.Response) -> list[str]:
    """The answer is not a 5xx and every error in it has a code; returns the codes."""
    assert response.status_code < 500, response.text
    body: Any = response.json()
    results = body if isinstance(body, list) else [body]
    found: list[str] = []
    for result in results:
        for error in result.get("errors") or []:
            code = (error.get("extensions") or {}).get("code")
            assert isinstance(code, str), error
            assert code, error
            found.append(code)
    assert "INTERNAL_SERVER_ERROR" not in found, response.text
    return found


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(operation=_operations())
def test_generated_operations_never_fail_the_server(
    fuzz_gateway: ServerProcess, fuzz_token: str, operation: str
) -> None:
    response = httpx.post(
        f"{fuzz_gateway.url}/graphql",
        json={"query": operation},
        headers={"Authorization": f"Bearer {fuzz_token}"},
        timeout=30,
    )
    check_answer(response)


def test_the_gateway_still_serves_after_the_generated_operations(
    fuzz_gateway: ServerProcess,
) -> None:
    assert_still_serving(fuzz_gateway)
