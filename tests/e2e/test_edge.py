"""Hostile requests at the edge (issue 5): introspection and suggestions, CSRF, GET
mutations, CORS, malformed bodies and masked crashes, over real HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.e2e.edge_support import (
    ALLOWED_ORIGIN,
    CRASH_HOOK,
    TIGHT_ENV,
    error_codes,
    gateway_process,
    messages,
    post_json,
)
from tests.servers import ServerProcess

Stats = Callable[[], dict[str, int]]
INTROSPECTION = "{ __schema { queryType { name } } }"
TYPE_QUERY = '{ __type(name: "Tenant") { name } }'
LIST = "{ tenants(size: 1) { items { id } } }"
MUTATION = (
    'mutation { topUp(input: {email: "a@b.vn", amount: 10000, description: "x"}) { __typename } }'
)


@pytest.fixture(scope="module")
def dev(sandbox: ServerProcess) -> Iterator[ServerProcess]:
    """``serve --dev``: introspection and suggestions on."""
    with gateway_process(sandbox.url, "--dev") as server:
        yield server


@pytest.fixture(scope="module")
def cors(sandbox: ServerProcess) -> Iterator[ServerProcess]:
    """A gateway whose CORS allowlist holds ``ALLOWED_ORIGIN``."""
    with gateway_process(sandbox.url, env=TIGHT_ENV) as server:
        yield server


@pytest.fixture(scope="module")
def buggy(sandbox: ServerProcess) -> Iterator[ServerProcess]:
    """A gateway with a planted bug (see ``crash_hook/sitecustomize.py``)."""
    with gateway_process(sandbox.url, env={"PYTHONPATH": CRASH_HOOK}) as server:
        yield server


# Introspection and suggestions


@pytest.mark.parametrize("query", [INTROSPECTION, TYPE_QUERY])
def test_introspection_is_off_by_default(gateway: ServerProcess, query: str) -> None:
    response = post_json(gateway.url, {"query": query})
    assert response.status_code == 200
    assert response.json()["data"] is None
    assert set(error_codes(response)) == {"GRAPHQL_VALIDATION_FAILED"}
    assert "introspection has been disabled" in messages(response)[0]


def test_typename_still_answers_without_introspection(gateway: ServerProcess) -> None:
    response = post_json(gateway.url, {"query": "{ __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}


def test_introspection_is_on_in_dev_mode(dev: ServerProcess) -> None:
    response = post_json(dev.url, {"query": INTROSPECTION})
    assert response.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


@pytest.mark.parametrize(
    ("query", "hint"),
    [
        ("{ tenants { itemz { id } } }", "Did you mean 'items'?"),
        ("{ tenants(pag: 1) { items { id } } }", "Did you mean 'page'?"),
        ("{ tenant(id: 1) { fullNam } }", "Did you mean 'fullName'?"),
    ],
)
def test_suggestions_are_hidden_unless_dev(
    gateway: ServerProcess, dev: ServerProcess, query: str, hint: str
) -> None:
    hidden = post_json(gateway.url, {"query": query})
    assert set(error_codes(hidden)) == {"GRAPHQL_VALIDATION_FAILED"}
    assert all("Did you mean" not in message for message in messages(hidden))
    shown = post_json(dev.url, {"query": query})
    assert any(hint in message for message in messages(shown))
    # The same error, minus the hint.
    assert [m.replace(" " + hint, "") for m in messages(shown)] == messages(hidden)


def test_suggestions_in_variable_errors_are_hidden(gateway: ServerProcess) -> None:
    query = "mutation($in: TopUpInput!) { topUp(input: $in) { __typename } }"
    variables = {"in": {"email": "a@b.vn", "amont": 10000, "description": "x"}}
    response = post_json(gateway.url, {"query": query, "variables": variables})
    assert set(error_codes(response)) == {"BAD_USER_INPUT"}
    assert any("amont" in message for message in messages(response))
    assert all("Did you mean" not in message for message in messages(response))


def test_syntax_errors_have_a_code(gateway: ServerProcess) -> None:
    response = post_json(gateway.url, {"query": "{ tenants {"})
    assert response.status_code == 200
    assert error_codes(response) == ["GRAPHQL_PARSE_FAILED"]


# CSRF and GET


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_simple_posts_are_refused_as_csrf(
    gateway: ServerProcess, demo_token: str, stats: Stats, content_type: str
) -> None:
    response = httpx.post(
        f"{gateway.url}/graphql",
        content=b'{"query": "{ tenants { items { id } } }"}',
        headers={"Content-Type": content_type, "Authorization": f"Bearer {demo_token}"},
    )
    assert response.status_code == 400
    assert error_codes(response) == ["BAD_REQUEST"]
    assert "Cross-Site Request Forgery" in messages(response)[0]
    assert sum(stats().values()) == 0


def test_a_get_query_needs_a_preflight_header(
    gateway: ServerProcess, demo_token: str, stats: Stats
) -> None:
    auth = {"Authorization": f"Bearer {demo_token}"}
    plain = httpx.get(f"{gateway.url}/graphql", params={"query": LIST}, headers=auth)
    assert plain.status_code == 400
    assert error_codes(plain) == ["BAD_REQUEST"]
    assert sum(stats().values()) == 0
    preflighted = httpx.get(
        f"{gateway.url}/graphql",
        params={"query": LIST},
        headers={**auth, "Apollo-Require-Preflight": "true"},
    )
    assert preflighted.status_code == 200
    assert len(preflighted.json()["data"]["tenants"]["items"]) == 1


def test_the_graphiql_page_still_opens(gateway: ServerProcess) -> None:
    response = httpx.get(f"{gateway.url}/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


def test_mutations_never_run_over_get(
    gateway: ServerProcess, demo_token: str, stats: Stats
) -> None:
    response = httpx.get(
        f"{gateway.url}/graphql",
        params={"query": MUTATION},
        headers={"Authorization": f"Bearer {demo_token}", "Apollo-Require-Preflight": "1"},
    )
    assert response.status_code == 400
    assert error_codes(response) == ["BAD_REQUEST"]
    assert messages(response) == ["mutations are not allowed when using GET"]
    assert stats().get("tenant/update_balance", 0) == 0


# CORS


def _preflight(url: str, origin: str) -> httpx.Response:
    return httpx.options(
        f"{url}/graphql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, x-request-id",
        },
    )


def test_a_preflight_from_an_allowed_origin_passes(cors: ServerProcess) -> None:
    response = _preflight(cors.url, ALLOWED_ORIGIN)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    allowed = {
        h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")
    }
    assert {"authorization", "content-type", "apollo-require-preflight", "x-request-id"} <= allowed
    assert "POST" in response.headers["access-control-allow-methods"]


def test_a_preflight_from_another_origin_is_refused(cors: ServerProcess) -> None:
    response = _preflight(cors.url, "https://evil.example")
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


def test_no_origin_is_allowed_by_default(gateway: ServerProcess) -> None:
    response = _preflight(gateway.url, ALLOWED_ORIGIN)
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers
    answer = post_json(gateway.url, {"query": "{ __typename }"}, headers={"Origin": ALLOWED_ORIGIN})
    assert "access-control-allow-origin" not in answer.headers


def test_an_allowed_origin_reads_the_answer(cors: ServerProcess) -> None:
    response = post_json(cors.url, {"query": "{ __typename }"}, headers={"Origin": ALLOWED_ORIGIN})
    assert response.json() == {"data": {"__typename": "Query"}}
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN


# Malformed requests: typed 4xx, never a 500


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "Unable to parse request body as JSON"),
        (b"\xff\xfe\x00garbage", "Unable to parse request body as JSON"),
        (b"[" * 60_000, "Unable to parse request body as JSON"),
        (b"42", "The request body must be a JSON object"),
        (b'"query"', "The request body must be a JSON object"),
        (b"null", "The request body must be a JSON object"),
        (b"[1, 2]", "The request body must be a JSON object"),
        (b'[{"query": 5}]', "The GraphQL operation's `query` must be a string"),
        (b'[{"query": "{ __typename }", "variables": []}]', "`variables` must be an object"),
        (b'{"query": "{ __typename }", "operationName": 3}', "`operationName` must be a string"),
        (b'{"variables": {}}', "No GraphQL query found in the request"),
        (b'{"query": "query A { __typename }", "operationName": "B"}', "operation"),
    ],
)
def test_malformed_bodies_are_typed_400s(gateway: ServerProcess, body: bytes, message: str) -> None:
    response = httpx.post(
        f"{gateway.url}/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert error_codes(response) == ["BAD_REQUEST"]
    assert message in messages(response)[0]


def test_an_unsupported_content_type_is_a_typed_400(gateway: ServerProcess) -> None:
    response = httpx.post(
        f"{gateway.url}/graphql",
        content=b"<query/>",
        headers={"Content-Type": "application/xml"},
    )
    assert response.status_code == 400
    assert error_codes(response) == ["BAD_REQUEST"]


# Masked crashes


def test_a_crash_in_a_resolver_is_masked_with_the_request_id(
    buggy: ServerProcess, demo_token: str
) -> None:
    query = '{ tenants(keyword: "__crash__") { items { id } } }'
    response = post_json(buggy.url, {"query": query}, token=demo_token)
    assert response.status_code == 200
    [error] = response.json()["errors"]
    request_id = response.headers["x-request-id"]
    assert error["message"] == "Unexpected error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert "injected bug" not in response.text
    assert demo_token not in response.text
    # The details are in the log, with the id to find them and the trace.
    log = buggy.output()
    assert f"request_id={request_id}" in log
    assert "RuntimeError: injected bug" in log
    assert "Traceback" in log
    assert demo_token not in log
    # The process still serves.
    assert httpx.get(f"{buggy.url}/healthz").status_code == 200


def test_a_caller_request_id_is_quoted_back(buggy: ServerProcess, demo_token: str) -> None:
    query = '{ tenants(keyword: "__crash__") { items { id } } }'
    response = post_json(
        buggy.url, {"query": query}, token=demo_token, headers={"X-Request-ID": "support-1234"}
    )
    assert response.json()["errors"][0]["extensions"]["requestId"] == "support-1234"


@pytest.mark.parametrize("query", ["{}", "{ tenants {} }", "query Q {}"])
def test_empty_selection_sets_are_refused_not_crashed(
    gateway: ServerProcess, demo_token: str, stats: Stats, query: str
) -> None:
    # Found by tests/fuzz: graphql-core 3.3 parses them, Strawberry's depth walk failed.
    response = post_json(gateway.url, {"query": query}, token=demo_token)
    assert response.status_code == 200
    assert error_codes(response) == ["GRAPHQL_VALIDATION_FAILED"]
    assert messages(response) == ["Empty selection sets are not accepted."]
    assert sum(stats().values()) == 0
