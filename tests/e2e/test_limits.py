"""Limits on by default and configurable: depth, aliases, tokens, document size, body
size and batch size, each refused with a typed error and no call to OMI (issue 5).

A gateway started with small limits (``TIGHT_ENV``) shows both sides of each limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from gateway.edge.config import EdgeConfig
from gateway.settings import EDGE_OPTIONS, Settings, SettingsError
from tests.e2e.edge_support import TIGHT_ENV, error_codes, gateway_process, messages, post_json
from tests.servers import ServerProcess

ONE_TENANT = '{ tenant(id: "000000000000000000000000") { id } }'
Stats = Callable[[], dict[str, int]]


@pytest.fixture(scope="module")
def tight(sandbox: ServerProcess) -> Iterator[ServerProcess]:
    """A gateway with the small limits of ``TIGHT_ENV``."""
    with gateway_process(sandbox.url, env=TIGHT_ENV) as server:
        yield server


@pytest.fixture(scope="module")
def unbatched(sandbox: ServerProcess) -> Iterator[ServerProcess]:
    """A gateway with batching off."""
    with gateway_process(sandbox.url, env={"OMI_GATEWAY_MAX_BATCH": "0"}) as server:
        yield server


def test_depth_within_the_limit_runs(tight: ServerProcess, demo_token: str) -> None:
    response = post_json(tight.url, {"query": ONE_TENANT}, token=demo_token)
    assert response.status_code == 200
    assert response.json() == {"data": {"tenant": None}}


def test_depth_over_the_limit_is_refused_before_omi(
    tight: ServerProcess, demo_token: str, stats: Stats
) -> None:
    response = post_json(tight.url, {"query": "{ tenants { items { id } } }"}, token=demo_token)
    assert response.status_code == 200
    assert response.json()["data"] is None
    assert error_codes(response) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "exceeds maximum operation depth of 1" in messages(response)[0]
    assert sum(stats().values()) == 0


def test_depth_is_limited_by_default(gateway: ServerProcess, demo_token: str) -> None:
    # The default limit is 10: eleven nested selections are refused whatever they name.
    deep = "{ tenants " + "{ items " * 10 + "{ id }" + " }" * 11
    response = post_json(gateway.url, {"query": deep}, token=demo_token)
    assert "exceeds maximum operation depth of 10" in " ".join(messages(response))
    assert set(error_codes(response)) == {"GRAPHQL_VALIDATION_FAILED"}


def test_aliases_within_and_over_the_limit(
    tight: ServerProcess, demo_token: str, stats: Stats
) -> None:
    two = '{ a: tenant(id: "0") { id } b: tenant(id: "1") { id } }'
    assert post_json(tight.url, {"query": two}, token=demo_token).json()["data"] == {
        "a": None,
        "b": None,
    }
    calls = sum(stats().values())
    three = '{ a: tenant(id: "0") { id } b: tenant(id: "1") { id } c: tenant(id: "2") { id } }'
    response = post_json(tight.url, {"query": three}, token=demo_token)
    assert error_codes(response) == ["GRAPHQL_VALIDATION_FAILED"]
    assert messages(response) == ["3 aliases found. Allowed: 2"]
    assert sum(stats().values()) == calls


def test_tokens_over_the_limit_fail_to_parse(tight: ServerProcess, demo_token: str) -> None:
    many = "{ " + " a" * 70 + " }"  # short, so only the token count is over
    response = post_json(tight.url, {"query": many}, token=demo_token)
    assert response.status_code == 200
    assert error_codes(response) == ["GRAPHQL_PARSE_FAILED"]
    assert "more than 60 tokens" in messages(response)[0]


def test_document_size_is_checked_before_parsing(tight: ServerProcess, demo_token: str) -> None:
    # Padding costs no tokens: the character limit alone decides.
    fits = ONE_TENANT + " " * (300 - len(ONE_TENANT))
    assert post_json(tight.url, {"query": fits}, token=demo_token).json() == {
        "data": {"tenant": None}
    }
    response = post_json(tight.url, {"query": fits + " "}, token=demo_token)
    assert response.status_code == 400
    assert error_codes(response) == ["BAD_REQUEST"]
    assert messages(response) == [
        "The GraphQL document has 301 characters; at most 300 are accepted."
    ]


def test_document_size_applies_to_get(tight: ServerProcess) -> None:
    response = httpx.get(
        f"{tight.url}/graphql",
        params={"query": "{ __typename }" + " " * 300},
        headers={"Apollo-Require-Preflight": "true"},
    )
    assert response.status_code == 400
    assert error_codes(response) == ["BAD_REQUEST"]


def test_body_over_the_limit_is_413(tight: ServerProcess, demo_token: str, stats: Stats) -> None:
    body = {"query": "{ __typename }", "variables": {"pad": "x" * 2100}}
    response = post_json(tight.url, body, token=demo_token)
    assert response.status_code == 413
    assert error_codes(response) == ["PAYLOAD_TOO_LARGE"]
    assert sum(stats().values()) == 0


def test_chunked_body_over_the_limit_is_413(tight: ServerProcess) -> None:
    # No Content-Length: the limit is counted as the body streams in.
    def chunks() -> Iterator[bytes]:
        yield b'{"query": "{ __typename }", "variables": {"pad": "'
        for _ in range(10):
            yield b"x" * 300
        yield b'"}}'

    response = httpx.post(
        f"{tight.url}/graphql",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert error_codes(response) == ["PAYLOAD_TOO_LARGE"]


def test_body_within_the_limit_runs(tight: ServerProcess) -> None:
    body = {"query": "{ __typename }", "variables": {"pad": "x" * 1800}}
    response = post_json(tight.url, body)
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


def test_a_batch_within_the_limit_runs_each_operation(
    tight: ServerProcess, demo_token: str
) -> None:
    batch = [{"query": ONE_TENANT}, {"query": "{ __typename }"}]
    response = post_json(tight.url, batch, token=demo_token)
    assert response.status_code == 200
    assert response.json() == [{"data": {"tenant": None}}, {"data": {"__typename": "Query"}}]


def test_a_batch_over_the_limit_is_refused_before_omi(
    tight: ServerProcess, demo_token: str, stats: Stats
) -> None:
    batch = [{"query": ONE_TENANT}] * 3
    response = post_json(tight.url, batch, token=demo_token)
    assert response.status_code == 400
    assert error_codes(response) == ["BAD_REQUEST"]
    assert messages(response) == ["Too many operations"]
    assert sum(stats().values()) == 0


def test_batching_is_on_by_default_up_to_ten(gateway: ServerProcess) -> None:
    ten = post_json(gateway.url, [{"query": "{ __typename }"}] * 10)
    assert ten.status_code == 200
    assert ten.json() == [{"data": {"__typename": "Query"}}] * 10
    eleven = post_json(gateway.url, [{"query": "{ __typename }"}] * 11)
    assert eleven.status_code == 400
    assert error_codes(eleven) == ["BAD_REQUEST"]


def test_batching_off_refuses_an_array(unbatched: ServerProcess) -> None:
    response = post_json(unbatched.url, [{"query": "{ __typename }"}])
    assert response.status_code == 400
    assert error_codes(response) == ["BAD_REQUEST"]
    assert messages(response) == ["Batching is not enabled"]
    single = post_json(unbatched.url, {"query": "{ __typename }"})
    assert single.json() == {"data": {"__typename": "Query"}}


def test_each_operation_of_a_batch_is_checked(tight: ServerProcess) -> None:
    batch = [{"query": "{ __typename }"}, {"query": "{ __typename }" + " " * 300}]
    response = post_json(tight.url, batch)
    assert response.status_code == 400
    assert error_codes(response) == ["BAD_REQUEST"]


def test_limits_come_from_the_environment() -> None:
    settings = Settings.from_env({option.env: "7" for option in EDGE_OPTIONS[:4]})
    edge = settings.edge_config()
    assert (edge.max_depth, edge.max_aliases, edge.max_tokens, edge.max_document_chars) == (
        7,
        7,
        7,
        7,
    )
    assert Settings().edge_config() == EdgeConfig(open_schema=True)  # no upstream: sandbox
    production = Settings(upstream="https://omi.example").edge_config()
    assert not production.open_schema
    assert Settings(upstream="https://omi.example", dev=True).edge_config().open_schema


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("OMI_GATEWAY_MAX_DEPTH", "0"),
        ("OMI_GATEWAY_MAX_BODY_BYTES", "100"),
        ("OMI_GATEWAY_MAX_BATCH", "-1"),
        ("OMI_GATEWAY_MAX_TOKENS", "many"),
        ("OMI_GATEWAY_CORS_ORIGINS", "app.example"),
    ],
)
def test_bad_limits_are_refused_with_the_variable_named(variable: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({variable: value})
    field = variable.removeprefix("OMI_GATEWAY_").lower()
    assert field in str(caught.value) or variable in str(caught.value)


def test_the_readme_lists_every_limit_with_its_default() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    defaults = Settings()
    for option in EDGE_OPTIONS:
        value = getattr(defaults, option.field)
        shown = "(none)" if value is None else f"`{value}`"
        row = f"| (environment only) | `{option.env}` | {shown} | {option.help} |"
        assert row in readme
