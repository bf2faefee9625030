"""Log output: readable text by default, one JSON object a line in production.

``log_config(fmt, level)`` is a ``logging.config.dictConfig`` dictionary that uvicorn
applies in every process it starts (workers included), so the gateway's, uvicorn's and
the libraries' lines share one format. ``log_request(record, status)`` writes the one
line per GraphQL request. Every line goes through ``redact`` before it is written.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Callable
from typing import Any, Final

from gateway.observability.record import RequestRecord
from gateway.observability.redact import may_hold_secret, redact

__all__ = [
    "LOG_FORMATS",
    "REQUEST_LOGGER",
    "JsonFormatter",
    "TextFormatter",
    "log_config",
    "log_request",
    "request_fields",
]

LOG_FORMATS: Final = ("text", "json")
REQUEST_LOGGER: Final = "gateway.request"
REQUEST_MESSAGE: Final = "graphql request"


def _extra(record: logging.LogRecord) -> dict[str, Any]:
    # Read only (formatters never change it): no copy.
    fields = getattr(record, "fields", None)
    return fields if isinstance(fields, dict) else {}


class _Timestamps:
    """ISO 8601 UTC timestamps to the millisecond; the last one is reused while records
    fall in the same millisecond (one per formatter: under load many do).
    """

    __slots__ = ("_millisecond", "_stamp")

    def __init__(self) -> None:
        self._millisecond = -1
        self._stamp = ""

    def of(self, record: logging.LogRecord) -> str:
        """``record.created`` as ``2026-01-01T00:00:00.000Z``."""
        return self.at(record.created, int(record.msecs))

    def at(self, created: float, msecs: int | None = None) -> str:
        """``created`` (seconds since the epoch) as above; ``msecs`` as ``LogRecord``
        computes it unless given.
        """
        if msecs is None:
            msecs = int((created - int(created)) * 1000)
        millisecond = int(created) * 1000 + msecs
        if millisecond != self._millisecond:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created))
            self._stamp = f"{stamp}.{msecs:03d}Z"
            self._millisecond = millisecond
        return self._stamp


def _text_value(value: object) -> str:
    kind = type(value)
    if kind is int or kind is float:
        return str(value)  # never quoted (the request line's numbers: a hot path)
    if isinstance(value, list):
        # Upstream calls read as endpoint:outcome:ms, comma separated.
        return ",".join([_text_value(item) for item in value]) or "-"
    if isinstance(value, dict):
        if "endpoint" in value and "outcome" in value and "ms" in value:
            return ":".join([str(item) for item in value.values()])
        return ",".join([f"{key}:{item}" for key, item in value.items()]) or "-"
    text = str(value)
    return json.dumps(text) if (not text or " " in text or '"' in text) else text


class TextFormatter(logging.Formatter):
    """``2026-01-01T00:00:00.000Z INFO gateway.request message key=value ...``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._timestamps = _Timestamps()
        self._kinds = _Kinds()
        self.lines = _LineBatch()  # request lines on their way to this handler's stream

    def format(self, record: logging.LogRecord) -> str:
        """One readable line (plus a trace when there is one), redacted."""
        parts = [self._timestamps.of(record), record.levelname, record.name, record.getMessage()]
        parts += [f"{key}={_text_value(value)}" for key, value in _extra(record).items()]
        line = " ".join(parts)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return redact(line)

    def request_line(self, created: float, record: RequestRecord, status: int) -> str:
        """What ``format`` makes of ``record``'s request line logged at ``created``
        (without a ``LogRecord``: see ``log_request``).

        Only the time stamp, the request id, the duration and the upstream calls differ
        from one request to the next of the same kind (operation, status, cache events,
        errors): the rest of the line is made once per kind (issue 7: a cached answer's
        line was a sixth of its cost). A test holds this equal to ``format``'s line.
        """
        calls = record.upstream
        kind = (
            record.operation_name,
            record.operation_type,
            status,
            record.result,
            tuple(record.cache.items()),
            len(calls),
        )
        parts = self._kinds.get(kind)
        if parts is None:
            parts = self._kinds.add(kind, _text_parts(record, status))
        middle, tail, clean = parts
        request_id = _text_value(record.request_id)
        upstream = "-"
        if calls:
            upstream = ",".join([f"{c.endpoint}:{c.outcome}:{_ms(c.seconds)}" for c in calls])
            clean = clean and not may_hold_secret(upstream)
        line = (
            f"{self._timestamps.at(created)}{_HEAD}{request_id}{middle}"
            f"{_ms(record.elapsed())} upstream={upstream}{tail}"
        )
        # Scrubbed as ``format`` scrubs it; pieces known to hold no secret need no look:
        # the kind's parts were checked once, the time stamp and durations are numbers.
        if clean and not may_hold_secret(request_id):
            return line
        return redact(line)


