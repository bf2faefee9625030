"""Which HTTP requests the response cache may answer, and their canonical form.

Only a ``POST`` whose body is one JSON object with a ``query`` string, optional
``variables`` (an object) and ``operationName`` (a string), and nothing else (no
``extensions``: persisted queries and the like go to Strawberry). The canonical form
is that triple as compact JSON with sorted keys, so key order and white space in the
body do not matter, while any difference in the query text, a variable or the
operation name does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.types import Scope

__all__ = ["MAX_BODY_BYTES", "Memo", "caller_of", "canonical_body"]

# Larger bodies are never answered from the cache (they pass through untouched).
MAX_BODY_BYTES = 64 * 1024

_ALLOWED_KEYS = frozenset({"query", "variables", "operationName"})
# Streaming answers (incremental delivery, subscriptions over SSE) are never cached.
_STREAMING = (b"multipart/", b"text/event-stream")


class Memo:
    """A small bounded memo of a pure function of bytes: ``get(key, argument)`` is
    ``function(argument)``, remembered under ``key`` (a digest of the argument, so the
    argument itself is not kept). When full it is emptied: bounded memory, and a working
    set that fits stays warm.
    """

    def __init__(self, function: Callable[[bytes], bytes | None], *, max_entries: int = 1024):
        self._function = function
        self._max_entries = max_entries
        self._values: dict[bytes, bytes | None] = {}

    def get(self, key: bytes, argument: bytes) -> bytes | None:
        """``function(argument)``, computed once while ``key`` is remembered."""
        try:
            return self._values[key]
        except KeyError:
            pass
        value = self._function(argument)
        if len(self._values) >= self._max_entries:
            self._values.clear()
        self._values[key] = value
        return value


def caller_of(
    scope: Scope, max_bytes: int = MAX_BODY_BYTES
) -> tuple[str | None, bytes | None] | None:
    """For a JSON ``POST`` that does not ask for a streamed answer and whose declared
    length (if any) is within ``max_bytes``: ``(authorization, origin)``, else None.

    ``authorization`` is the whole ``Authorization`` header when it is ``Bearer
    <token>`` (as the schema's context reads it, the first one), else None; ``origin``
    the ``Origin`` header (None when absent), on which CORS's answer headers depend.
    One pass over the headers: this runs for every request the cache may answer.
    """
    if scope["method"] != "POST":
        return None
    json_body = False
    authorization: str | None = None
    seen = False
    origin: bytes | None = None
    for name, value in scope["headers"]:
        if name == b"content-type":
            json_body = value.split(b";", 1)[0].strip().lower() == b"application/json"
        elif name == b"authorization":
            if not seen:
                seen = True
                text: str = value.decode("latin-1")
                scheme, _, token = text.strip().partition(" ")
                if scheme.lower() == "bearer" and token.strip():
                    authorization = text
        elif name == b"origin":
            if origin is None:
                origin = value
        elif name == b"accept":
            lowered = value.lower()
            if any(kind in lowered for kind in _STREAMING):
                return None
        elif name == b"content-length":
            try:
                if int(value) > max_bytes:
                    return None
            except ValueError:
                return None
    return (authorization, origin) if json_body else None


def canonical_body(body: bytes) -> bytes | None:
    """The canonical form of a GraphQL request body, or None when the cache must not
    answer it (not one operation of the accepted shape, or not JSON at all).
    """
    try:
        data: Any = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not data.keys() <= _ALLOWED_KEYS:
        return None
    query = data.get("query")
    variables = data.get("variables")
    name = data.get("operationName")
    if not isinstance(query, str) or not query:
        return None
    if variables is not None and not isinstance(variables, dict):
        return None
    if name is not None and not isinstance(name, str):
        return None
    # {} and null variables mean the same to GraphQL; so do a missing and a null name.
    canonical = [query, variables or None, name]
    try:
        return json.dumps(canonical, sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, TypeError, RecursionError):
        return None
