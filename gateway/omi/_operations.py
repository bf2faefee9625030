"""The five OMI endpoints the client calls, described once.

A retry policy, metrics or tracing hooked into ``OmiClient._send`` read these: the
name (as the sandbox's faults and stats name endpoints), and whether sending the same
request twice is safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from gateway.omi._codes import CodeRule
from gateway.omi.errors import NotFound

__all__ = ["ADD", "AUTH", "INFO", "LIST", "TOP_UP", "Operation"]

_NO_OVERRIDES: Final[Mapping[str, CodeRule]] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Operation:
    """One OMI endpoint: how to call it and how to read its error codes."""

    name: str
    method: str
    path: str
    # False when a repeat has a second effect (a top-up charges twice).
    idempotent: bool
    # Codes that mean something else on this endpoint than in ``CODES``.
    overrides: Mapping[str, CodeRule] = field(default_factory=lambda: _NO_OVERRIDES)


AUTH: Final = Operation("auth", "GET", "/api/auth", idempotent=True)
LIST: Final = Operation("tenant/list", "POST", "/api/partner/tenant/list", idempotent=True)
# A foreign or unknown tenant id: CONTRACT.md expects either code, and both mean
# "you have no such tenant" here (never reveal whether another partner has it).
INFO: Final = Operation(
    "tenant/info",
    "GET",
    "/api/partner/tenant/info",
    idempotent=True,
    overrides=MappingProxyType({"tenant_invalid": CodeRule(NotFound)}),
)
ADD: Final = Operation("tenant/add", "POST", "/api/partner/tenant/add", idempotent=False)
TOP_UP: Final = Operation(
    "tenant/update_balance", "POST", "/api/partner/tenant/update_balance", idempotent=False
)
