"""``OperationRecorder`` in the schema, without a server: what a request's record holds."""

from __future__ import annotations

import httpx
import pytest

from gateway.observability import OperationRecorder, RequestRecord
from gateway.observability.record import recording
from gateway.omi import OmiClient
from gateway.schema import Context, build_schema


async def _record_of(query: str) -> RequestRecord:
    """Run ``query`` on the gateway's schema inside a fresh request record."""

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no upstream call expected: {request.url}")

    record = RequestRecord("r-1")
    schema = build_schema(first=(OperationRecorder,))
    async with httpx.AsyncClient(
        base_url="http://omi.test", transport=httpx.MockTransport(unreachable)
    ) as http:
        context = Context(omi=OmiClient(http), authorization=None)
        with recording(record):
            await schema.execute(query, context_value=context)
    return record


def test_build_schema_places_the_first_extensions_before_its_own() -> None:
    plain = build_schema()
    schema = build_schema(first=(OperationRecorder,))
    assert schema.extensions[0] is OperationRecorder
    assert len(schema.extensions) == len(plain.extensions) + 1
    assert OperationRecorder not in plain.extensions


async def test_an_operation_is_recorded() -> None:
    record = await _record_of("query Named { __typename }")
    assert (record.operation_name, record.operation_type) == ("Named", "query")
    assert record.result == "ok"


@pytest.mark.parametrize("query", ["{", "query Broken { tenants(", "}}}"])
async def test_a_parse_error_is_recorded_with_its_code(query: str) -> None:
    record = await _record_of(query)
    assert record.ran_operation
    assert record.operation_type == "unknown"
    assert record.result == "GRAPHQL_PARSE_FAILED"


async def test_a_validation_error_is_recorded_with_its_code() -> None:
    record = await _record_of("query Q { nope }")
    assert record.result == "GRAPHQL_VALIDATION_FAILED"
