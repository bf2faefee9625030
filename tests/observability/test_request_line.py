"""The request line written without a ``LogRecord`` (issue 7) is the line the
formatters write for one; other handlers still get the record.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
from collections.abc import Callable, Iterator

import pytest

from gateway.observability.logging import (
    REQUEST_LOGGER,
    JsonFormatter,
    TextFormatter,
    log_request,
    request_fields,
)
from gateway.observability.record import RequestRecord, UpstreamCall

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _record(request_id: str = "r-1") -> RequestRecord:
    record = RequestRecord(request_id, method="POST", status=200)
    record.operation_name = "Tenant"
    record.operation_type = "query"
    record.cache["response_hit"] += 1
    return record


@pytest.fixture
def request_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger(REQUEST_LOGGER)
    saved = (logger.handlers[:], logger.propagate, logger.level)
    logger.handlers.clear()
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        yield logger
    finally:
        logger.handlers[:], logger.propagate, logger.level = saved


def _stream_handler(logger: logging.Logger, formatter: logging.Formatter) -> io.StringIO:
    # pytest's capture handlers (added for the test's call) would make it take the
    # LogRecord path: these tests are about the other one.
    for capture in [h for h in logger.handlers if type(h) is not logging.StreamHandler]:
        logger.removeHandler(capture)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger.addHandler(handler)
    return stream


def _as_record(logger: logging.Logger, record: RequestRecord) -> logging.LogRecord:
    fields = request_fields(record, 200)
    fields["duration_ms"] = 0.0
    return logger.makeRecord(
        REQUEST_LOGGER, logging.INFO, "f", 0, "graphql request", (), None, extra={"fields": fields}
    )


def _zero_duration(text: str) -> str:
    return re.sub(r"duration_ms=[0-9.]+", "duration_ms=0.0", text)


def _busy_record() -> RequestRecord:
    record = _record('with space "quoted"')
    record.operation_name = None
    record.upstream.append(UpstreamCall("tenant/info", "200", 0.0031))
    record.upstream.append(UpstreamCall("tenant/list", "timeout", 1.5))
    record.cache["hit"] += 2
    record.error_codes += ["UPSTREAM_TIMEOUT", "NOT_FOUND"]
    return record


@pytest.mark.parametrize("make", [_record, _busy_record])
def test_the_text_line_is_the_formatters_line(
    request_logger: logging.Logger, make: Callable[[], RequestRecord]
) -> None:
    stream = _stream_handler(request_logger, TextFormatter())
    log_request(make(), 200)
    written = stream.getvalue()
    assert written.count("\n") == 1
    assert STAMP.match(written)
    expected = TextFormatter().format(_as_record(request_logger, make()))
    assert STAMP.sub("", _zero_duration(written.rstrip("\n"))) == STAMP.sub("", expected)
    assert "result=ok" in written or "upstream=tenant/info:200:3.1,tenant/list" in written


def test_the_json_line_is_the_formatters_line(request_logger: logging.Logger) -> None:
    stream = _stream_handler(request_logger, JsonFormatter())
    log_request(_record(), 200)
    written = json.loads(stream.getvalue())
    expected = json.loads(JsonFormatter().format(_as_record(request_logger, _record())))
    assert STAMP.match(written.pop("ts"))
    expected.pop("ts")
    written["duration_ms"] = 0.0
    assert written == expected
    assert written["pid"] == os.getpid()


def test_a_callers_credential_in_its_request_id_is_cut(request_logger: logging.Logger) -> None:
    stream = _stream_handler(request_logger, TextFormatter())
    log_request(_record("Bearer s3cr3t-id"), 200)
    assert "s3cr3t" not in stream.getvalue()
    assert "[redacted]" in stream.getvalue()


def test_other_handlers_get_the_record(request_logger: logging.Logger) -> None:
    class Keep(logging.Handler):
        def __init__(self) -> None:
            super().__init__()
            self.records: list[logging.LogRecord] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.records.append(record)

    stream = _stream_handler(request_logger, TextFormatter())
    keep = Keep()
    request_logger.addHandler(keep)
    log_request(_record(), 200)
    assert [record.getMessage() for record in keep.records] == ["graphql request"]
    assert keep.records[0].fields["operation"] == "Tenant"  # type: ignore[attr-defined]
    assert stream.getvalue().count("graphql request") == 1  # the stream handler too


def test_nothing_is_written_below_the_level(request_logger: logging.Logger) -> None:
    stream = _stream_handler(request_logger, TextFormatter())
    request_logger.setLevel(logging.WARNING)
    log_request(_record(), 200)
    assert stream.getvalue() == ""


async def test_lines_of_one_loop_iteration_are_written_together_in_order(
    request_logger: logging.Logger,
) -> None:
    stream = _stream_handler(request_logger, TextFormatter())
    log_request(_record("first"), 200)
    log_request(_record("second"), 200)
    assert stream.getvalue() == ""  # queued until the loop's current iteration ends
    await asyncio.sleep(0)
    lines = stream.getvalue().splitlines()
    assert [line.split("request_id=")[1].split()[0] for line in lines] == ["first", "second"]
    log_request(_record("third"), 200)
    await asyncio.sleep(0)
    assert stream.getvalue().count("graphql request") == 3


def test_lines_of_one_kind_share_parts_but_not_ids_durations_or_calls(
    request_logger: logging.Logger,
) -> None:
    # One formatter for every line: the parts it keeps per kind of request must never
    # leak one request's id, duration or upstream calls into another's line.
    formatter = TextFormatter()
    stream = _stream_handler(request_logger, formatter)
    first = _busy_record()
    second = _busy_record()
    second.request_id = "other-id"
    second.upstream[0] = UpstreamCall("tenant/info", "503", 0.25)
    renamed = _record("r-3")
    renamed.operation_name = "Renamed"
    for record in (first, second, _record(), renamed, _record("r-4")):
        log_request(record, 200)
    written = [_zero_duration(line) for line in stream.getvalue().splitlines()]
    expected = [
        TextFormatter().format(_as_record(request_logger, record))
        for record in (first, second, _record(), renamed, _record("r-4"))
    ]
    assert [STAMP.sub("", line) for line in written] == [STAMP.sub("", e) for e in expected]
    assert "upstream=tenant/info:503:250.0,tenant/list:timeout:1500.0" in written[1]
    assert "request_id=other-id operation=- " in written[1]
    assert "operation=Renamed" in written[3]


def test_a_credential_in_a_kinds_fixed_parts_is_cut_on_every_line(
    request_logger: logging.Logger,
) -> None:
    stream = _stream_handler(request_logger, TextFormatter())
    for request_id in ("r-1", "r-2"):  # the second line reuses the kind's parts
        record = _record(request_id)
        record.operation_name = "odd token=s3cr3t"
        log_request(record, 200)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert all("s3cr3t" not in line and "token=[redacted]" in line for line in lines)
