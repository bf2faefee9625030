"""Plants a bug in a real ``serve`` process, for tests of masking and log redaction.

Python imports ``sitecustomize`` at start-up from ``PYTHONPATH``; the edge tests put
this directory there. A tenant search for the keyword ``__crash__`` then raises an
unexpected exception whose message quotes the caller's ``Authorization`` header, as a
careless bug might. Nothing else changes.
"""

from __future__ import annotations

from typing import Any

from gateway.omi.client import OmiClient

CRASH_KEYWORD = "__crash__"

_list_tenants = OmiClient.list_tenants


async def _buggy_list_tenants(
    self: OmiClient, authorization: str, *, keyword: str | None = None, **kwargs: Any
) -> Any:
    if keyword == CRASH_KEYWORD:
        raise RuntimeError(f"injected bug while listing for Authorization: {authorization}")
    return await _list_tenants(self, authorization, keyword=keyword, **kwargs)


OmiClient.list_tenants = _buggy_list_tenants  # type: ignore[method-assign]
