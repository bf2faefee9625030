"""Fuzzing below GraphQL: random bytes, random JSON shapes, random content types and
query strings at ``/graphql``. Never a 5xx; a JSON error always carries a code; the
process stays up. Bounded and derandomized.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import assert_still_serving
from tests.fuzz.test_generated_operations import check_answer
from tests.servers import ServerProcess

EXAMPLES = 100
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(["{ __typename }", "{ tenants { items { id } } }", "mutation { x }", "{"]),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["query", "variables", "operationName", "extensions", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json; charset=latin-1",
        "application/graphql-response+json",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
        "application/xml",
        "",
        "application/json;;; q=",
    ]
)


def _answer_checked(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    if response.headers.get("content-type", "").startswith("application/json"):
        check_answer(response)


@FUZZ
@given(body=st.binary(max_size=2000), content_type=CONTENT_TYPES)
def test_random_bytes(fuzz_gateway: ServerProcess, body: bytes, content_type: str) -> None:
    headers = {"Content-Type": content_type, "Apollo-Require-Preflight": "1"}
    response = httpx.post(f"{fuzz_gateway.url}/graphql", content=body, headers=headers)
    _answer_checked(response)


@FUZZ
@given(value=JSON_VALUES)
def test_random_json_shapes(fuzz_gateway: ServerProcess, fuzz_token: str, value: Any) -> None:
    response = httpx.post(
        f"{fuzz_gateway.url}/graphql",
        content=json.dumps(value).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {fuzz_token}"},
    )
    _answer_checked(response)


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["query", "variables", "operationName", "extensions", "x"]),
        st.one_of(st.text(max_size=60), JSON_VALUES.map(json.dumps)),
        max_size=4,
    ),
    accept=st.sampled_from(["*/*", "text/html", "application/json", ""]),
)
def test_random_get_requests(
    fuzz_gateway: ServerProcess, params: dict[str, str], accept: str
) -> None:
    response = httpx.get(
        f"{fuzz_gateway.url}/graphql",
        params=params,
        headers={"Accept": accept, "Apollo-Require-Preflight": "1"},
    )
    _answer_checked(response)


def test_the_gateway_still_serves_after_the_raw_bodies(fuzz_gateway: ServerProcess) -> None:
    assert_still_serving(fuzz_gateway)