_HEAD: Final = f" INFO {REQUEST_LOGGER} {REQUEST_MESSAGE} request_id="


# A kind of request line's fixed parts: see ``_text_parts``.
_Parts = tuple[str, str, bool]


def _ms(seconds: float) -> float:
    # The request line's durations: milliseconds to a tenth.
    return round(seconds * 1000, 1)


def _text_parts(record: RequestRecord, status: int) -> _Parts:
    """The text request line's parts that do not change between requests of a kind:
    from the operation to ``duration_ms=``, and from ``upstream_calls`` to the end; and
    whether they (and the line's fixed start) are free of anything ``redact`` would cut.
    """
    fields = request_fields(record, status)
    cache = ",".join([f"{result}:{count}" for result, count in fields["cache"].items()])
    middle = (
        f" operation={_text_value(fields['operation'])}"
        f" operation_type={_text_value(fields['operation_type'])}"
        f" status={status} duration_ms="
    )
    tail = (
        f" upstream_calls={fields['upstream_calls']}"
        f" cache={cache or '-'} result={_text_value(fields['result'])}"
    )
    return middle, tail, not may_hold_secret(_HEAD + middle + tail)


class _Kinds:
    """A small bounded memo (emptied when full: operation names come from clients)."""

    __slots__ = ("_parts",)

    _MAX = 256

    def __init__(self) -> None:
        self._parts: dict[tuple[object, ...], _Parts] = {}

    def get(self, kind: tuple[object, ...]) -> _Parts | None:
        return self._parts.get(kind)

    def add(self, kind: tuple[object, ...], parts: _Parts) -> _Parts:
        if len(self._parts) >= self._MAX:
            self._parts.clear()
        self._parts[kind] = parts
        return parts


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ``ts``, ``level``, ``logger``, ``message``, ``pid``, the
    fields.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._timestamps = _Timestamps()
        self.lines = _LineBatch()  # request lines on their way to this handler's stream

    def format(self, record: logging.LogRecord) -> str:
        """The record as compact JSON, redacted."""
        data: dict[str, Any] = {
            "ts": self._timestamps.of(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,  # tells workers apart
        }
        data.update(_extra(record))
        if record.exc_info:
            data["exc_info"] = self.formatException(record.exc_info)
        return redact(json.dumps(data, default=str, ensure_ascii=False))

    def request_line(self, created: float, record: RequestRecord, status: int) -> str:
        """What ``format`` makes of ``record``'s request line logged at ``created``
        (without a ``LogRecord``: see ``log_request``).
        """
        data: dict[str, Any] = {
            "ts": self._timestamps.at(created),
            "level": "INFO",
            "logger": REQUEST_LOGGER,
            "message": REQUEST_MESSAGE,
            "pid": os.getpid(),
        }
        data.update(request_fields(record, status))
        return redact(json.dumps(data, default=str, ensure_ascii=False))


def log_config(fmt: str, level: str) -> dict[str, Any]:
    """The ``dictConfig`` for ``fmt`` (text or json) at ``level``: one stderr handler on
    the root logger, uvicorn's loggers propagating to it.
    """
    if fmt not in LOG_FORMATS:
        raise ValueError(f"log format {fmt!r} is not one of {', '.join(LOG_FORMATS)}")
    formatter = JsonFormatter if fmt == "json" else TextFormatter
    upper = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"gateway": {"()": f"{formatter.__module__}.{formatter.__qualname__}"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "gateway",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": upper},
        "loggers": {
            **{
                name: {"handlers": [], "propagate": True, "level": upper}
                for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
            },
            # httpx logs every request's URL at INFO (OMI's auth URL holds an API key);
            # the request line already tells each upstream call.
            "httpx": {"level": "WARNING"},
            "httpcore": {"level": "WARNING"},
        },
    }


def request_fields(record: RequestRecord, status: int) -> dict[str, Any]:
    """The request log line's fields (never a header, variable or query text)."""
    return {
        "request_id": record.request_id,
        "operation": record.operation_name or "-",
        "operation_type": record.operation_type or "-",
        "status": status,
        "duration_ms": _ms(record.elapsed()),
        "upstream": [
            {"endpoint": call.endpoint, "outcome": call.outcome, "ms": _ms(call.seconds)}
            for call in record.upstream
        ],
        "upstream_calls": len(record.upstream),
        "cache": dict(record.cache),
        "result": record.result,
    }


def log_request(record: RequestRecord, status: int) -> None:
    """Write the one INFO line for a finished GraphQL request.

    When every handler it would reach is a plain ``StreamHandler`` with one of the
    formatters above and nothing filters (``log_config``'s set-up), the line those
    handlers would write is written to their streams directly: the same text, without
    a ``LogRecord`` and logging's dispatch, a third of a cached answer's cost (issue 7).
    Any other set-up (a test's capture handler, a filter) gets the ``LogRecord``.
    """
    logger = _request_logger
    if not logger.isEnabledFor(logging.INFO):
        return
    handlers = _plain_handlers(logger)
    if handlers is None:
        logger.handle(_log_record(logger, request_fields(record, status)))
        return
    created = time.time()
    for handler in handlers:
        formatter: TextFormatter | JsonFormatter = handler.formatter  # type: ignore[assignment]
        line = formatter.request_line(created, record, status) + handler.terminator
        formatter.lines.add(handler, line, lambda: _report(logger, record, status))


class _LineBatch:
    """Request lines of a formatter's handlers, written at the end of the event loop's
    current iteration: one write (a system call, the costliest part of a line) for all
    the requests that finished in it, each line whole. Outside a loop: at once.
    """

    __slots__ = ("_pending", "_report")

    def __init__(self) -> None:
        self._pending: dict[logging.StreamHandler[Any], list[str]] = {}
        self._report: Callable[[], logging.LogRecord] | None = None

    def add(
        self,
        handler: logging.StreamHandler[Any],
        line: str,
        record: Callable[[], logging.LogRecord],
    ) -> None:
        """Queue ``line`` for ``handler``'s stream (``record()`` for an error report)."""
        scheduled = bool(self._pending)
        self._pending.setdefault(handler, []).append(line)
        self._report = record
        if scheduled:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        loop.call_soon(self.flush)

    def flush(self) -> None:
        """Write the queued lines now."""
        pending, self._pending = self._pending, {}
        for handler, lines in pending.items():
            with handler.lock:  # type: ignore[union-attr]  # set by Handler.__init__
                try:
                    handler.stream.write("".join(lines))
                    handler.stream.flush()
                except Exception:  # as StreamHandler.emit: report, never fail a request
                    if self._report is not None:
                        handler.handleError(self._report())


def _report(logger: logging.Logger, record: RequestRecord, status: int) -> logging.LogRecord:
    return _log_record(logger, request_fields(record, status))


def _log_record(logger: logging.Logger, fields: dict[str, Any]) -> logging.LogRecord:
    # ``logger.info`` without its search of the stack for the caller (unused by both
    # formats).
    return logger.makeRecord(
        REQUEST_LOGGER,
        logging.INFO,
        __file__,
        0,
        REQUEST_MESSAGE,
        (),
        None,
        extra={"fields": fields},
    )


def _plain_handlers(logger: logging.Logger) -> list[logging.StreamHandler[Any]] | None:
    """The handlers an INFO record of ``logger`` reaches, if all are plain stream
    handlers with this module's formatters and no filters; else None.
    """
    if logger.filters or logger.disabled:
        return None
    found: list[logging.StreamHandler[Any]] = []
    current: logging.Logger | None = logger
    while current is not None:
        for handler in current.handlers:
            if (
                type(handler) is not logging.StreamHandler
                or handler.filters
                or type(handler.formatter) not in _FORMATTERS
            ):
                return None
            if handler.level <= logging.INFO:
                found.append(handler)
        current = current.parent if current.propagate else None
    return found or None


# logging's own registry keeps loggers for the process's life; this saves a lookup under
# its lock per request. Configuration (dictConfig) changes the logger, not which it is.
_request_logger = logging.getLogger(REQUEST_LOGGER)
_FORMATTERS: Final = (TextFormatter, JsonFormatter)
